"""An exhibitor's stock as an XLSX file in the import's own format (Vietnamese headers).

Importing the exported file again changes nothing: every row comes back as unchanged.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bookday.exports import CONTROL_CHARACTERS
from publishers.models import Exhibitor, StockImport, StockListing
from publishers.services.import_rows import EXPORT_LANGUAGE_LABELS
from publishers.services.spreadsheet import EXPORT_HEADERS, read_sheet

COLUMNS = list(EXPORT_HEADERS)
WIDTHS = {"title": 45, "authors": 28, "imprint": 24, "isbn": 16, "category": 18, "description": 40}


def export_stock_xlsx(*, exhibitor: Exhibitor) -> bytes:
    """The exhibitor's listings, one row per title, in Vietnamese order of the title."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sách")
    for index, name in enumerate(COLUMNS):
        sheet.column_dimensions[_letter(index)].width = WIDTHS.get(name, 12)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=EXPORT_HEADERS[name])
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    listings = (
        StockListing.objects.filter(exhibitor=exhibitor)
        .select_related("title__category")
        .order_by("title__sort_key", "title__pk")
    )
    for listing in listings.iterator(chunk_size=2000):
        sheet.append([_cell(sheet, _value(listing, name)) for name in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cell_to_json(value):
    """A cell as read from a spreadsheet, as JSON (dates and times tagged, to come back as such)."""
    for kind in (dt.datetime, dt.date, dt.time):
        if isinstance(value, kind):
            return {"t": kind.__name__, "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def cell_from_json(value):
    if isinstance(value, dict):
        return getattr(dt, value["t"]).fromisoformat(value["v"])
    return value


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


def _cell(sheet, value):
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", value)  # stored before control characters were refused
    if isinstance(value, str) and value.startswith("="):
        # Text that looks like a formula stays text: Excel must not evaluate what a user typed.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _value(listing: StockListing, name: str):
    title = listing.title
    if name == "category":
        return title.category.name if title.category else None
    if name == "language":
        return EXPORT_LANGUAGE_LABELS.get(title.language, title.language)
    if name == "discount":
        return title.discount_percent
    if name == "copies":
        return listing.copies
    if name == "sold":
        return listing.copies_sold
    if name == "booth":
        return listing.booth or None
    value = getattr(title, name)
    # Text stays text (an ISBN written as a number would lose digits in Excel); empty stays empty.
    return value if value not in ("", None) else None


def refused_rows_xlsx(*, stock_import: StockImport) -> bytes | None:
    """The rows an import refused, to fix and upload again: the file's own columns under its own
    headers, in its order, and a last column with every error of the row. None when the import
    refused no row (or kept none of their cells).

    The errors are the preview's (the report), so the file says what the publisher saw; the
    cells are those the worker kept with the preview (``report["refused_cells"]``), so the
    uploaded file is never read again. Imports staged before that read their stored file.
    """
    errors = {
        row["row"]: row.get("errors") or [{"reason": row.get("reason", "")}]
        for row in stock_import.report.get("rows", [])
        if row.get("action") == "refused"
    }
    kept = stock_import.report.get("refused_cells")
    if not errors or not (kept or stock_import.file):
        return None
    if kept:
        sheet_name, headers = kept["sheet"], [header for _name, header in kept["columns"]]
        names = [name for name, _header in kept["columns"]]
        rows = [
            (int(number), [cell_from_json(value) for value in cells])
            for number, cells in kept["rows"].items()
        ]
    else:
        with stock_import.file.open("rb") as stored:
            sheet = read_sheet(stored.read())
        columns = sorted(sheet.columns.items(), key=lambda item: item[1])  # (field, index), file order
        sheet_name, names = sheet.name, [name for name, _index in columns]
        headers = [sheet.headers[name] for name in names]
        rows = [
            (number, [values[index] if index < len(values) else None for _name, index in columns])
            for number, values in sheet.rows
        ]
    workbook = Workbook(write_only=True)
    out_sheet = workbook.create_sheet(sheet_name or "Sách")
    for position, name in enumerate(names):
        out_sheet.column_dimensions[_letter(position)].width = WIDTHS.get(name, 12)
    out_sheet.column_dimensions[_letter(len(names))].width = 60
    out_sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in [*headers, _("Errors")]:
        cell = WriteOnlyCell(out_sheet, value=text)
        cell.font = bold
        header.append(cell)
    out_sheet.append(header)
    for number, values in sorted(rows):
        if number not in errors:
            continue
        cells = [_cell(out_sheet, value) for value in values]
        reasons = "\n".join(error["reason"] for error in errors[number])
        out_sheet.append([*cells, _cell(out_sheet, reasons)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
