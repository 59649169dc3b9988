"""Wagtail admin screens for organisers: registrations, each day's capacity, the gates' records."""

import django_filters
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from bookday.admin_display import LocalInspectMixin, local_datetime
from bookday.exports import ExportMixin
from events.admin_forms import RegistrationCreateForm, RegistrationEditForm
from events.admin_registrations import (
    CancelView,
    RegistrationCreateView,
    RegistrationIndexView,
    RegistrationInspectView,
    ResendView,
    status_label,
)
from events.enums import RegistrationStatus
from events.models import CheckIn, EventDay, Gate, Registration, SessionAdmission, SessionBooking, WalkIn
from events.validators import display_vn_mobile

BOOK_DAY_MENU_HOOK = "register_book_day_menu_item"


class NoDeletePolicy(ModelPermissionPolicy):
    """Registrations are cancelled, never deleted: the record is part of the event's history."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


register_permission_policy(Registration, NoDeletePolicy(Registration))


class RegistrationFilterSet(WagtailFilterSet):
    visit_date = django_filters.DateFilter(
        field_name="day__date", label=gettext_lazy("Day of the visit"), widget=AdminDateInput
    )

    class Meta:
        model = Registration
        fields = ["event", "status", "source"]


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "user"
    menu_label = gettext_lazy("Registrations")
    add_to_admin_menu = False
    index_view_class = RegistrationIndexView
    add_view_class = RegistrationCreateView
    inspect_view_class = RegistrationInspectView
    search_backend_name = None  # events.admin_registrations.search_registrations
    search_fields = ["full_name"]  # shows the search box; the search itself is ours
    filterset_class = RegistrationFilterSet
    list_display = [
        "full_name",
        "party_size",
        Column("visit_date", label=gettext_lazy("Day"), accessor="day.date", sort_key="day__date"),
        Column("status", label=gettext_lazy("Status"), accessor=status_label, sort_key="status"),
        Column("phone", label=gettext_lazy("Phone"), accessor=lambda r: display_vn_mobile(r.phone)),
        "organisation",
        Column(
            "created_at", label=gettext_lazy("Registered at"), accessor="created_at", sort_key="created_at"
        ),
    ]
    list_export = [
        "entry_pass.code",
        "event",
        "visit_date",
        "full_name",
        "email",
        "phone",
        "party_size",
        "organisation",
        "status",
        "queue_position",
        "people_admitted",
        "first_entry_at",
        "source",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "email_sent_at",
        "email_error",
    ]
    export_headings = {
        "entry_pass.code": gettext_lazy("Pass code"),
        "visit_date": gettext_lazy("Day"),
        "queue_position": gettext_lazy("Place in the waiting list"),
        "people_admitted": gettext_lazy("People admitted"),
        "first_entry_at": gettext_lazy("First entry"),
    }
    export_filename = "dang-ky"
    inspect_view_enabled = True
    inspect_view_fields = [
        "event",
        "visit_date",
        "full_name",
        "email",
        "phone",
        "party_size",
        "organisation",
        "answers",
        "status",
        "entry_pass",
        "source",
        "language",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "email_sent_at",
        "email_attempts",
        "email_error",
    ]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return RegistrationEditForm if for_update else RegistrationCreateForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(viewset=self, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(viewset=self, **kwargs)

    def get_urlpatterns(self):
        return [
            *(p for p in super().get_urlpatterns() if p.name != "delete"),
            path("resend/<int:pk>/", ResendView.as_view(viewset=self), name="resend"),
            path("cancel/<int:pk>/", CancelView.as_view(viewset=self), name="cancel"),
        ]


class WaitingListViewSet(ViewSet):
    """A menu entry for the waiting list: the registrations list filtered, in queue order."""

    name = "waiting_list"
    icon = "list-ol"
    menu_label = gettext_lazy("Waiting list")
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [path("", self.index, name="index")]

    def index(self, request):
        return redirect(reverse("registrations:index") + "?status=" + RegistrationStatus.WAITING)


class ReadOnlyListing:
    """A ModelViewSet that only lists (records written by services, never edited by hand)."""

    views = {"index", "index_results"}

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit, delete, history or usage screens to link to.
        none = dict.fromkeys(
            ["add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"]
        )
        return super().get_common_view_kwargs(**{**none, **kwargs})

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name in self.views]


class TitledIndexView(ExportMixin, IndexView):
    """An index whose page title is its menu entry (``viewset.menu_label``), not the model's name."""

    viewset = None

    def get_page_title(self):
        return self.viewset.menu_label if self.viewset else super().get_page_title()


class TitledViewSet(ModelViewSet):
    index_view_class = TitledIndexView

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(viewset=self, **kwargs)


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def undone(record) -> str:
    """ "14:05 03/12/2026 (Nguyễn Văn A)" when a gate action was undone, else empty."""
    if not record.undone_at:
        return ""
    by = person(record.undone_by)
    return f"{local_datetime(record.undone_at)} ({by})" if by else local_datetime(record.undone_at)


class EventDayIndexView(TitledIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("event")
            .with_places()
            .order_by("-event__start_date", "event_id", "date")  # newest fair first, its days in order
        )


class EventDayViewSet(ReadOnlyListing, TitledViewSet):
    """Read-only: capacity per day as used/total, and the waiting list's length."""

    model = EventDay
    icon = "date"
    menu_label = gettext_lazy("Capacity by day")
    add_to_admin_menu = False
    index_view_class = EventDayIndexView
    list_filter = ["event"]
    list_display = [
        "event",
        "date",
        Column(
            "used",
            label=gettext_lazy("Places used"),
            accessor=lambda d: f"{d.places_taken} / {d.event.daily_capacity}",
        ),
        Column("waiting_count", label=gettext_lazy("Waiting")),
    ]
    list_export = ["event", "date", "places_taken", "event.daily_capacity", "waiting_count"]
    export_headings = {
        "places_taken": gettext_lazy("Places used"),
        "event.daily_capacity": gettext_lazy("Places per day"),
        "waiting_count": gettext_lazy("Waiting"),
    }
    copy_view_enabled = False
    export_filename = "suc-chua-theo-ngay"
    form_fields = ["event", "date"]


class CheckInIndexView(TitledIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("event", "gate", "user", "undone_by", "entry_pass__registration")
        )


class CheckInInspectView(LocalInspectMixin, InspectView):
    def get_undone_by_display_value(self):
        return person(self.object.undone_by)

    def get_user_display_value(self):
        return person(self.object.user)


class CheckInViewSet(ReadOnlyListing, TitledViewSet):
    """Every scan at the gates, refusals included: the audit trail. Read-only."""

    model = CheckIn
    views = {"index", "index_results", "inspect"}
    icon = "tick-inverse"
    menu_label = gettext_lazy("Check-ins")
    add_to_admin_menu = False
    index_view_class = CheckInIndexView
    inspect_view_class = CheckInInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["code", "device", "entry_pass__code", "entry_pass__registration__full_name"]
    list_filter = ["event", "day", "gate", "result", "method", "flagged", "device"]
    list_display = [
        Column("scanned_at", label=gettext_lazy("Scanned at"), accessor="scanned_at", sort_key="scanned_at"),
        "result",
        "admitted",
        "method",
        "gate",
        Column(
            "visitor",
            label=gettext_lazy("Visitor"),
            accessor=lambda c: c.entry_pass.registration.full_name if c.entry_pass_id else "—",
        ),
        Column("user", label=gettext_lazy("Staff"), accessor=lambda c: person(c.user)),
        "device",
        Column("undone", label=gettext_lazy("Undone"), accessor=undone),
        Column(
            "flagged", label=gettext_lazy("Needs review"), accessor=lambda c: _("yes") if c.flagged else ""
        ),
    ]
    list_export = [
        "event",
        "day",
        "gate",
        "scanned_at",
        "received_at",
        "result",
        "admitted",
        "method",
        "code",
        "entry_pass.registration.full_name",
        "user",
        "device",
        "offline_result",
        "flagged",
        "undone_at",
        "undone_by",
        "client_id",
    ]
    export_headings = {"entry_pass.registration.full_name": gettext_lazy("Visitor")}
    inspect_view_fields = [
        "event",
        "day",
        "gate",
        "scanned_at",
        "received_at",
        "result",
        "admitted",
        "method",
        "code",
        "entry_pass",
        "user",
        "device",
        "offline_result",
        "flagged",
        "undone_at",
        "undone_by",
        "client_id",
    ]
    export_filename = "luot-soat-ve"
    form_fields = ["gate"]
    list_per_page = 100


class FlaggedIndexView(CheckInIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(flagged=True)


class FlaggedCheckInViewSet(CheckInViewSet):
    """Scans decided offline that the server disagreed with: kept, and listed here for review."""

    menu_label = gettext_lazy("Offline conflicts")
    icon = "warning"
    index_view_class = FlaggedIndexView
    export_filename = "xung-dot-ngoai-tuyen"


class GateViewSet(TitledViewSet):
    model = Gate
    icon = "site"
    menu_label = gettext_lazy("Gates")
    add_to_admin_menu = False
    form_fields = ["event", "name", "sort_order"]
    list_display = ["name", "event", "sort_order"]
    list_filter = ["event"]
    copy_view_enabled = False


class WalkInIndexView(TitledIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "gate", "user", "undone_by")


class WalkInViewSet(ReadOnlyListing, TitledViewSet):
    model = WalkIn
    icon = "group"
    menu_label = gettext_lazy("Walk-ins")
    add_to_admin_menu = False
    index_view_class = WalkInIndexView
    copy_view_enabled = False
    list_filter = ["event", "day", "gate"]
    list_display = [
        Column("at", label=gettext_lazy("Counted at"), accessor="at", sort_key="at"),
        "count",
        "gate",
        Column("user", label=gettext_lazy("Staff"), accessor=lambda w: person(w.user)),
        "device",
        Column("undone", label=gettext_lazy("Undone"), accessor=undone),
    ]
    list_export = [
        "event",
        "day",
        "gate",
        "at",
        "count",
        "user",
        "device",
        "undone_at",
        "undone_by",
        "client_id",
    ]
    export_filename = "khach-vao-tu-do"
    form_fields = ["gate"]


class SessionBookingIndexView(TitledIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("session__page", "entry_pass__registration")
            .order_by("-session__date", "session__start_time", "session_id", "queue_number", "created_at")
        )


class SessionBookingViewSet(ReadOnlyListing, TitledViewSet):
    """Read-only: who booked places at the signings and workshops (written by the sessions service)."""

    model = SessionBooking
    icon = "list-ul"
    menu_label = gettext_lazy("Session bookings")
    add_to_admin_menu = False
    index_view_class = SessionBookingIndexView
    copy_view_enabled = False
    list_filter = ["session__page", "session", "status"]
    list_display = [
        "session",
        Column("name", label=gettext_lazy("Name"), accessor="entry_pass.registration.full_name"),
        "people",
        "status",
        "queue_number",
        Column(
            "created_at", label=gettext_lazy("Booked at"), accessor=lambda b: local_datetime(b.created_at)
        ),
    ]
    list_export = [
        "session",
        "session.date",
        "session.start_time",
        "entry_pass.registration.full_name",
        "people",
        "status",
        "queue_number",
        "created_at",
    ]
    export_headings = {"entry_pass.registration.full_name": gettext_lazy("Name")}
    export_filename = "dat-cho-hoat-dong"
    form_fields = ["people"]


class SessionAdmissionIndexView(TitledIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("session__page", "entry_pass__registration", "user")
            .order_by("-scanned_at", "-pk")
        )


def _door_verdict(admission) -> str:
    """The phone's own verdict when it decided without network and the server decided otherwise."""
    if admission.offline_result and admission.offline_result != admission.result:
        return admission.get_offline_result_display()
    return ""


class SessionAdmissionViewSet(ReadOnlyListing, TitledViewSet):
    """Every scan at a session's door, refusals included: the audit trail. Read-only."""

    model = SessionAdmission
    icon = "tick-inverse"
    menu_label = gettext_lazy("Session door scans")
    add_to_admin_menu = False
    index_view_class = SessionAdmissionIndexView
    copy_view_enabled = False
    list_filter = ["session__page", "session", "result"]
    list_display = [
        Column(
            "scanned_at",
            label=gettext_lazy("Scanned at"),
            accessor=lambda a: local_datetime(a.scanned_at),
            sort_key="scanned_at",
        ),
        "session",
        "result",
        "admitted",
        Column(
            "visitor",
            label=gettext_lazy("Visitor"),
            accessor=lambda a: a.entry_pass.registration.full_name if a.entry_pass_id else "—",
        ),
        Column("user", label=gettext_lazy("Staff"), accessor=lambda a: person(a.user)),
        Column("offline", label=gettext_lazy("Decided otherwise offline"), accessor=_door_verdict),
    ]
    list_export = [
        "session",
        "scanned_at",
        "received_at",
        "result",
        "admitted",
        "entry_pass.registration.full_name",
        "user",
        "device",
        "offline_result",
        "client_id",
    ]
    export_headings = {"entry_pass.registration.full_name": gettext_lazy("Visitor")}
    export_filename = "quet-cua-hoat-dong"
    form_fields = ["admitted"]


class BookDayGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Book Day")
    menu_icon = "calendar-alt"
    menu_order = 150
    # Other apps add their screens to this menu with this hook (the figures app its reports).
    submenu_hook = BOOK_DAY_MENU_HOOK
    items = (
        RegistrationViewSet("registrations"),
        WaitingListViewSet(),
        EventDayViewSet("event_days"),
        CheckInViewSet("checkins"),
        FlaggedCheckInViewSet("offline_conflicts"),
        WalkInViewSet("walk_ins"),
        GateViewSet("gates"),
        SessionBookingViewSet("session_bookings"),
        SessionAdmissionViewSet("session_admissions"),
    )
