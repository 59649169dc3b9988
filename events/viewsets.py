"""Wagtail admin screens for organisers: registrations and each day's capacity."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from events.admin_forms import RegistrationCreateForm, RegistrationEditForm
from events.admin_report import EventReportViewSet
from events.enums import RegistrationSource, RegistrationStatus
from events.models import CheckIn, EventDay, Gate, Registration, WalkIn
from events.services.registration import RegistrationError, cancel, register, resend_pass
from events.validators import display_vn_mobile


class NoDeletePolicy(ModelPermissionPolicy):
    """Registrations are cancelled, never deleted: the record is part of the event's history."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


register_permission_policy(Registration, NoDeletePolicy(Registration))


class RegistrationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "day", "entry_pass")

    def get_list_more_buttons(self, instance):
        buttons = [
            b for b in super().get_list_more_buttons(instance) if b.url != self.get_delete_url(instance)
        ]
        buttons.append(
            MenuItem(_("Open pass"), url=instance.entry_pass.url, icon_name="link-external", priority=15)
        )
        return buttons


class RegistrationCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return register(
            event=data["event"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            visit_date=data["visit_date"],
            party_size=data["party_size"],
            organisation=data["organisation"],
            consent=data["consent"],
            join_waitlist=data["join_waitlist"],
            source=RegistrationSource.ADMIN,
            language="vi",
        ).registration

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "user"
    menu_label = gettext_lazy("Registrations")
    add_to_admin_menu = False
    index_view_class = RegistrationIndexView
    add_view_class = RegistrationCreateView
    search_backend_name = None  # plain database search: name, email, phone, pass code
    search_fields = ["full_name", "email", "phone", "organisation", "entry_pass__code"]
    list_filter = ["event", "status", "day__date", "source"]
    list_display = [
        "full_name",
        "party_size",
        Column("visit_date", label=gettext_lazy("Day"), accessor="day.date"),
        "status",
        Column("phone", label=gettext_lazy("Phone"), accessor=lambda r: display_vn_mobile(r.phone)),
        "organisation",
        "created_at",
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
        "source",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "email_sent_at",
        "email_error",
    ]
    export_headings = {"entry_pass.code": gettext_lazy("Pass code"), "visit_date": gettext_lazy("Day")}
    export_filename = "dang-ky"
    inspect_view_enabled = True
    inspect_view_fields = [
        "event",
        "full_name",
        "email",
        "phone",
        "party_size",
        "organisation",
        "status",
        "source",
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

    def get_urlpatterns(self):
        return [
            *(p for p in super().get_urlpatterns() if p.name != "delete"),
            path("resend/<int:pk>/", require_POST(self.resend_view), name="resend"),
            path("cancel/<int:pk>/", require_POST(self.cancel_view), name="cancel"),
        ]

    def _check(self, request, action: str = "change"):
        from django.core.exceptions import PermissionDenied

        if not self.permission_policy.user_has_permission(request.user, action):
            raise PermissionDenied

    def resend_view(self, request, pk):
        self._check(request)
        registration = get_object_or_404(Registration, pk=pk)
        resend_pass(registration=registration)
        messages.success(request, _("The pass was sent again to %(email)s.") % {"email": registration.email})
        return redirect(self.get_url_name("edit"), pk)

    def cancel_view(self, request, pk):
        self._check(request)
        registration = get_object_or_404(Registration, pk=pk)
        try:
            promoted = cancel(registration=registration)
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Registration cancelled; %(count)s waiting registration(s) confirmed.")
                % {"count": len(promoted)},
            )
        return redirect(self.get_url_name("edit"), pk)


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


class EventDayIndexView(IndexView):
    def get_base_queryset(self):
        confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
        waiting = Q(registrations__status=RegistrationStatus.WAITING)
        return (
            super()
            .get_base_queryset()
            .select_related("event")
            .annotate(
                confirmed_people=Sum("registrations__party_size", filter=confirmed, default=0),
                waiting_count=Count("registrations", filter=waiting),
            )
            .order_by("-date")
        )


class EventDayViewSet(ReadOnlyListing, ModelViewSet):
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
            accessor=lambda d: f"{d.confirmed_people} / {d.event.daily_capacity}",
        ),
        Column("waiting_count", label=gettext_lazy("Waiting")),
    ]
    list_export = ["event", "date", "confirmed_people", "waiting_count"]
    copy_view_enabled = False
    export_filename = "suc-chua-theo-ngay"
    form_fields = ["event", "date"]


class CheckInIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "gate", "user", "entry_pass__registration")


class CheckInViewSet(ReadOnlyListing, ModelViewSet):
    """Every scan at the gates, refusals included: the audit trail. Read-only."""

    model = CheckIn
    views = {"index", "index_results", "inspect"}
    icon = "tick-inverse"
    menu_label = gettext_lazy("Check-ins")
    add_to_admin_menu = False
    index_view_class = CheckInIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["code", "device", "entry_pass__code", "entry_pass__registration__full_name"]
    list_filter = ["event", "day", "gate", "result", "flagged", "device"]
    list_display = [
        Column("scanned_at", label=gettext_lazy("Scanned at"), accessor="scanned_at"),
        "result",
        "admitted",
        "gate",
        Column(
            "visitor",
            label=gettext_lazy("Visitor"),
            accessor=lambda c: c.entry_pass.registration.full_name if c.entry_pass_id else "—",
        ),
        "user",
        "device",
        Column("undone", label=gettext_lazy("Undone"), accessor=lambda c: _("yes") if c.undone_at else ""),
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
        "code",
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


class GateViewSet(ModelViewSet):
    model = Gate
    icon = "site"
    menu_label = gettext_lazy("Gates")
    add_to_admin_menu = False
    form_fields = ["event", "name", "sort_order"]
    list_display = ["name", "event", "sort_order"]
    list_filter = ["event"]
    copy_view_enabled = False


class WalkInViewSet(ReadOnlyListing, ModelViewSet):
    model = WalkIn
    icon = "group"
    menu_label = gettext_lazy("Walk-ins")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_filter = ["event", "day", "gate"]
    list_display = ["at", "count", "gate", "user", "device"]
    list_export = ["event", "day", "gate", "at", "count", "user", "device", "client_id"]
    export_filename = "khach-vang-lai"
    form_fields = ["gate"]


class BookDayGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Book Day")
    menu_icon = "calendar-alt"
    menu_order = 150
    items = (
        RegistrationViewSet("registrations"),
        EventDayViewSet("event_days"),
        CheckInViewSet("checkins"),
        FlaggedCheckInViewSet("offline_conflicts"),
        WalkInViewSet("walk_ins"),
        GateViewSet("gates"),
        EventReportViewSet(),
    )
