"""What a stock file may cost, and the bounded look at a zipped workbook before calamine reads it.

calamine reads a whole sheet into one dense grid sized by the cells' farthest references and
keeps every shared string in memory, so a few kilobytes can ask it for gigabytes (a cell at
``ZZZZZZZZZ2``, 26 million shared strings, a value ten million rows down). Before it sees an
XLSX or ODS file, ``inspect_zip`` reads the archive's directory and then streams every entry
once, in chunks, through expat, counting as it goes and stopping at the first limit passed:
no entry is ever unpacked whole and no count can grow past its limit. The same pass records
what calamine does not tell: which cells hold formulas, and the merged ranges of an ODS sheet.

The limits (``LIMITS``) come from what a 20,000-row stock file needs: about 15 columns, 300,000
cells, 10 MB of sheet XML (1 MB zipped), fewer than 300,000 different texts, and a second or two
to read. Each is several times that, so that no real file meets it:

- columns: 100 (column CV); anything written further right is refused (``too_many_columns``);
- rows a sheet spans, blank ones included: 100,000 (``too_many_blank_rows``), also the ceiling
  of the organisers' command, which has no row limit of its own;
- cells a sheet's filled area spans, blank ones included: 1,500,000 (``too_many_cells``): the
  grid calamine allocates stays under about 50 MB;
- shared strings: 1,000,000 (``too_many_strings``);
- unpacked size: 100 MB in all, no entry compressed more than 100 times once above 1 MB, at most
  1,000 entries and 5,000,000 XML elements (``too_large_unpacked``);
- time: 30 seconds to read a file (``too_slow``), checked between chunks and every few rows.

An old .xls file is not zipped: its size is bounded by the upload limit and its grid by the
format itself (65,536 x 256); its sheet's size is checked once calamine has read it.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from publishers.services.import_refused import ImportRefused, thousands


@dataclass(frozen=True)
class Limits:
    columns: int = 100
    sheet_rows: int = 100_000
    cells: int = 1_500_000
    strings: int = 1_000_000
    unpacked_bytes: int = 100 * 1024 * 1024
    ratio: int = 100  # unpacked / packed, for entries above 1 MB
    entries: int = 1000
    xml_elements: int = 5_000_000
    seconds: float = 30.0


LIMITS = Limits()
EXCEL_COLUMNS, EXCEL_ROWS = 16_384, 1_048_576  # XFD1048576: no real reference lies beyond
CHUNK = 64 * 1024


# The machine's own monotonic clock, read directly: freezegun (which pins the tests' time)
# patches time.monotonic in some threads and not in others, and a deadline computed on one
# and checked on the other fails at once. The tests replace this to test the deadline.
def clock() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


class Deadline:
    def __init__(self, seconds: float | None = None):
        self.seconds = LIMITS.seconds if seconds is None else seconds
        self.end = clock() + self.seconds

    def check(self) -> None:
        if clock() > self.end:
            raise ImportRefused("too_slow", limit=f"{self.seconds:g}")


@dataclass
class SheetScan:
    """What one sheet holds that calamine does not tell. Rows and columns count from 1."""

    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "=B2*0.8"
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # min row, min col, max row, max col


@dataclass
class Scan:
    kind: str  # "xlsx" or "ods"
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name


def inspect_zip(data: bytes, deadline: Deadline, limits: Limits | None = None) -> Scan:
    """Refuse (ImportRefused) a zipped workbook that would cost more than ``limits``; else what
    its sheets hold beyond values. Reads each entry once, in chunks, and never more than
    ``limits.unpacked_bytes`` in all, whatever the archive's directory claims."""
    limits = limits or LIMITS
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportRefused("not_spreadsheet") from error
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if len(infos) > limits.entries:
            raise ImportRefused("too_large_unpacked")
        if sum(info.file_size for info in infos) > limits.unpacked_bytes:
            # A few MB can unpack to gigabytes (a "zip bomb"); real stock lists stay far below.
            raise ImportRefused("too_large_unpacked")
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise ImportRefused("too_large_unpacked")
        if "mimetype" in names and b"opendocument" in _small(archive, "mimetype"):
            kind = "ods"
        elif "xl/workbook.xml" in names:
            kind = "xlsx"
        else:
            raise ImportRefused("not_spreadsheet")  # a .docx, a plain zip...
        budget = _Budget(limits, deadline)
        parts: dict[str, _Part] = {}
        for info in infos:
            if info.is_dir():
                continue
            is_xml = info.filename.endswith((".xml", ".rels"))
            part = (_OdsContent if kind == "ods" else _XlsxPart)(budget) if is_xml else None
            _stream(archive, info, part, budget)
            if part is not None:
                parts[info.filename] = part
    if kind == "ods":
        content = parts.get("content.xml")
        return Scan(kind, content.sheets if content else {})
    return Scan(kind, _xlsx_sheets(parts))


def _small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as source:
        return source.read(200)


class _Budget:
    """Counts shared by every entry of one file: bytes unpacked, XML elements, shared strings."""

    def __init__(self, limits: Limits, deadline: Deadline):
        self.limits = limits
        self.deadline = deadline
        self.unpacked = 0
        self.elements = 0
        self.strings = 0


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, part, budget: _Budget) -> None:
    try:
        with archive.open(info) as source:
            while chunk := source.read(CHUNK):
                budget.unpacked += len(chunk)
                if budget.unpacked > budget.limits.unpacked_bytes:
                    raise ImportRefused("too_large_unpacked")  # the directory lied about sizes
                if part is not None:
                    part.feed(chunk)
                    if budget.elements > budget.limits.xml_elements:
                        raise ImportRefused("too_large_unpacked")
                budget.deadline.check()
            if part is not None:
                part.feed(b"", final=True)
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, ValueError) as error:
        # A damaged or encrypted entry, a wrong checksum (the entry is not what the directory says).
        raise ImportRefused("unreadable", detail=str(error)[:200] or type(error).__name__) from error
    except expat.ExpatError as error:
        raise ImportRefused("unreadable", detail=f"{info.filename}: {error}"[:200]) from error


class _Part:
    """One XML entry streamed through expat; names carry their namespace ("uri local")."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.limits = budget.limits
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        # No DTD: entities, internal or external, have no place in a workbook (XXE, "billion laughs").
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.EntityDeclHandler = self._refuse_doctype

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.parser.Parse(chunk, final)

    def _refuse_doctype(self, *args):
        raise ImportRefused("unreadable", detail="DTD")

    def start(self, name, attrs):  # pragma: no cover - overridden
        raise NotImplementedError

    def extend(self, sheet: _Area, rows: range, columns: range) -> None:
        if columns.stop - 1 > self.limits.columns:
            raise ImportRefused("too_many_columns", limit=_column_letter(self.limits.columns))
        sheet.extend(rows, columns, self.limits)


class _Area:
    """The filled area of one sheet so far: calamine's grid will be this big."""

    def __init__(self):
        self.top = self.left = None
        self.bottom = self.right = 0

    def extend(self, rows: range, columns: range, limits: Limits) -> None:
        self.top = rows.start if self.top is None else min(self.top, rows.start)
        self.left = columns.start if self.left is None else min(self.left, columns.start)
        self.bottom = max(self.bottom, rows.stop - 1)
        self.right = max(self.right, columns.stop - 1)
        height = self.bottom - self.top + 1
        if height > limits.sheet_rows:
            raise ImportRefused("too_many_blank_rows", limit=thousands(limits.sheet_rows))
        if height * (self.right - self.left + 1) > limits.cells:
            raise ImportRefused("too_many_cells", limit=thousands(limits.cells))


# --- XLSX -----------------------------------------------------------------------------------

_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


def _reference(ref: str) -> tuple[int, int]:
    """ "C12" -> (12, 3); refuses references no spreadsheet has (``ZZZZZZZZZ2``)."""
    found = _REF.fullmatch(ref)
    if not found:
        raise ImportRefused("unreadable", detail=f"cell reference {ref[:20]!r}")
    letters, digits = found.groups()
    if len(letters) > 3:
        raise ImportRefused("too_many_columns", limit=_column_letter(LIMITS.columns))
    if len(digits) > 7:
        raise ImportRefused("too_many_blank_rows", limit=thousands(LIMITS.sheet_rows))
    column = 0
    for char in letters.upper():
        column = column * 26 + ord(char) - 64
    return int(digits), column


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _XlsxPart(_Part):
    """Any XML entry of an XLSX: a sheet (rows, cells, formulas, merged ranges), the shared
    strings, the workbook's list of sheets or its relationships; other entries are only counted."""

    def __init__(self, budget: _Budget):
        super().__init__(budget)
        self.area = _Area()
        self.scan = SheetScan()
        self.row = 0
        self.rows = 0
        self.column = 0
        self.cell_formula: dict | None = None
        self.text: list[str] = []
        self.shared: dict[str, tuple[str, int, int]] = {}  # si -> master formula, its row and column
        self.sheets: list[tuple[str, str]] = []  # workbook.xml: (name, relationship id)
        self.targets: dict[str, str] = {}  # workbook.xml.rels: id -> target

    def start(self, name, attrs):
        self.budget.elements += 1
        local = name.rpartition(" ")[2]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                self.row, self.column = _reference(ref)
            else:
                self.column += 1
        elif local in ("v", "is"):
            self.extend(self.area, range(self.row, self.row + 1), range(self.column, self.column + 1))
        elif local == "f":
            self.extend(self.area, range(self.row, self.row + 1), range(self.column, self.column + 1))
            self.cell_formula = {"t": attrs.get("t"), "si": attrs.get("si")}
            self.text = []
            self.parser.CharacterDataHandler = self.text.append
            self.parser.EndElementHandler = self._end_formula
        elif local == "row":
            number_ = attrs.get("r")
            self.row = int(number_) if number_ and number_.isdigit() and len(number_) < 8 else self.row + 1
            self.column = 0
            self.rows += 1
            if self.rows > self.limits.sheet_rows or self.row > EXCEL_ROWS:
                raise ImportRefused("too_many_blank_rows", limit=thousands(self.limits.sheet_rows))
        elif local == "si":
            self.budget.strings += 1
            if self.budget.strings > self.limits.strings:
                raise ImportRefused("too_many_strings", limit=thousands(self.limits.strings))
        elif local == "mergeCell" and attrs.get("ref"):
            first, _colon, last = attrs["ref"].partition(":")
            (top, left), (bottom, right) = _reference(first), _reference(last or first)
            self.scan.merged.append((top, left, bottom, right))
        elif local == "sheet":
            rid = next((value for key, value in attrs.items() if key.endswith(" id")), "")
            self.sheets.append((attrs.get("name", ""), rid))
        elif local == "Relationship":
            self.targets[attrs.get("Id", "")] = attrs.get("Target", "")

    def _end_formula(self, name):
        if name.rpartition(" ")[2] != "f":
            return
        self.parser.CharacterDataHandler = None
        self.parser.EndElementHandler = None
        text, info = "".join(self.text), self.cell_formula
        if info["t"] == "shared" and info["si"] is not None:
            if text:
                self.shared[info["si"]] = (text, self.row, self.column)
            elif info["si"] in self.shared:
                text = _translate(*self.shared[info["si"]], self.row, self.column)
        self.scan.formulas[(self.row, self.column)] = "=" + text[:200]


def _translate(formula: str, row: int, column: int, to_row: int, to_column: int) -> str:
    """A shared formula as it reads in another cell ("G2*0.85" from G2's row, in row 5: "G5*0.85")."""
    from openpyxl.formula.translate import Translator, TranslatorError

    origin = f"{_column_letter(column)}{row}"
    try:
        return Translator("=" + formula, origin).translate_formula(f"{_column_letter(to_column)}{to_row}")[1:]
    except (TranslatorError, ValueError):
        return formula


def _xlsx_sheets(parts: dict[str, _Part]) -> dict[str, SheetScan]:
    """Each sheet's scan by its name, through the workbook's relationships."""
    workbook, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    sheets = {}
    for name, rid in workbook.sheets:
        target = rels.targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        part = parts.get(_normalise(path))
        if part is not None:
            sheets[name] = part.scan
    return sheets


def _normalise(path: str) -> str:
    out = []
    for piece in path.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


# --- ODS ------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _repeat(attrs, name: str) -> int:
    value = attrs.get(f"{_TABLE} {name}", "1")
    return int(value) if value.isdigit() and len(value) < 8 else 1


class _OdsContent(_Part):
    """content.xml of an ODS: its tables, their repeated rows and cells (a repeat count can ask
    for a million copies of one value), formulas and merged (spanned) cells."""

    def __init__(self, budget: _Budget):
        super().__init__(budget)
        self.parser.EndElementHandler = self.end
        self.sheets: dict[str, SheetScan] = {}
        self.scan = SheetScan()
        self.area = _Area()
        self.row = 1  # the current row, from 1
        self.rows = 0
        self.row_repeat = 1
        self.column = 1
        self.cell: tuple[int, bool, str | None] | None = None  # repeat, has a value, formula

    def start(self, name, attrs):
        self.budget.elements += 1
        namespace, _space, local = name.rpartition(" ")
        if namespace == _TABLE:
            if local in ("table-cell", "covered-table-cell"):
                value = f"{_OFFICE} value-type" in attrs
                self.cell = (_repeat(attrs, "number-columns-repeated"), value, attrs.get(f"{_TABLE} formula"))
                across, down = _repeat(attrs, "number-columns-spanned"), _repeat(attrs, "number-rows-spanned")
                if across > 1 or down > 1:
                    self.scan.merged.append(
                        (self.row, self.column, self.row + down - 1, self.column + across - 1)
                    )
            elif local == "table-row":
                self.row_repeat = _repeat(attrs, "number-rows-repeated")
                self.column = 1
                self.rows += 1
                if self.rows > self.limits.sheet_rows:
                    raise ImportRefused("too_many_blank_rows", limit=thousands(self.limits.sheet_rows))
            elif local == "table":
                self.scan, self.area, self.row, self.rows = SheetScan(), _Area(), 1, 0
                self.sheets[attrs.get(f"{_TABLE} name", "")] = self.scan
        elif namespace == _TEXT and local == "p" and self.cell is not None:
            self.cell = (self.cell[0], True, self.cell[2])

    def end(self, name):
        namespace, _space, local = name.rpartition(" ")
        if namespace != _TABLE:
            return
        if local in ("table-cell", "covered-table-cell") and self.cell is not None:
            repeat, value, formula = self.cell
            if value or formula:
                rows = range(self.row, self.row + self.row_repeat)
                self.extend(self.area, rows, range(self.column, self.column + repeat))
                if formula:
                    text = "=" + formula.removeprefix("of:").lstrip("=")[:200]
                    for row in rows:
                        for column in range(self.column, self.column + repeat):
                            self.scan.formulas[(row, column)] = text
            self.column += repeat
            self.cell = None
        elif local == "table-row":
            self.row += self.row_repeat
            self.row_repeat = 1


# --- XLS (Excel 97-2003) ----------------------------------------------------------------------

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
# BIFF records of a cell holding something: (first row, first column) begin their data.
_CELLS = {0x0006, 0x0203, 0x00FD, 0x027E, 0x0205, 0x0204, 0x00D6}
_MULRK, _FORMULA, _BOF, _BOUNDSHEET = 0x00BD, 0x0006, 0x0809, 0x0085


def inspect_xls(data: bytes, deadline: Deadline, limits: Limits | None = None) -> dict[str, SheetScan]:
    """The same bounds for an .xls file, whose cells calamine also reads into one grid; and its
    formula cells by sheet name (their text is not kept: "=…")."""
    limits = limits or LIMITS
    try:
        stream = _workbook_stream(data)
    except (IndexError, ValueError, struct.error) as error:
        raise ImportRefused("unreadable", detail=f"xls: {error}"[:200]) from error
    names: dict[int, str] = {}  # the offset of a sheet's BOF record -> its name
    sheets: dict[str, SheetScan] = {}
    scan = area = None
    offset, count = 0, 0
    while offset + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + size]
        count += 1
        if count % 10_000 == 0:
            deadline.check()
        if kind == _BOUNDSHEET and size >= 8:
            position, length, flags = struct.unpack_from("<IxxBB", body)
            raw = body[8 : 8 + length * (2 if flags & 1 else 1)]
            names[position] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif kind == _BOF and offset in names:
            scan, area = SheetScan(), _Area()
            sheets[names[offset]] = scan
        elif scan is not None and size >= 4 and (kind in _CELLS or kind == _MULRK):
            row, column = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, size - 2)[0] if kind == _MULRK else column
            if last + 1 > limits.columns:
                raise ImportRefused("too_many_columns", limit=_column_letter(limits.columns))
            area.extend(range(row + 1, row + 2), range(column + 1, last + 2), limits)
            if kind == _FORMULA:
                scan.formulas[(row + 1, column + 1)] = "=…"
        offset += 4 + size
    return sheets


def _workbook_stream(data: bytes) -> bytes:
    """The "Workbook" stream of an OLE compound file (how .xls files are stored)."""
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or mini_shift >= shift:
        raise ValueError("sector size")
    size = 1 << shift
    directory_start, mini_cutoff, mini_fat_start = struct.unpack_from("<I4xII", data, 0x30)
    difat_start, difat_count = struct.unpack_from("<II", data, 0x44)
    sectors = max(0, (len(data) - size) // size)

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise ValueError("sector out of the file")
        return data[(number + 1) * size : (number + 2) * size]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < _END_OF_CHAIN]
    next_difat = difat_start
    for _n in range(min(difat_count, sectors)):
        if next_difat >= _END_OF_CHAIN:
            break
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors.extend(n for n in entries[:-1] if n < _END_OF_CHAIN)
        next_difat = entries[-1]
    fat = []
    for number in fat_sectors[: sectors + 1]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        found = []
        while start < _END_OF_CHAIN and len(found) <= limit:
            found.append(start)
            start = table[start] if start < len(table) else _END_OF_CHAIN
        if len(found) > limit:
            raise ValueError("a sector chain loops")
        return found

    directory = b"".join(sector(n) for n in chain(directory_start, fat, sectors))
    entries = {}
    root = None
    for at in range(0, len(directory) - 127, 128):
        length, kind = struct.unpack_from("<HB", directory, at + 0x40)
        name = directory[at : at + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<II", directory, at + 0x74)
        if kind == 5:
            root = (start, stream_size)
        elif kind == 2:
            entries[name] = (start, stream_size)
    start, stream_size = entries.get("Workbook") or entries.get("Book") or (None, 0)
    if start is None or stream_size > len(data):
        raise ValueError("no Workbook stream")
    if stream_size >= mini_cutoff:
        return b"".join(sector(n) for n in chain(start, fat, sectors))[:stream_size]
    # A small stream lives in the mini stream, in 64-byte sectors of the root entry's stream.
    mini_size = 1 << mini_shift
    mini_fat = []
    for number in chain(mini_fat_start, fat, sectors):
        mini_fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))
    mini_stream = b"".join(sector(n) for n in chain(root[0], fat, sectors)) if root else b""
    parts = chain(start, mini_fat, len(mini_stream) // mini_size)
    return b"".join(mini_stream[n * mini_size : (n + 1) * mini_size] for n in parts)[:stream_size]
