"""Settings → Locked sign-ins: the sign-ins django-axes has paused, and a button to lift one.

For organisers (anyone who may change user accounts): a gate volunteer who mistyped their
password five times at the gate should not wait a quarter of an hour.
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_required
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

PERMISSION = "auth.change_user"


class LockedSigninsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "home/admin/locked_signins.html"
    page_title = gettext_lazy("Locked sign-ins")
    header_icon = "lock"
    _show_breadcrumbs = True  # the admin's usual header bar, as on the other settings pages

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempts"] = AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).order_by("-attempt_time")
        context["minutes"] = round(settings.AXES_COOLOFF_TIME * 60)
        return context


index = permission_required(PERMISSION)(LockedSigninsView.as_view())


@require_POST
@permission_required(PERMISSION)
def unlock(request, pk: int):
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    reset(username=attempt.username, ip=attempt.ip_address)
    messages.success(request, _("%(username)s can sign in again.") % {"username": attempt.username})
    return redirect("locked_signins")


urls = [
    path("locked-sign-ins/", index, name="locked_signins"),
    path("locked-sign-ins/<int:pk>/unlock/", unlock, name="locked_signins_unlock"),
]


class LockedSigninsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


def menu_item():
    return LockedSigninsMenuItem(
        gettext_lazy("Locked sign-ins"), reverse("locked_signins"), icon_name="lock", order=650
    )
