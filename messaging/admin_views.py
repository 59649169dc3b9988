"""The announcement's review page: preview, test to oneself, send, then the progress. Thin: every
change goes through messaging.services.announcements."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView

from events.permissions import is_organiser
from messaging.enums import AnnouncementStatus, DeliveryStatus
from messaging.models import Announcement
from messaging.services import MessagingError
from messaging.services.announcements import audience, preview, send_test
from messaging.services.sending import start_sending

REFRESH_SECONDS = 10


class ToReview:
    """After saving, the organiser lands on the review page (preview, test, send)."""

    def get_success_url(self):
        return reverse("announcements:review", args=[self.object.pk])

    def save_instance(self):
        instance = self.form.save(commit=False)
        if not instance.created_by_id:
            instance.created_by = self.request.user
        instance.save()
        return instance


class AnnouncementCreateView(ToReview, CreateView):
    pass


class DraftsOnly:
    """A sent announcement is neither edited (its recipients have read it) nor deleted (with the
    log of who got it): back to its review page."""

    def dispatch(self, request, *args, **kwargs):
        announcement = get_object_or_404(Announcement, pk=kwargs["pk"])
        if not announcement.is_draft:
            return redirect("announcements:review", announcement.pk)
        return super().dispatch(request, *args, **kwargs)


class AnnouncementEditView(DraftsOnly, ToReview, EditView):
    pass


class AnnouncementDeleteView(DraftsOnly, DeleteView):
    pass


class AnnouncementIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_progress().select_related("event", "day")


class ReviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "messaging/admin/review.html"
    header_icon = "mail"
    page_title = gettext_lazy("Announcement")

    def dispatch(self, request, *args, **kwargs):
        if not (is_organiser(request.user) and request.user.has_perm("messaging.change_announcement")):
            raise PermissionDenied
        self.announcement = get_object_or_404(
            Announcement.objects.with_progress().select_related("event", "day"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.announcement.subject

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("announcements:index"), "label": _("Announcements")},
            {"url": "", "label": self.announcement.subject},
        ]

    def post(self, request, *args, **kwargs):
        announcement = self.announcement
        try:
            if "send_test" in request.POST:
                address = send_test(announcement=announcement, user=request.user)
                messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
            elif "send" in request.POST and not request.POST.get("checked"):
                messages.error(request, _("Tick the box to confirm you have read the preview, then send."))
            elif "send" in request.POST:
                count = start_sending(announcement=announcement)
                messages.success(
                    request, _("Sending to %(count)s registrations has started.") % {"count": count}
                )
        except MessagingError as error:
            messages.error(request, error.message)
        except Exception as error:  # the test's mail server refused: say so, change nothing
            messages.error(request, _("The test could not be sent: %(error)s") % {"error": error})
        return redirect("announcements:review", announcement.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        announcement = self.announcement
        context["announcement"] = announcement
        context["previews"] = [("vi", _("Vietnamese"), preview(announcement, "vi"))]
        if announcement.body_en.strip() and announcement.subject_en.strip():
            context["previews"].append(("en", _("English"), preview(announcement, "en")))
        if announcement.is_draft:
            context["audience_count"] = audience(announcement).count()
        else:
            context["progress"] = [
                (label, getattr(announcement, f"{status}_count"), status)
                for status, label in DeliveryStatus.choices
            ]
            context["failures"] = announcement.deliveries.filter(status=DeliveryStatus.FAILED).select_related(
                "registration"
            )[:50]
            if announcement.status == AnnouncementStatus.SENDING:
                context["refresh_seconds"] = REFRESH_SECONDS
        return context
