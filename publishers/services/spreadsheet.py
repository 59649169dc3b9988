"""Reading a stock spreadsheet (XLSX, XLS, ODS or CSV) into numbered rows under recognised headers.

Only reading: no database. The file's content decides its kind, never its name. Refusals of a
whole file are ``ImportRefused`` with a stable ``code``; judging each row is import_rows' job.

Workbooks are read by python-calamine (Rust's calamine), after spreadsheet_limits has looked
at a zipped one (XLSX, ODS) within fixed bounds; its docstring lists the limits and why. CSV
files are bounded here by the same numbers: at most ``LIMITS.sheet_rows`` rows, blank ones
included, and nothing beyond column ``LIMITS.columns``; a NUL character or text that is not
UTF-8 (or UTF-16 with its byte order mark) is refused as a file error. In the portal
(``max_rows``), blank rows between books count towards the row limit, so that a file cannot
make the reader walk millions of empty rows that cost nothing to send.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import python_calamine
from openpyxl.utils import get_column_letter

from publishers.services import spreadsheet_limits
from publishers.services.import_refused import ImportRefused, thousands
from publishers.services.spreadsheet_limits import Deadline, SheetScan, inspect_xls, inspect_zip
from publishers.validators import header_key

__all__ = [
    "EXPORT_HEADERS",
    "HEADERS",
    "Formula",
    "ImportRefused",
    "Sheet",
    "is_blank",
    "match_headers",
    "read_sheet",
]

HEADER_SEARCH_ROWS = 10  # publishers often put a title line or two above the headers
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls file (Excel 97-2003)
CHECK_EVERY = 1000  # rows between looks at the clock

# Field -> accepted headers, folded with header_key (no accents, lower case). The first one is
# the Vietnamese header export writes.
HEADERS: dict[str, tuple[str, ...]] = {
    "isbn": ("isbn", "ma isbn", "isbn 13", "isbn-13", "isbn13", "so isbn"),
    "sku": ("ma sach", "sku", "ma san pham", "ma hang", "ma noi bo", "publisher sku"),
    "title": ("ten sach", "title", "tua sach", "ten an pham", "nhan de", "book title", "tieu de"),
    "authors": ("tac gia", "authors", "author", "author(s)"),
    "imprint": ("nha xuat ban", "imprint", "nxb", "publisher"),
    "year": ("nam xuat ban", "year", "nam xb", "publication year", "nam"),
    "category": ("the loai", "category", "danh muc", "chu de", "linh vuc"),
    "language": ("ngon ngu", "language"),
    "list_price": ("gia bia", "list price", "gia niem yet", "cover price"),
    "fair_price": ("gia ban", "fair price", "gia hoi sach", "sale price", "gia ban tai hoi sach"),
    "discount": ("chiet khau", "discount", "giam gia", "discount %"),
    "copies": ("so luong", "copies", "sl", "quantity", "qty", "so ban"),
    "sold": ("da ban", "sold", "copies sold", "so luong da ban"),
    "booth": ("gian hang", "booth", "gian", "quay"),
    "description": ("mo ta", "description", "gioi thieu"),
}
EXPORT_HEADERS = {
    "isbn": "ISBN",
    "sku": "Mã sách",
    "title": "Tên sách",
    "authors": "Tác giả",
    "imprint": "Nhà xuất bản",
    "year": "Năm xuất bản",
    "category": "Thể loại",
    "language": "Ngôn ngữ",
    "list_price": "Giá bìa",
    "fair_price": "Giá bán",
    "discount": "Chiết khấu",
    "copies": "Số lượng",
    "sold": "Đã bán",
    "booth": "Gian hàng",
    "description": "Mô tả",
}
_ALIASES = {alias: name for name, aliases in HEADERS.items() for alias in aliases}


class Formula(str):
    """The text of a formula cell ("=B2*0.8"); import refuses it where it matters."""


@dataclass
class Sheet:
    kind: str  # "xlsx", "xls", "ods" or "csv"
    name: str  # the worksheet's name; "" for CSV
    header_row: int  # as the spreadsheet numbers rows, from 1
    columns: dict[str, int]  # field -> 0-based column index
    headers: dict[str, str]  # field -> the header as written
    ignored: list[str]  # headers of columns import does not use
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values), blank rows left out
    merged: list[str] = field(default_factory=list)  # merged ranges ("A5:A7") touching data rows

    def cell(self, row: int, name: str) -> str:
        return f"{get_column_letter(self.columns[name] + 1)}{row}"


Progress = Callable[[int, int], None]  # (rows read, estimated total)


def read_sheet(data: bytes, *, max_rows: int | None = None, progress: Progress | None = None) -> Sheet:
    """The rows of a stock spreadsheet under its recognised headers.

    Refuses (ImportRefused) what is not an XLSX, XLS, ODS or CSV file by its content, files
    that would cost more to read than spreadsheet_limits.LIMITS allows, files without a
    recognisable header row in their first rows, files without data rows, and, as soon as
    it is passed, more than ``max_rows`` data rows (blank rows between them counted).
    """
    if not data.strip():
        raise ImportRefused("empty")
    deadline = Deadline()
    if data[:4] == b"PK\x03\x04":
        scan = inspect_zip(data, deadline)
        sheet = _read_workbook(data, scan.kind, scan.sheets, max_rows, progress, deadline)
    elif data[:8] == OLE_SIGNATURE:
        scans = inspect_xls(data, deadline)
        sheet = _read_workbook(data, "xls", scans, max_rows, progress, deadline)
    else:
        sheet = _read_csv(_decode(data), max_rows, progress, deadline)
    if not sheet.rows:
        raise ImportRefused("no_rows")
    return sheet


# --- headers --------------------------------------------------------------------------------


def _header_text(value) -> str:
    # "Giá bìa (VNĐ)", "Tên sách*", "ISBN:" -> the words that name the column.
    text = header_key(value)
    text = re.sub(r"\(.*?\)|[*:]", " ", text)
    return " ".join(text.split())


def match_headers(values) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Which column holds which field: (field -> index, field -> header, unknown headers)."""
    columns, headers, ignored = {}, {}, []
    for index, value in enumerate(values):
        if value is None or not str(value).strip():
            continue
        name = _ALIASES.get(_header_text(value)) or _ALIASES.get(header_key(value))
        if name and name not in columns:
            columns[name] = index
            headers[name] = " ".join(str(value).split())
        else:
            ignored.append(" ".join(str(value).split()))
    return columns, headers, ignored


def _is_header(columns: dict) -> bool:
    return "title" in columns and ("isbn" in columns or "sku" in columns)


def _find_header(first_rows: list[tuple[int, tuple]]):
    """The best header row among the first rows: (row number, columns, headers, ignored) or None."""
    best = None
    for number, values in first_rows:
        columns, headers, ignored = match_headers(values)
        if _is_header(columns) and (best is None or len(columns) > len(best[1])):
            best = (number, columns, headers, ignored)
    return best


def is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _collect(sheet: Sheet, rows: Iterator[tuple[int, tuple]], max_rows, progress, estimate: int) -> None:
    blank = 0  # blank rows so far; they count once a book follows them (trailing ones cost nothing)
    for number_, values in rows:
        if is_blank(values):
            blank += 1
            continue
        sheet.rows.append((number_, values))
        if max_rows is not None and len(sheet.rows) + blank > max_rows:
            code = "too_many_rows" if len(sheet.rows) > max_rows else "too_many_blank_rows"
            raise ImportRefused(code, limit=thousands(max_rows))
        if progress and len(sheet.rows) % 1000 == 0:
            progress(len(sheet.rows), estimate)
    if progress:
        progress(len(sheet.rows), len(sheet.rows))


# --- workbooks: XLSX, XLS, ODS ----------------------------------------------------------------


def _read_workbook(
    data: bytes, kind: str, scans: dict[str, SheetScan] | None, max_rows, progress, deadline
) -> Sheet:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own kinds, and others, for damaged or protected files
        raise _unreadable(error) from error
    with workbook:
        # The first sheet whose first rows hold the headers (a summary sheet may come first).
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            try:
                grid = workbook.get_sheet_by_index(index)
            except Exception as error:
                raise _unreadable(error) from error
            deadline.check()
            _check_size(grid)
            scan = (scans or {}).get(meta.name)
            rows = _grid_rows(grid, deadline)
            first = _head(rows)
            found = _find_header([row for row in first if not is_blank(row[1])])
            if found is None:
                continue
            number_, columns, headers, ignored = found
            sheet = Sheet(kind, meta.name, number_, columns, headers, ignored)
            later = (row for row in first if row[0] > number_)
            read = itertools.chain(later, rows)
            if scan is not None and scan.formulas:
                read = _with_formulas(read, scan.formulas, columns)
            _collect(sheet, read, max_rows, progress, max(grid.height - number_, 0))
            merged = _calamine_merged(grid) if kind == "xls" or scan is None else scan.merged
            sheet.merged = _merged_data_ranges(merged, sheet)
            return sheet
    raise ImportRefused("no_header", rows=HEADER_SEARCH_ROWS)


def _head(rows: Iterator[tuple[int, tuple]]) -> list[tuple[int, tuple]]:
    """The rows up to the HEADER_SEARCH_ROWS-th that is not blank (blank ones kept: they count)."""
    head, filled = [], 0
    for row in rows:
        head.append(row)
        filled += not is_blank(row[1])
        if filled == HEADER_SEARCH_ROWS:
            break
    return head


def _unreadable(error: Exception) -> ImportRefused:
    return ImportRefused("unreadable", detail=str(error)[:200] or type(error).__name__)


def _check_size(grid) -> None:
    """The bounds of spreadsheet_limits, for an .xls sheet (a zipped one was checked before)."""
    if grid.width > spreadsheet_limits.LIMITS.columns:
        raise ImportRefused("too_many_columns", limit=get_column_letter(spreadsheet_limits.LIMITS.columns))
    if grid.height > spreadsheet_limits.LIMITS.sheet_rows:
        raise ImportRefused("too_many_blank_rows", limit=thousands(spreadsheet_limits.LIMITS.sheet_rows))
    if grid.height * grid.width > spreadsheet_limits.LIMITS.cells:
        raise ImportRefused("too_many_cells", limit=thousands(spreadsheet_limits.LIMITS.cells))


def _grid_rows(grid, deadline: Deadline) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of a calamine sheet, as the spreadsheet numbers rows and columns.

    calamine's grid starts at the first filled row and column: the column offset is put back
    so that index 0 is column A. Empty cells ("") become None, whole numbers int (calamine
    gives every number as a float).
    """
    top, left = grid.start or (0, 0)
    pad = (None,) * left
    for offset, values in enumerate(grid.iter_rows()):
        if offset % CHECK_EVERY == 0:
            deadline.check()
        yield top + offset + 1, pad + tuple(_value(value) for value in values)


def _value(value):
    if value == "" and isinstance(value, str):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _with_formulas(rows, formulas: dict[tuple[int, int], str], columns: dict[str, int]):
    """Formula cells of the columns import reads, as Formula (calamine gives their cached result)."""
    read = sorted(set(columns.values()))
    for number_, values in rows:
        found = [
            (index, formulas[(number_, index + 1)]) for index in read if (number_, index + 1) in formulas
        ]
        if found:
            values = list(values) + [None] * max(0, max(read) + 1 - len(values))
            for index, text in found:
                values[index] = Formula(text)
            values = tuple(values)
        yield number_, values


def _calamine_merged(grid) -> list[tuple[int, int, int, int]]:
    # calamine counts from 0: ((first row, first column), (last row, last column)).
    return [
        (top + 1, left + 1, bottom + 1, right + 1)
        for (top, left), (bottom, right) in grid.merged_cell_ranges or ()
    ]


def _merged_data_ranges(ranges: list[tuple[int, int, int, int]], sheet: Sheet) -> list[str]:
    """Merged ranges that reach a data row in a column import reads (a merged title line above
    the headers, or merged notes in an ignored column, do no harm)."""
    used = {index + 1 for index in sheet.columns.values()}
    harmful = []
    for min_row, min_col, max_row, max_col in ranges:
        if max_row > sheet.header_row and any(min_col <= col <= max_col for col in used):
            start, end = f"{get_column_letter(min_col)}{min_row}", f"{get_column_letter(max_col)}{max_row}"
            harmful.append(start if start == end else f"{start}:{end}")
    return harmful


# --- CSV ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data[:5] == b"%PDF-" or data[:4] in (b"\x89PNG", b"GIF8") or data[:3] == b"\xff\xd8\xff":
        raise ImportRefused("not_spreadsheet")
    try:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text": UTF-16, tab-separated
            text = data.decode("utf-16")
        elif b"\x00" in data[:4096]:
            raise ImportRefused("not_spreadsheet")
        else:
            text = data.decode("utf-8-sig")  # the BOM Excel's "CSV UTF-8" writes is dropped
    except UnicodeDecodeError as error:  # also a UTF-16 file cut in the middle of a character
        raise ImportRefused("encoding") from error
    if "\x00" in text:
        # No text holds a NUL (PostgreSQL refuses it): a binary file, or a damaged one.
        raise ImportRefused("not_spreadsheet")
    return text


def _csv_rows(text: str, delimiter: str, deadline: Deadline | None = None) -> Iterator[tuple[int, tuple]]:
    """Records as (row number, values); without ``deadline`` (the first rows, to find the
    headers with each delimiter) fields beyond the last column read are dropped, not refused."""
    # Row numbers count records, as Excel numbers them when it opens the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number_, values in enumerate(reader, start=1):
        if number_ > spreadsheet_limits.LIMITS.sheet_rows:
            raise ImportRefused("too_many_blank_rows", limit=thousands(spreadsheet_limits.LIMITS.sheet_rows))
        if deadline is not None and number_ % CHECK_EVERY == 0:
            deadline.check()
        if len(values) > spreadsheet_limits.LIMITS.columns:
            if deadline is not None and not is_blank(values[spreadsheet_limits.LIMITS.columns :]):
                raise ImportRefused(
                    "too_many_columns", limit=get_column_letter(spreadsheet_limits.LIMITS.columns)
                )
            values = values[: spreadsheet_limits.LIMITS.columns]
        yield number_, tuple(Formula(v) if v.startswith("=") else v for v in values)


def _read_csv(text: str, max_rows, progress, deadline: Deadline) -> Sheet:
    head = text[:200_000]  # enough for the first rows; a cut last line does not matter
    best = None
    # The delimiter is whichever one yields a header row: "," or ";" (Excel in a locale that
    # writes decimal commas) or a tab.
    for delimiter in (",", ";", "\t"):
        try:
            first = list(itertools.islice(_csv_rows(head, delimiter), HEADER_SEARCH_ROWS))
        except csv.Error:
            continue
        found = _find_header(first)
        if found and (best is None or len(found[1]) > len(best[1][1])):
            best = (delimiter, found)
    if best is None:
        raise ImportRefused("no_header", rows=HEADER_SEARCH_ROWS)
    delimiter, (number_, columns, headers, ignored) = best
    sheet = Sheet("csv", "", number_, columns, headers, ignored)
    estimate = max(text.count("\n") - number_, 0)
    try:
        rows = (row for row in _csv_rows(text, delimiter, deadline) if row[0] > number_)
        _collect(sheet, rows, max_rows, progress, estimate)
    except csv.Error as error:
        raise ImportRefused("not_spreadsheet") from error
    return sheet
