"""Book Day → Announcements, for organisers (Organisers hold the app's permissions, editors none:
home.groups.ORGANISER_APPS)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from bookday.admin_display import local_datetime
from events.viewsets import BOOK_DAY_MENU_HOOK
from messaging.admin_views import (
    AnnouncementCreateView,
    AnnouncementDeleteView,
    AnnouncementEditView,
    AnnouncementIndexView,
    ReviewView,
)
from messaging.models import Announcement


def progress(announcement) -> str:
    if announcement.is_draft:
        return gettext_lazy("Not sent yet")
    return gettext_lazy("%(sent)s of %(total)s sent, %(failed)s failed") % {
        "sent": announcement.sent_count,
        "total": announcement.recipients_count,
        "failed": announcement.failed_count,
    }


class AnnouncementViewSet(ModelViewSet):
    model = Announcement

    icon = "mail"
    menu_label = gettext_lazy("Announcements")
    add_to_admin_menu = True
    menu_hook = BOOK_DAY_MENU_HOOK
    menu_order = 90
    index_view_class = AnnouncementIndexView
    add_view_class = AnnouncementCreateView
    edit_view_class = AnnouncementEditView
    delete_view_class = AnnouncementDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["subject"]
    search_backend_name = None
    list_filter = ["event", "status"]
    form_fields = ["event", "day", "subject", "body", "subject_en", "body_en"]
    list_display = [
        TitleColumn(
            "subject",
            label=gettext_lazy("Subject"),
            accessor="subject",
            get_url=lambda a: reverse("announcements:review", args=[a.pk]),
        ),
        "event",
        Column(
            "day",
            label=gettext_lazy("Day"),
            accessor=lambda a: f"{a.day.date:%d/%m/%Y}" if a.day_id else gettext_lazy("All days"),
        ),
        "status",
        Column("progress", label=gettext_lazy("Progress"), accessor=progress),
        Column(
            "created_at", label=gettext_lazy("Written at"), accessor=lambda a: local_datetime(a.created_at)
        ),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("<int:pk>/review/", ReviewView.as_view(), name="review")]
