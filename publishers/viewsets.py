"""Wagtail admin screens for organisers: exhibitor applications, publishers and exhibitors."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from bookday.admin_display import LocalInspectMixin
from bookday.exports import ExportMixin
from publishers.admin_forms import ExhibitorBoothsForm, PublisherForm
from publishers.admin_views import ApproveView, RejectView
from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication, Publisher
from publishers.services.applications import ApplicationError, assign_booths
from publishers.validators import format_tax_code


class NoDeletePolicy(ModelPermissionPolicy):
    """Applications, publishers and exhibitors are history: they are decided on, never deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


for _model in (ExhibitorApplication, Publisher, Exhibitor):
    register_permission_policy(_model, NoDeletePolicy(_model))


class NoAddOrDelete:
    """Rows come from the application workflow: no add, copy or delete screens."""

    removed = {"add", "copy", "delete"}

    def get_common_view_kwargs(self, **kwargs):
        none = dict.fromkeys(["add_url_name", "delete_url_name", "copy_url_name"])
        return super().get_common_view_kwargs(**{**none, **kwargs})

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in self.removed]


def decision_buttons(viewset, application, *, menu: bool):
    """Approve / Reject for an application still open to that decision."""
    make = MenuItem if menu else HeaderButton
    buttons = []
    if application.status != ApplicationStatus.APPROVED:
        buttons.append(
            make(
                _("Approve"),
                url=reverse(viewset.get_url_name("approve"), args=[application.pk]),
                icon_name="check",
                priority=5,
            )
        )
    if application.status == ApplicationStatus.SUBMITTED:
        buttons.append(
            make(
                _("Reject"),
                url=reverse(viewset.get_url_name("reject"), args=[application.pk]),
                icon_name="cross",
                priority=6,
            )
        )
    return buttons


class ApplicationIndexView(ExportMixin, IndexView):
    viewset = None

    def get_page_title(self):
        return self.viewset.menu_label

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event")

    def get_list_more_buttons(self, instance):
        return [
            *decision_buttons(self.viewset, instance, menu=True),
            *super().get_list_more_buttons(instance),
        ]


class ApplicationInspectView(LocalInspectMixin, InspectView):
    template_name = "publishers/admin/application_inspect.html"
    viewset = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        if application.status != ApplicationStatus.SUBMITTED:
            exhibitor = Exhibitor.objects.filter(application=application).first()
            by = application.decided_by
            context["outcome"] = {
                "status": application.get_status_display(),
                "approved": application.status == ApplicationStatus.APPROVED,
                "booths": exhibitor.booths if exhibitor else application.booths,
                "reason": application.rejection_reason,
                "by": (by.get_full_name() or by.get_username()) if by else "",
                "at": application.decided_at,
                "exhibitor_url": reverse("exhibitors:edit", args=[exhibitor.pk]) if exhibitor else "",
            }
        return context

    def get_header_buttons(self):
        return [*decision_buttons(self.viewset, self.object, menu=False), *super().get_header_buttons()]

    def get_logo_display_value(self):
        if not self.object.logo:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-width:160px;max-height:160px">', self.object.logo.url
        )

    def get_tax_code_display_value(self):
        return format_tax_code(self.object.tax_code)


class PendingCountMenuItem(AdminMenuItem):
    """The menu entry tells how many applications wait for a decision: "Đơn đăng ký (3)"."""

    def render_component(self, request):
        component = super().render_component(request)
        waiting = ExhibitorApplication.objects.filter(status=ApplicationStatus.SUBMITTED).count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
            component.attrs = {
                **component.attrs,
                "aria-label": ngettext(
                    "%(label)s: %(count)s waiting for review",
                    "%(label)s: %(count)s waiting for review",
                    waiting,
                )
                % {"label": self.label, "count": waiting},
            }
        return component


class ExhibitorApplicationViewSet(NoAddOrDelete, ModelViewSet):
    model = ExhibitorApplication
    icon = "clipboard-list"
    menu_label = gettext_lazy("Exhibitor applications")
    menu_item_class = PendingCountMenuItem
    add_to_admin_menu = False
    removed = {"add", "copy", "delete", "edit"}  # the applicant corrects it by applying again
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None  # plain database search: name, tax code, email
    search_fields = ["organisation_name", "tax_code", "email", "contact_name"]
    list_filter = ["event", "status", "kind", "booth_size"]
    list_display = [
        "organisation_name",
        "event",
        "status",
        Column("tax_code", label=gettext_lazy("Tax code"), accessor=lambda a: format_tax_code(a.tax_code)),
        "booth_size",
        "booths",
        "submitted_at",
    ]
    list_export = [
        "event",
        "organisation_name",
        "kind",
        "tax_code",
        "contact_name",
        "email",
        "phone",
        "address",
        "website",
        "booth_size",
        "expected_titles",
        "expected_copies",
        "status",
        "booths",
        "rejection_reason",
        "submitted_at",
        "decided_at",
        "decided_by",
        "language",
    ]
    export_filename = "dang-ky-gian-hang"
    inspect_view_fields = [
        "event",
        "status",
        "organisation_name",
        "kind",
        "tax_code",
        "publisher",
        "contact_name",
        "email",
        "phone",
        "address",
        "website",
        "logo",
        "description",
        "booth_size",
        "expected_titles",
        "expected_copies",
        "booths",
        "rejection_reason",
        "consent_at",
        "language",
        "submitted_at",
        "updated_at",
        "decided_at",
        "decided_by",
    ]
    form_fields = ["booths"]  # required by ModelViewSet; there is no edit screen
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"edit_url_name": None, **kwargs})

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(viewset=self, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(viewset=self, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("approve/<int:pk>/", ApproveView.as_view(viewset=self), name="approve"),
            path("reject/<int:pk>/", RejectView.as_view(viewset=self), name="reject"),
        ]


class PublisherIndexView(ExportMixin, IndexView):
    pass


class PublisherInspectView(LocalInspectMixin, InspectView):
    def get_tax_code_display_value(self):
        return format_tax_code(self.object.tax_code)


class PublisherViewSet(NoAddOrDelete, ModelViewSet):
    model = Publisher
    icon = "group"
    menu_label = gettext_lazy("Publishers")
    add_to_admin_menu = False
    index_view_class = PublisherIndexView
    inspect_view_class = PublisherInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["name", "tax_code", "email", "contact_name"]
    list_filter = ["kind"]
    list_display = [
        Column("name", label=gettext_lazy("organisation name"), sort_key="sort_key"),
        "kind",
        Column("tax_code", label=gettext_lazy("Tax code"), accessor=lambda p: format_tax_code(p.tax_code)),
        "contact_name",
        "email",
    ]
    list_export = ["name", "kind", "tax_code", "contact_name", "email", "phone", "address", "website"]
    export_filename = "nha-xuat-ban"

    def get_form_class(self, for_update=False):
        return PublisherForm


class ExhibitorIndexView(ExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "publisher")


class ExhibitorEditView(EditView):
    def save_instance(self):
        return assign_booths(exhibitor=self.object, booths=self.form.cleaned_data["booths"])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ApplicationError as error:
            error.add_to(form)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class ExhibitorViewSet(NoAddOrDelete, ModelViewSet):
    """Who exhibits at which event and booth; booths change here, through assign_booths."""

    model = Exhibitor
    icon = "site"
    menu_label = gettext_lazy("Exhibitors")
    add_to_admin_menu = False
    index_view_class = ExhibitorIndexView
    edit_view_class = ExhibitorEditView
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["publisher__name", "booths"]
    list_filter = ["event"]
    list_display = [
        Column(
            "publisher",
            label=gettext_lazy("Publisher"),
            accessor="publisher.name",
            sort_key="publisher__sort_key",
        ),
        Column("booths", label=gettext_lazy("booth numbers"), sort_key="booth_key"),
        "event",
        "approved_at",
    ]
    list_export = ["event", "publisher", "booths", "approved_at"]
    export_filename = "don-vi-trung-bay"

    def get_form_class(self, for_update=False):
        return ExhibitorBoothsForm


class PublishersGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Publishers")
    menu_icon = "folder-open-inverse"
    menu_order = 160
    items = (
        ExhibitorApplicationViewSet("exhibitor_applications"),
        PublisherViewSet("publishers"),
        ExhibitorViewSet("exhibitors"),
    )
