"""Spreadsheets built to cost a reader as much as possible (issue 13), small to send.

Shared by tests/publishers/test_import_limits.py (each is refused, with its code) and
bench/import_attacks.py (how long each takes to refuse, and how much memory).
"""

from __future__ import annotations

import io
import itertools
import zipfile

from tests.publishers.import_helpers import HEADERS, book

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Kho" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
_SST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row_xml(number: int, values, first_column: int = 1) -> str:
    cells = []
    for offset, value in enumerate(values):
        ref = f"{_column(first_column + offset)}{number}"
        if value is None:
            continue
        if isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def workbook(sheet_rows, strings=None) -> bytes:
    """An XLSX written by hand: ``sheet_rows`` is an iterable of <row> XML strings (streamed
    into the archive, so millions cost little), ``strings`` of <si> XML strings. The old
    reader (openpyxl's internals) reads it too, for the benchmark's baseline."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        _stream(archive, "xl/worksheets/sheet1.xml", _SHEET_HEAD, sheet_rows, _SHEET_TAIL)
        # Always there: the relationships name it, and readers may insist on finding it.
        _stream(archive, "xl/sharedStrings.xml", _SST_HEAD, strings or (), "</sst>")
    return out.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, head: str, parts, tail: str) -> None:
    with archive.open(name, "w", force_zip64=True) as target:
        target.write(head.encode())
        buffer = []
        for part in parts:
            buffer.append(part)
            if len(buffer) >= 1000:
                target.write("".join(buffer).encode())
                buffer = []
        target.write(("".join(buffer) + tail).encode())


def headers_and_books(count: int = 2) -> list[str]:
    return [row_xml(1, HEADERS), *(row_xml(n + 2, book(n + 1)) for n in range(count))]


def far_column() -> bytes:
    """The measured attack: one cell at column ZZZZZZZZZ, 4.9 KB that asked for 4.3 GB."""
    rows = headers_and_books()
    rows.append('<row r="4"><c r="ZZZZZZZZZ4"><v>1</v></c></row>')
    return workbook(rows)


def wide_and_tall() -> bytes:
    """Columns A..CV (the most allowed) and 20,000 rows down: a grid of 2 million cells."""
    rows = headers_and_books()
    rows.append('<row r="20000"><c r="CV20000"><v>1</v></c></row>')
    return workbook(rows)


def shared_strings(count: int) -> bytes:
    """``count`` shared strings (the attack had 26 million, 442 MB unpacked from 1 MB)."""
    return workbook(headers_and_books(), ("<si><t>a</t></si>" for _ in range(count)))


def distinct_shared_strings(count: int) -> bytes:
    """``count`` different shared strings: compressed about as much as real text is."""
    return workbook(headers_and_books(), (f"<si><t>{n * 7919 % 10**9}</t></si>" for n in range(count)))


def blank_rows(count: int) -> bytes:
    """Two books, ``count`` blank rows, a book: the attack had ten million in 92 KB."""
    rows = headers_and_books()
    rows.extend(itertools.repeat("<row/>" * 1000, count // 1000))  # numbered by their place
    rows.append("<row/>" * (count % 1000))
    rows.append(row_xml(4 + count, book(3)))
    return workbook(rows)


def far_row(number: int) -> bytes:
    """Two books, then one value ``number`` rows down: a grid that tall, in a few bytes."""
    return workbook([*headers_and_books(), row_xml(number, book(3))])


def zip_bomb(megabytes: int = 501) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(block)
    return out.getvalue()


def csv_with_nul() -> bytes:
    lines = ["ISBN,Tên sách,Số lượng"] + [f"{book(n)[0]},Sách {n},5" for n in range(1, 400)]
    lines.append(f"{book(400)[0]},Sách\x00độc,5")  # far past the first 4 KB
    return "\n".join(lines).encode()


def malformed_utf16() -> bytes:
    text = "ISBN\tTên sách\tSố lượng\n" + f"{book(1)[0]}\tSách\t5\n"
    return b"\xff\xfe" + text.encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate at the end


def ods_repeated(rows: int, columns: int) -> bytes:
    """An ODS whose one value is repeated ``columns`` times across and ``rows`` times down:
    a few bytes that expand to rows x columns cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Kho"><table:table-row>'
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
            for h in HEADERS
        )
        + f'</table:table-row><table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        'office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return out.getvalue()
