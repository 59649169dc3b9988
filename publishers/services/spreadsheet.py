"""Reading a stock spreadsheet (XLSX or CSV) into numbered rows under recognised headers.

Only reading: no database. The file's content decides its kind, never its name. Refusals of a
whole file are ``ImportRefused`` with a stable ``code``; judging each row is import_rows' job.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel

from publishers.validators import header_key

HEADER_SEARCH_ROWS = 10  # publishers often put a title line or two above the headers
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # 20,000 rows take about 10 MB of sheet XML

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


class ImportRefused(Exception):
    """A file, or an import, that cannot be used at all: a stable ``code`` and a translated message."""

    messages = {
        "empty": _("The file is empty: it has no rows of books."),
        "too_large": _("The file is larger than %(limit)s MB. Split it into smaller files."),
        "too_large_unpacked": _(
            "This file unpacks to far more data than a list of books needs. Copy the list into a "
            "new workbook, without images or other sheets, and upload that."
        ),
        "too_many_rows": _(
            "The file has more than %(limit)s rows of books, more than the portal takes at once. "
            "Split it into files of at most %(limit)s rows, or send it to the organisers, who can "
            "import it in one go."
        ),
        "not_spreadsheet": _(
            "This file is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file (.csv)."
        ),
        "old_excel": _(
            "This is an old Excel file (.xls, Excel 97-2003). Open it in Excel and save it as "
            "“Excel Workbook (.xlsx)”, or as “CSV UTF-8”."
        ),
        "opendocument": _("This is an OpenDocument spreadsheet (.ods). Save it as .xlsx or CSV UTF-8."),
        "encoding": _(
            "This CSV file is not in UTF-8, so Vietnamese letters would be garbled. In Excel, "
            "choose File › Save As › “CSV UTF-8 (Comma delimited)”."
        ),
        "unreadable": _("This Excel file is damaged or protected and cannot be read: %(detail)s"),
        "no_header": _(
            "No header row found in the first %(rows)s rows: the file needs at least the columns "
            "“Tên sách” (title) and “ISBN” (or “Mã sách” for books without ISBN)."
        ),
        "no_rows": _("The file has headers but no rows of books under them."),
        "already_applied": _("This import has already been applied."),
        "nothing_to_apply": _("Every row of this file was refused: there is nothing to apply."),
        "apply_failed": _("The import failed and nothing was changed. Please try again."),
        "not_found": _("This import does not exist."),
    }

    def __init__(self, code: str, message: str | None = None, **params):
        self.code = code
        self.params = params
        self._message = message
        super().__init__(code)

    @property
    def message(self) -> str:
        if self._message is not None:
            return str(self._message)
        text = str(self.messages[self.code])
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


class Formula(str):
    """The text of a formula cell ("=B2*0.8"); import refuses it where it matters."""


@dataclass
class Sheet:
    kind: str  # "xlsx" or "csv"
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

    Refuses (ImportRefused) what is not an XLSX or CSV file by its content, files without a
    recognisable header row in their first rows, files without data rows, and, as soon as
    it is passed, more than ``max_rows`` data rows.
    """
    if not data.strip():
        raise ImportRefused("empty")
    if data[:4] == b"PK\x03\x04":
        sheet = _read_xlsx(data, max_rows, progress)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused("old_excel")
    else:
        sheet = _read_csv(_decode(data), max_rows, progress)
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
    for number, values in rows:
        if is_blank(values):
            continue
        sheet.rows.append((number, values))
        if max_rows is not None and len(sheet.rows) > max_rows:
            raise ImportRefused("too_many_rows", limit=f"{max_rows:,}".replace(",", "."))
        if progress and len(sheet.rows) % 1000 == 0:
            progress(len(sheet.rows), estimate)
    if progress:
        progress(len(sheet.rows), len(sheet.rows))


# --- XLSX -----------------------------------------------------------------------------------


def _read_xlsx(data: bytes, max_rows, progress) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportRefused("not_spreadsheet") from error
    if b"opendocument" in mimetype:
        raise ImportRefused("opendocument")
    if "xl/workbook.xml" not in names:
        raise ImportRefused("not_spreadsheet")  # a .docx, a plain zip...
    if unpacked > MAX_UNPACKED_BYTES:
        # A few MB can unpack to gigabytes (a "zip bomb"); real stock lists stay far below.
        raise ImportRefused("too_large_unpacked")
    reader = _open_workbook(data)
    try:
        # The first sheet whose first rows hold the headers (a summary sheet may come first).
        for title, path in _worksheets(reader):
            rows = _SheetRows(reader, path)
            first = [next(rows, None) for _n in range(HEADER_SEARCH_ROWS)]
            found = _find_header([row for row in first if row is not None])
            if found is None:
                rows.close()
                continue
            number, columns, headers, ignored = found
            sheet = Sheet("xlsx", title, number, columns, headers, ignored)
            later = [row for row in first if row is not None and row[0] > number]
            estimate = max(_last_row(reader, path) - number, 0)
            _collect(sheet, _chain(later, rows), max_rows, progress, estimate)
            sheet.merged = _merged_data_ranges(rows.merged, sheet)
            return sheet
    except ImportRefused:
        raise
    except Exception as error:  # broken XML inside the archive
        raise ImportRefused("unreadable", detail=str(error)[:200] or type(error).__name__) from error
    finally:
        reader.archive.close()
    raise ImportRefused("no_header", rows=HEADER_SEARCH_ROWS)


def _open_workbook(data: bytes) -> ExcelReader:
    """The workbook's parts that reading cells needs: shared strings, sheets, date styles.

    Not load_workbook(read_only=True): it scans each whole sheet for its size when the sheet
    does not state it at the top (files written by openpyxl and others), doubling the time.
    """
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
    except Exception as error:  # openpyxl raises many kinds for damaged or encrypted files
        raise ImportRefused("unreadable", detail=str(error)[:200] or type(error).__name__) from error
    return reader


def _worksheets(reader: ExcelReader) -> list[tuple[str, str]]:
    """(title, path in the archive) of each worksheet, in the workbook's order; no chart sheets."""
    valid = set(reader.valid_files)
    return [
        (sheet.name, rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in valid and "chartsheet" not in rel.Type
    ]


def _last_row(reader: ExcelReader, path: str) -> int:
    """The last row the sheet states at its top (<dimension ref="A1:I20002">), for progress only."""
    with reader.archive.open(path) as source:
        head = source.read(4096)
    found = re.search(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(found.group(1)) if found else 0


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


class _SheetRows:
    """Rows of a worksheet as (row number, values), streamed; then its merged ranges.

    A small expat reader of the sheet's XML rather than openpyxl's read-only cells, which build
    an element and a dict per cell and took four times as long on 20,000 rows. It keeps what
    import needs: values (shared and inline strings, numbers, booleans, dates by their
    style), which cells hold formulas, and the merged ranges at the end of the sheet.
    """

    CHUNK = 256 * 1024

    def __init__(self, reader: ExcelReader, path: str):
        self._source = reader.archive.open(path)
        self._strings = reader.shared_strings
        self._date_styles = reader.wb._date_formats
        self._epoch = reader.wb.epoch
        self._parser = expat.ParserCreate()
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._text
        self._done: deque[tuple[int, tuple]] = deque()
        self._row_number = 0
        self._cells: dict[int, object] = {}
        self._column = 0
        self._cell: dict = {}
        self._buffer: list[str] | None = None  # collecting the text of <v>, <f> or <t>
        self._in_phonetic = False
        self._finished = False
        self.merged: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, tuple]:
        while not self._done:
            if self._finished:
                raise StopIteration
            chunk = self._source.read(self.CHUNK)
            self._parser.Parse(chunk, not chunk)
            if not chunk:
                self._finished = True
                self.close()
        return self._done.popleft()

    def close(self) -> None:
        self._source.close()

    # expat callbacks; names may carry a prefix ("x:c") in files from some generators.
    def _start(self, name, attrs):
        name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            self._column = _column_index(ref) if ref else self._column + 1
            self._cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "v": None, "f": None, "is": None}
        elif name in ("v", "f") or (name == "t" and not self._in_phonetic):
            self._buffer = []
        elif name == "row":
            number = attrs.get("r")
            self._row_number = int(number) if number else self._row_number + 1
            self._cells = {}
            self._column = 0
        elif name == "rPh":
            self._in_phonetic = True
        elif name == "mergeCell" and attrs.get("ref"):
            self.merged.append(attrs["ref"])

    def _text(self, data):
        if self._buffer is not None:
            self._buffer.append(data)

    def _end(self, name):
        name = name.rpartition(":")[2]
        if name in ("v", "f") and self._buffer is not None:
            self._cell[name] = "".join(self._buffer)
            self._buffer = None
        elif name == "t" and self._buffer is not None:
            self._cell["is"] = (self._cell["is"] or "") + "".join(self._buffer)
            self._buffer = None
        elif name == "rPh":
            self._in_phonetic = False
        elif name == "c":
            value = self._value(self._cell)
            if value is not None:
                self._cells[self._column] = value
        elif name == "row":
            cells = self._cells
            values = tuple(cells.get(column) for column in range(1, max(cells) + 1)) if cells else ()
            self._done.append((self._row_number, values))

    def _value(self, cell: dict):
        if cell["f"] is not None:
            return Formula("=" + cell["f"])
        kind, raw = cell["t"], cell["v"]
        if kind == "inlineStr":
            return cell["is"]
        if raw is None:
            return None
        if kind == "s":
            return self._strings[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind == "n":
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
            if cell["s"] is not None and int(cell["s"]) in self._date_styles:
                try:
                    return from_excel(number, self._epoch)
                except (OverflowError, ValueError):
                    return number
            return number
        return raw  # "str" (a formula's text result), "e" (#N/A...), "d" (an ISO date)


def _column_index(ref: str) -> int:
    """ "C12" -> 3."""
    index = 0
    for char in ref:
        if char.isdigit():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index


def _merged_data_ranges(refs: list[str], sheet: Sheet) -> list[str]:
    """Merged ranges that reach a data row in a column import reads (a merged title line above
    the headers, or merged notes in an ignored column, do no harm)."""
    used = {index + 1 for index in sheet.columns.values()}
    harmful = []
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if max_row > sheet.header_row and any(min_col <= col <= max_col for col in used):
            harmful.append(ref)
    return harmful


# --- CSV ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text": UTF-16, tab-separated
        return data.decode("utf-16")
    if data[:5] == b"%PDF-" or data[:4] in (b"\x89PNG", b"GIF8") or data[:3] == b"\xff\xd8\xff":
        raise ImportRefused("not_spreadsheet")
    if b"\x00" in data[:4096]:
        raise ImportRefused("not_spreadsheet")
    try:
        return data.decode("utf-8-sig")  # the BOM Excel's "CSV UTF-8" writes is dropped
    except UnicodeDecodeError as error:
        raise ImportRefused("encoding") from error


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, tuple]]:
    # Row numbers count records, as Excel numbers them when it opens the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, values in enumerate(reader, start=1):
        yield number, tuple(Formula(v) if v.startswith("=") else v for v in values)


def _read_csv(text: str, max_rows, progress) -> Sheet:
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
    delimiter, (number, columns, headers, ignored) = best
    sheet = Sheet("csv", "", number, columns, headers, ignored)
    estimate = max(text.count("\n") - number, 0)
    try:
        rows = (row for row in _csv_rows(text, delimiter) if row[0] > number)
        _collect(sheet, rows, max_rows, progress, estimate)
    except csv.Error as error:
        raise ImportRefused("not_spreadsheet") from error
    return sheet
