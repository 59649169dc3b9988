"""The organisers' help desk in the Wagtail admin: find a registration, see it with its check-ins,
send its pass again or cancel it. Writes go through events.services.registration."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Min, OuterRef, Q, Subquery, Sum, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, IndexView, InspectView
from wagtail.admin.widgets.button import HeaderButton

from bookday.admin_display import LocalInspectMixin, local_datetime
from bookday.exports import ExportMixin, display_value
from events.enums import ENDED, RegistrationSource, RegistrationStatus
from events.forms import ANSWER_PREFIX
from events.models import CheckIn, Registration, RegistrationQuestion
from events.services import lookup
from events.services.questions import answer_text, labelled_answers
from events.services.registration import RegistrationError, cancel, register, resend_pass
from events.validators import display_vn_mobile

search_registrations = lookup.matching  # one rule for the help desk and the gate


def registrations_for_admin(queryset):
    """Each registration's place in its day's waiting list (the order promotion follows:
    ``Registration.objects.waiting()``), empty unless it is waiting."""
    ahead = (
        Registration.objects.waiting()
        .filter(day=OuterRef("day"))
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("event", "day", "entry_pass").annotate(
        queue_position=Case(When(status=RegistrationStatus.WAITING, then=Subquery(ahead)), default=None)
    )


def with_attendance(queryset):
    """People admitted on the registration's pass and the first entry, by the check-ins that count
    (``CheckIn.objects.counted()``: admitted, not undone)."""
    counted = CheckIn.objects.counted().filter(entry_pass__registration=OuterRef("pk")).order_by()
    grouped = counted.values("entry_pass__registration")
    return queryset.annotate(
        people_admitted=Subquery(grouped.annotate(n=Sum("admitted")).values("n")[:1]),
        first_entry_at=Subquery(grouped.annotate(t=Min("scanned_at")).values("t")[:1]),
    )


def status_label(registration) -> str:
    label = registration.get_status_display()
    position = getattr(registration, "queue_position", None)
    if registration.status == RegistrationStatus.WAITING and position:
        return _("%(status)s (no. %(position)s)") % {"status": label, "position": position}
    if registration.status == RegistrationStatus.PENDING:
        until = local_datetime(registration.held_until)
        return _("%(status)s (places held until %(until)s)") % {"status": label, "until": until}
    return label


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def action_buttons(viewset, registration, *, next_url: str = "", menu: bool = False):
    """Resend and cancel: the help desk's two actions, each to a confirmation page."""
    make = MenuItem if menu else HeaderButton
    suffix = "?" + urlencode({"next": next_url}) if next_url else ""
    if registration.status in ENDED:
        return []
    return [
        make(
            _("Resend pass"),
            url=reverse(viewset.get_url_name("resend"), args=[registration.pk]) + suffix,
            icon_name="mail",
            priority=5,
        ),
        make(
            _("Cancel registration"),
            url=reverse(viewset.get_url_name("cancel"), args=[registration.pk]) + suffix,
            icon_name="cross",
            priority=6,
        ),
    ]


class RegistrationIndexView(ExportMixin, IndexView):
    viewset = None
    question_columns: dict = {}  # export column -> heading, one per question (setup)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.is_export:  # a column per question of the event filtered on (of every event if none)
            event_id = request.GET.get("event", "")
            questions = RegistrationQuestion.objects.select_related("page").order_by("page_id", "sort_order")
            if event_id.isdigit():
                questions = questions.filter(page_id=int(event_id))
            questions = list(questions[:200])
            several_events = len({q.page_id for q in questions}) > 1
            self.question_columns = {
                ANSWER_PREFIX + q.key: f"{q.page.title}: {q.label}" if several_events else q.label
                for q in questions
            }
            self.list_export = [*self.list_export, *self.question_columns]
            self.export_headings = {**self.export_headings, **self.question_columns}

    def to_row_dict(self, item):
        answers = item.answers or {}
        return {
            field: answers.get(field.removeprefix(ANSWER_PREFIX))
            if field in self.question_columns
            else display_value(item, field)
            for field in self.list_export
        }

    @property
    def waiting_list(self) -> bool:
        return self.request.GET.get("status") == RegistrationStatus.WAITING

    def get_page_title(self):
        return _("Waiting list") if self.waiting_list else super().get_page_title()

    def get_base_queryset(self):
        queryset = registrations_for_admin(super().get_base_queryset())
        return with_attendance(queryset) if self.is_export else queryset

    def get_ordering(self):
        # The waiting list in queue order, day by day, unless a column header was clicked.
        if self.waiting_list and "ordering" not in self.request.GET:
            return ("day__date", "created_at", "pk")
        return super().get_ordering()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return search_registrations(queryset, self.search_query)

    @cached_property
    def columns(self):
        columns = super().columns
        # The name opens the registration's own page (details, check-ins, actions), not the
        # edit form, which only corrects a name or phone number.
        title = self._get_title_column_class(TitleColumn)(
            "full_name",
            label=columns[0].label,
            sort_key="full_name",
            get_url=self.get_inspect_url,
        )
        return [title, *columns[1:]]

    def get_list_more_buttons(self, instance):
        buttons = [
            b for b in super().get_list_more_buttons(instance) if b.url != self.get_delete_url(instance)
        ]
        buttons.extend(
            action_buttons(self.viewset, instance, next_url=self.request.get_full_path(), menu=True)
        )
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
            error.add_to(form)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class RegistrationInspectView(LocalInspectMixin, InspectView):
    """The registration's own page: its details, its check-ins and the help desk's actions."""

    template_name = "events/admin/registration_inspect.html"
    viewset = None

    def get_object(self, queryset=None):
        return get_object_or_404(registrations_for_admin(Registration.objects.all()), pk=self.pk)

    def get_page_title(self):
        return _("Registration")

    def get_field_label(self, field_name, field):
        labels = {"visit_date": _("Day of the visit"), "entry_pass": _("Pass code")}
        return labels.get(field_name) or super().get_field_label(field_name, field)

    def get_status_display_value(self):
        return status_label(self.object)

    def get_phone_display_value(self):
        return display_vn_mobile(self.object.phone)

    def get_visit_date_display_value(self):
        return self.object.day.date

    def get_entry_pass_display_value(self):
        return self.object.entry_pass.code

    def get_answers_display_value(self):
        rows = labelled_answers(self.object)
        return format_html_join(mark_safe("<br>"), "{}: {}", ((q, answer_text(a)) for q, a in rows)) or "—"

    def get_header_buttons(self):
        return [*action_buttons(self.viewset, self.object), *super().get_header_buttons()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checkins"] = (
            CheckIn.objects.filter(entry_pass__registration=self.object)
            .select_related("gate", "user", "undone_by")
            .order_by("scanned_at", "pk")
        )
        context["pass_url"] = self.object.entry_pass.url
        return context


class RegistrationActionView(WagtailAdminTemplateMixin, TemplateView):
    """A confirmation page on GET; the action itself only on POST."""

    template_name = "events/admin/registration_action.html"
    header_icon = "user"
    viewset = None
    action = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.viewset.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.object = get_object_or_404(
            Registration.objects.select_related("event", "day", "entry_pass"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def inspect_url(self) -> str:
        return reverse(self.viewset.get_url_name("inspect"), args=[self.object.pk])

    def get_page_subtitle(self):
        return self.object.full_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.viewset.get_url_name("index")), "label": self.viewset.menu_label},
            {"url": self.inspect_url, "label": self.object.full_name},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.object,
            action=self.action,
            back_url=safe_next(self.request, self.inspect_url),
            next=self.request.GET.get("next", ""),
            day=self.object.day.date,
            cancelled=self.object.status == RegistrationStatus.CANCELLED,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.act()
        return redirect(safe_next(request, self.inspect_url))


class ResendView(RegistrationActionView):
    page_title = gettext_lazy("Resend pass")
    action = "resend"

    def act(self):
        resend_pass(registration=self.object)
        messages.success(
            self.request, _("The pass was sent again to %(email)s.") % {"email": self.object.email}
        )


class CancelView(RegistrationActionView):
    page_title = gettext_lazy("Cancel registration")
    action = "cancel"

    def act(self):
        try:
            promoted = cancel(registration=self.object)
        except RegistrationError as error:
            messages.error(self.request, error.message)
            return
        message = _("The registration of %(name)s is cancelled.") % {"name": self.object.full_name}
        if promoted:
            message += " " + _("%(count)s registration(s) from the waiting list are now confirmed.") % {
                "count": len(promoted)
            }
        messages.success(self.request, message)
