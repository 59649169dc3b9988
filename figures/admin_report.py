"""Wagtail admin: each event's figures (report page, XLSX/CSV, PDF) under Book Day.

Read only: everything comes from figures.stats and figures.report. Only organisers (and
superusers) see figures.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.base import ViewSet

from bookday.exports import safe_text
from events.models import EventPage
from events.permissions import is_organiser
from events.viewsets import BOOK_DAY_MENU_HOOK
from figures import stats
from figures.admin_dashboard import current_event
from figures.report import Percent, cell_text, report_context, report_pdf, tables

REFRESH_SECONDS = 30


class OrganisersOnly:
    def dispatch(self, request, *args, **kwargs):
        if not is_organiser(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EventListView(OrganisersOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "figures/admin/event_reports.html"
    page_title = gettext_lazy("Figures and reports")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = EventPage.objects.order_by("-start_date")
        context["current"] = current_event()
        return context


class EventReportView(OrganisersOnly, SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    """The report page; ``?export=xlsx|csv&table=<slug>`` downloads one of its tables."""

    template_name = "figures/admin/event_report.html"
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.event = get_object_or_404(EventPage, pk=kwargs["pk"])

    def get_page_title(self):
        return _("Figures: %(event)s") % {"event": self.event.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("event_reports:index"), "label": _("Figures and reports")},
            {"url": "", "label": self.event.title},
        ]

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.export(request.GET.get("export"), request.GET.get("table", ""))
        return super().get(request, *args, **kwargs)

    def export(self, spreadsheet_format: str, slug: str):
        # Exports are exact: fresh figures, not the cached ones shown on the live page.
        table = next((t for t in tables(stats.event_figures(self.event)) if t.slug == slug), None)
        if table is None:
            raise Http404
        self.list_export = [column.key for column in table.columns]
        self.export_headings = {column.key: column.heading for column in table.columns}
        self.export_filename = f"{slugify(self.event.slug)[:60]}-{slug.replace('_', '-')}"
        return self.as_spreadsheet(table.rows, spreadsheet_format)

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, Percent):  # a number in XLSX (formatted below), as written in CSV
            return float(value) if export_format == self.FORMAT_XLSX else cell_text(value)
        value = super().preprocess_field_value(field, value, export_format)
        return safe_text(value) if isinstance(value, str) else value  # names typed by publishers

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        # Excel shows these with the reader's own separators ("1.648.993" in Vietnamese).
        cells = super().generate_xlsx_row(worksheet, row_dict, date_format)
        for cell, value in zip(cells, row_dict.values(), strict=True):
            if isinstance(value, Percent):
                cell.number_format = "0.0%"
            elif isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = "#,##0"
            yield cell

    def stream_csv(self, queryset):
        # A byte-order mark first: without it Excel reads the UTF-8 file as ANSI and garbles
        # every Vietnamese letter.
        yield "\ufeff".encode()
        yield from super().stream_csv(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = stats.cached_figures(self.event)
        context.update(report_context(self.event, figures))
        context["refresh"] = REFRESH_SECONDS if self.event.timing == "now" else None
        context["pdf_url"] = reverse("event_reports:pdf", args=[self.event.pk])
        context["api_url"] = f"/api/v1/events/{self.event.pk}/stats/"
        return context


class EventReportPdfView(OrganisersOnly, TemplateView):
    def get(self, request, pk):
        event = get_object_or_404(EventPage, pk=pk)
        response = HttpResponse(
            report_pdf(event, language=request.LANGUAGE_CODE[:2]), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{slugify(event.slug)[:60]}.pdf"'
        return response


class EventReportViewSet(ViewSet):
    """Book Day → Figures and reports: listed in the events' menu group through the group's
    submenu hook (events.viewsets.BookDayGroup), so events need not know this app."""

    name = "event_reports"
    icon = "table"
    menu_label = gettext_lazy("Figures and reports")
    menu_hook = BOOK_DAY_MENU_HOOK
    menu_order = 100  # after the group's own screens, which are numbered 1, 2, … in their order

    def get_urlpatterns(self):
        return [
            path("", EventListView.as_view(), name="index"),
            path("<int:pk>/", EventReportView.as_view(), name="report"),
            path("<int:pk>/pdf/", EventReportPdfView.as_view(), name="pdf"),
        ]
