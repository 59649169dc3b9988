"""Approve and reject exhibitor applications: small admin forms that call the services."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from bookday.exports import local_phone
from publishers.admin_forms import ApproveForm, RejectForm
from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication
from publishers.services.applications import ApplicationError, approve_application, reject_application

_BOOTH = re.compile(r"^(?P<row>.*?)(?P<number>\d+)$")


def booth_overview(event) -> dict:
    """The booths already given at ``event`` (with whom) and the free ones to suggest.

    The event has no floor plan in the system, so "free" means the gaps in each row's numbering
    and the next number after the last one given ("A1, A2, A4" -> A3, A5)."""
    taken = {}
    for exhibitor in Exhibitor.objects.filter(event=event).exclude(booths="").select_related("publisher"):
        for booth in exhibitor.booths.split(", "):
            taken[booth] = exhibitor.publisher.name
    rows: dict[str, set[int]] = {}
    for booth in taken:
        if match := _BOOTH.match(booth):
            rows.setdefault(match["row"], set()).add(int(match["number"]))
    free = []
    for row, numbers in sorted(rows.items()):
        free += [f"{row}{n}" for n in range(1, max(numbers) + 2) if n not in numbers]

    def natural(booth: str):
        match = _BOOTH.match(booth)
        return (match["row"], int(match["number"])) if match else (booth, 0)

    return {
        "taken": [(booth, taken[booth]) for booth in sorted(taken, key=natural)],
        "free": sorted(free, key=natural),
    }


class DecisionView(WagtailAdminTemplateMixin, FormView):
    """Shows the application's essentials and one small form; the service decides."""

    template_name = "publishers/admin/decision.html"
    viewset = None  # the ExhibitorApplicationViewSet, passed by as_view()
    allowed: tuple = ()
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        if not self.viewset.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.object = get_object_or_404(
            ExhibitorApplication.objects.select_related("event", "publisher"), pk=kwargs["pk"]
        )
        if request.method == "GET" and self.object.status not in self.allowed:
            # Decided already: its page shows the outcome; no form to decide it again.
            messages.info(
                request,
                _("This application is already decided (%(status)s).")
                % {"status": self.object.get_status_display()},
            )
            return redirect(self.inspect_url)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.organisation_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.viewset.get_url_name("index")), "label": self.viewset.menu_label},
            {"url": self.inspect_url, "label": self.object.organisation_name},
            {"url": "", "label": self.get_page_title()},
        ]

    @property
    def inspect_url(self) -> str:
        return reverse(self.viewset.get_url_name("inspect"), args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.object,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            inspect_url=self.inspect_url,
            can_decide=self.object.status in self.allowed,
            phone=local_phone(self.object.phone),
        )
        return context

    def form_valid(self, form):
        try:
            self.decide(form.cleaned_data)
        except ApplicationError as error:
            error.add_to(form)
            messages.error(self.request, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        return redirect(self.inspect_url)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ApproveView(DecisionView):
    form_class = ApproveForm
    page_title = gettext_lazy("Approve application")
    submit_button_label = gettext_lazy("Approve and email the applicant")
    allowed = (ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED)

    def get_initial(self):
        return {"booths": self.object.booths}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["booths"] = booth_overview(self.object.event)
        return context

    def decide(self, data):
        result = approve_application(application=self.object, booths=data["booths"], by=self.request.user)
        if result.new_account:
            note = _("A portal account was created; %(email)s has been sent a link to set its password.")
        else:
            note = _("%(email)s already has a portal account and has been sent a sign-in link.")
        messages.success(
            self.request,
            _("%(name)s is approved.") % {"name": result.publisher.name}
            + " "
            + note % {"email": result.application.email},
        )


class RejectView(DecisionView):
    form_class = RejectForm
    page_title = gettext_lazy("Reject application")
    submit_button_label = gettext_lazy("Reject and email the reason")
    allowed = (ApplicationStatus.SUBMITTED,)

    def decide(self, data):
        reject_application(application=self.object, reason=data["reason"], by=self.request.user)
        messages.success(
            self.request,
            _("The application of %(name)s is rejected; the reason was emailed to %(email)s.")
            % {"name": self.object.organisation_name, "email": self.object.email},
        )
