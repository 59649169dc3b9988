"""The controller's record of visitors' data requests, for organisers: list, filter, export."""

from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column

from events.viewsets import ReadOnlyListing, TitledViewSet
from privacy.models import DataRequest


class DataRequestViewSet(ReadOnlyListing, TitledViewSet):
    """Read-only: rows are written by privacy.services as each request is done."""

    model = DataRequest
    icon = "lock"
    menu_label = gettext_lazy("Personal data requests")
    menu_order = 160
    add_to_admin_menu = True
    copy_view_enabled = False
    search_backend_name = None
    list_filter = ["kind", "requested_at"]
    list_display = [
        "kind",
        "requested_at",
        "done_at",
        "registrations",
        "details",
        # Enough to see which requests came from one address; the export has the whole hash.
        Column("address", label=gettext_lazy("Address"), accessor=lambda r: r.address_key[:10] + "…"),
    ]
    list_export = ["kind", "requested_at", "done_at", "registrations", "details", "address_key"]
    export_filename = "yeu-cau-du-lieu-ca-nhan"
    list_per_page = 100
    form_fields = ["details"]  # no form is ever shown: the listing is read-only
