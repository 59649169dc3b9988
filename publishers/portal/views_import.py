"""Portal: spreadsheet import (upload, progress, preview, confirm) and export of the stock.

The import service does the work (the task worker reads the file); these views only tie each
import to the publisher's own exhibitor, so another publisher's import id answers 404.
"""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openpyxl import load_workbook

from bookday.exports import safe_text
from home.templatetags.bookday import vnd
from publishers.enums import ImportAction, ImportStatus, Language
from publishers.models import IMPORT_IN_PROGRESS, StockImport
from publishers.portal.access import own_exhibitor, publisher_required
from publishers.portal.forms import ImportForm
from publishers.services.import_queue import receive_import, settle_if_stale
from publishers.services.importing import (
    ImportRefused,
    apply_import,
    export_stock_xlsx,
    refused_rows_xlsx,
)

PREVIEW_ROWS = 500  # refused rows are always all shown; the others up to this many
PROGRESS_REFRESH_SECONDS = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The report's field names as the preview names them ("old → new").
FIELD_LABELS = {
    "isbn": gettext_lazy("ISBN"),
    "sku": gettext_lazy("publisher SKU"),
    "title": gettext_lazy("title"),
    "authors": gettext_lazy("authors"),
    "imprint": gettext_lazy("imprint"),
    "year": gettext_lazy("publication year"),
    "category": gettext_lazy("category"),
    "language": gettext_lazy("language"),
    "list_price": gettext_lazy("list price"),
    "fair_price": gettext_lazy("fair price"),
    "discount": gettext_lazy("fair discount (%)"),
    "description": gettext_lazy("description"),
    "copies": gettext_lazy("copies on display"),
    "sold": gettext_lazy("copies sold"),
    "booth": gettext_lazy("booth"),
    "listing": gettext_lazy("copies on display"),
}


def _shown(name: str, value) -> str:
    """A value of the report as the publisher reads it: prices in đồng, languages by name."""
    if value in (None, ""):
        return "—"
    if name in ("list_price", "fair_price"):
        return vnd(value)
    if name == "discount":
        return f"{value} %"
    if name == "language" and value in Language.values:
        return str(Language(value).label)
    if name == "description" and len(str(value)) > 80:
        return str(value)[:80] + "…"
    return str(value)


def _diff(row: dict, headers: dict) -> list[dict]:
    """The row's changes, each field named by the file's own header where it has one."""
    headers = {**headers, "listing": headers.get("copies")}
    return [
        {
            "field": change["field"],
            "label": headers.get(change["field"]) or FIELD_LABELS.get(change["field"], change["field"]),
            "old": _shown(change["field"], change["old"]),
            "new": _shown(change["field"], change["new"]),
        }
        for change in row.get("diff", [])
    ]


def _context(request, exhibitor, **extra) -> dict:
    return {"publisher": request.publisher, "exhibitor": exhibitor, "event": exhibitor.event, **extra}


@publisher_required
@require_http_methods(["GET", "POST"])
def upload(request, event_id: int):
    exhibitor = own_exhibitor(request, event_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                stock_import = receive_import(
                    exhibitor=exhibitor, upload=upload_file, filename=upload_file.name, user=request.user
                )
            except ImportRefused as error:
                form.add_error("file", error.message)
            else:
                return redirect("publisher_import_preview", event_id=event_id, pk=stock_import.pk)
        status = 400
    recent = StockImport.objects.for_publisher(request.publisher).filter(exhibitor=exhibitor)[:5]
    return render(
        request,
        "publishers/portal/import_upload.html",
        _context(
            request,
            exhibitor,
            form=form,
            recent=recent,
            max_mb=settings.STOCK_IMPORT_MAX_BYTES // (1024 * 1024),
            max_rows=settings.STOCK_IMPORT_MAX_ROWS,
        ),
        status=status,
    )


def _refusal_message(report: dict) -> str:
    """Why a file was refused, in the reader's language (imports refused before the code and
    params were kept have the message only)."""
    refused = report.get("refused")
    if not refused:
        return ""
    if refused.get("code") in ImportRefused.messages and "params" in refused:
        return ImportRefused(refused["code"], **refused["params"]).message
    return refused.get("message", "")


@publisher_required
@require_http_methods(["GET", "POST"])
def preview(request, event_id: int, pk: int):
    """While the worker reads the file, its progress (the page reloads itself); then what the file
    will do, or why it was refused. POST (the Confirm button) applies it."""
    exhibitor = own_exhibitor(request, event_id)
    stock_import = get_object_or_404(
        StockImport.objects.for_publisher(request.publisher).filter(exhibitor=exhibitor).defer("staged_rows"),
        pk=pk,
    )
    stock_import = settle_if_stale(stock_import=stock_import)
    if stock_import.status in IMPORT_IN_PROGRESS:
        return render(
            request,
            "publishers/portal/import_progress.html",
            _context(
                request,
                exhibitor,
                stock_import=stock_import,
                refresh_seconds=PROGRESS_REFRESH_SECONDS,
                percent=min(99, 100 * stock_import.progress_done // stock_import.progress_total)
                if stock_import.progress_total
                else 0,
            ),
        )
    error = None
    if request.method == "POST":
        try:
            stock_import = apply_import(stock_import=stock_import)
        except ImportRefused as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("Import applied: %(created)s new titles, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": stock_import.created_count,
                    "updated": stock_import.updated_count,
                    "unchanged": stock_import.unchanged_count,
                },
            )
            return redirect("publisher_stock", event_id=event_id)
    rows = [
        {
            **row,
            "action_label": ImportAction(row["action"]).label
            if row.get("action") in ImportAction.values
            else "",
            "diff": _diff(row, stock_import.report.get("columns", {})),
            # Imports staged before every error was kept have the first one only.
            "errors": row.get("errors") or ([{"reason": row["reason"]}] if row.get("reason") else []),
        }
        for row in stock_import.report.get("rows", [])
    ]
    refused = [row for row in rows if row.get("action") == ImportAction.REFUSED]
    accepted = [row for row in rows if row.get("action") != ImportAction.REFUSED]
    # What changes first, in full; the rows that change nothing folded away below.
    changing = [row for row in accepted if row.get("action") != ImportAction.UNCHANGED]
    unchanged = [row for row in accepted if row.get("action") == ImportAction.UNCHANGED]
    warnings = [warning for row in accepted for warning in row.get("warnings", [])]
    return render(
        request,
        "publishers/portal/import_preview.html",
        _context(
            request,
            exhibitor,
            stock_import=stock_import,
            refused=refused,
            changing=changing[:PREVIEW_ROWS],
            changing_hidden=max(0, len(changing) - PREVIEW_ROWS),
            unchanged=unchanged[:PREVIEW_ROWS],
            unchanged_count=len(unchanged),
            unchanged_hidden=max(0, len(unchanged) - PREVIEW_ROWS),
            can_apply=stock_import.status == ImportStatus.PREVIEWED and len(accepted) > 0,
            refusal=_refusal_message(stock_import.report),
            expired_hours=settings.STOCK_IMPORT_KEEP_HOURS,
            warnings=warnings,
            ignored_columns=stock_import.report.get("ignored_columns", []),
            error=error,
        ),
        status=409 if error else 200,
    )


@publisher_required
def refused_xlsx(request, event_id: int, pk: int):
    """The refused rows of a preview, with their errors, to fix and upload again."""
    exhibitor = own_exhibitor(request, event_id)
    stock_import = get_object_or_404(
        StockImport.objects.for_publisher(request.publisher).filter(exhibitor=exhibitor), pk=pk
    )
    data = refused_rows_xlsx(stock_import=stock_import)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=XLSX)
    name = slugify(stock_import.original_filename.rsplit(".", 1)[0]) or "import"
    response["Content-Disposition"] = f'attachment; filename="dong-bi-tu-choi-{name}.xlsx"'
    return response


def _filename(exhibitor, extension: str) -> str:
    return f"ton-kho-{slugify(exhibitor.publisher.slug)}-{exhibitor.event_id}.{extension}"


@publisher_required
def export_xlsx(request, event_id: int):
    exhibitor = own_exhibitor(request, event_id)
    response = HttpResponse(export_stock_xlsx(exhibitor=exhibitor), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(exhibitor, "xlsx")}"'
    return response


def stock_csv(*, exhibitor) -> str:
    """The XLSX export as CSV: the same columns, so there is only one format to keep. With a BOM,
    so Excel opens the Vietnamese letters right; the import reads it back."""
    workbook = load_workbook(io.BytesIO(export_stock_xlsx(exhibitor=exhibitor)), read_only=True)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in workbook.active.iter_rows(values_only=True):
        writer.writerow(
            ["" if value is None else safe_text(value) if isinstance(value, str) else value for value in row]
        )
    workbook.close()
    return out.getvalue()


@publisher_required
def export_csv(request, event_id: int):
    exhibitor = own_exhibitor(request, event_id)
    response = HttpResponse(stock_csv(exhibitor=exhibitor), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(exhibitor, "csv")}"'
    return response
