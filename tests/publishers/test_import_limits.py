"""Issue 13: no spreadsheet can take a worker down. Each file here is built the way the attacks on
the demo were (small to send, huge to read) and must be refused with its code before the reader
spends memory or time on it. Their cost is measured in bench/import_attacks.py, not asserted here.
Also: the old .xls and the .ods files publishers send are read like an .xlsx."""

import dataclasses
import io
import itertools
from pathlib import Path

import pytest

from publishers.enums import ImportStatus
from publishers.models import StockImport, Title
from publishers.services import spreadsheet_limits
from publishers.services.importing import ImportRefused, apply_import, stage_import
from publishers.services.spreadsheet import read_sheet
from tests.publishers import attack_files
from tests.publishers.import_helpers import ImportExhibitorFactory, book, csv_bytes, xlsx

FILES_DIR = Path(__file__).parent / "files"


def refused(data, **kwargs) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_sheet(data, **kwargs)
    assert caught.value.message  # every code has its translated message
    return caught.value.code


@pytest.fixture
def limits(monkeypatch):
    """Replace some limits for one test: limits(strings=1000)."""

    def replace(**changes):
        monkeypatch.setattr(
            spreadsheet_limits, "LIMITS", dataclasses.replace(spreadsheet_limits.LIMITS, **changes)
        )

    return replace


def test_a_hand_written_workbook_is_read_so_the_attacks_below_are_refused_for_their_size():
    sheet = read_sheet(attack_files.workbook(attack_files.headers_and_books(3)))
    assert [number for number, _values in sheet.rows] == [2, 3, 4]
    assert sheet.rows[0][1][:2] == (book(1)[0], "Đường về nhà tập 1")


ATTACKS = [
    ("cell at column ZZZZZZZZZ", attack_files.far_column, "too_many_columns"),
    ("a grid of 2 million cells", attack_files.wide_and_tall, "too_many_cells"),
    ("two million shared strings", lambda: attack_files.shared_strings(2_000_000), "too_large_unpacked"),
    ("ten million blank rows", lambda: attack_files.blank_rows(10_000_000), "too_large_unpacked"),
    ("150,000 blank rows", lambda: attack_files.blank_rows(150_000), "too_many_blank_rows"),
    ("a value ten million rows down", lambda: attack_files.far_row(10_000_000), "too_many_blank_rows"),
    ("zip bomb", attack_files.zip_bomb, "too_large_unpacked"),
    (
        "ods: one value repeated 16,384 x 1,000,000",
        lambda: attack_files.ods_repeated(1_000_000, 16_384),
        "too_many_columns",
    ),
    (
        "ods: one value repeated 50 x 1,000,000",
        lambda: attack_files.ods_repeated(1_000_000, 50),
        "too_many_blank_rows",
    ),
    (
        "ods: one value repeated 100 x 90,000",
        lambda: attack_files.ods_repeated(90_000, 100),
        "too_many_cells",
    ),
    ("csv with a NUL", attack_files.csv_with_nul, "not_spreadsheet"),
    ("malformed utf-16", attack_files.malformed_utf16, "encoding"),
]


@pytest.mark.parametrize(("build", "code"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
def test_each_attack_file_is_refused_with_its_code(build, code):
    data = build()
    assert len(data) < 2 * 1024 * 1024  # each fits easily under the 10 MB upload limit
    assert refused(data) == code


def test_too_many_shared_strings(limits):
    data = attack_files.distinct_shared_strings(1001)
    assert read_sheet(data).rows  # under the limit: read
    limits(strings=1000)
    assert refused(data) == "too_many_strings"


def test_an_entry_compressed_far_more_than_text_is_refused():
    # 3 MB of one repeated cell: no list of books compresses a hundred times.
    rows = attack_files.headers_and_books() + ['<row r="5"><c r="A5"><v>1</v></c></row>'] * 100_000
    assert refused(attack_files.workbook(rows)) == "too_large_unpacked"


def test_a_file_that_takes_too_long_is_stopped(monkeypatch):
    ticks = itertools.count(step=100)  # every look at the clock: 100 more seconds
    monkeypatch.setattr(spreadsheet_limits, "clock", lambda: next(ticks))
    assert refused(xlsx([book(n) for n in range(1, 50)])) == "too_slow"
    ticks = itertools.count(step=100)
    assert refused(csv_bytes([book(n) for n in range(1, 3000)])) == "too_slow"


def test_csv_rows_and_columns_are_bounded(limits):
    limits(sheet_rows=100, columns=12)
    assert refused(csv_bytes([book(1)] + [[]] * 100 + [book(2)])) == "too_many_blank_rows"
    assert refused(csv_bytes([book(1) + [None, None, None, "ghi chú"]])) == "too_many_columns"
    assert len(read_sheet(csv_bytes([book(1) + [None] * 200])).rows) == 1  # empty fields are fine


def test_blank_rows_between_books_count_towards_the_portals_row_limit():
    spaced = xlsx([book(1), *([["", " "]] * 60), book(2)])
    assert len(read_sheet(spaced).rows) == 2
    assert refused(spaced, max_rows=50) == "too_many_blank_rows"
    assert refused(csv_bytes([book(1), *([[" "]] * 60), book(2)]), max_rows=50) == "too_many_blank_rows"
    assert refused(xlsx([book(n) for n in range(1, 52)]), max_rows=50) == "too_many_rows"
    # Blank rows after the last book cost nothing and do not count.
    assert len(read_sheet(csv_bytes([book(1), *([[]] * 60)]), max_rows=50).rows) == 1


def test_a_document_type_declaration_is_refused():
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = attack_files.workbook(
        [
            attack_files.row_xml(1, ["ISBN", "Tên sách"]),
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&b;</t></is></c></row>',
        ]
    )
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"?>", b"?>" + bomb.encode(), 1)
            target.writestr(info, content)
    assert refused(out.getvalue()) == "unreadable"


@pytest.mark.django_db
def test_a_refused_attack_is_recorded_without_its_file(event):
    exhibitor = ImportExhibitorFactory(event=event)
    with pytest.raises(ImportRefused):
        stage_import(exhibitor=exhibitor, upload=io.BytesIO(attack_files.far_column()), filename="kho.xlsx")
    failed = StockImport.objects.get()
    assert failed.status == ImportStatus.FAILED and not failed.file
    assert failed.report["refused"]["code"] == "too_many_columns"


# --- the old .xls and OpenDocument files ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_xlsx_and_ods_as_publishers_send_them(event, extension):
    """The same list saved as .xlsx and .ods: a title line, merged cells, formulas, a blank row."""
    exhibitor = ImportExhibitorFactory(event=event)
    data = (FILES_DIR / f"danh-muc-sach.{extension}").read_bytes()
    staged = stage_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename=f"kho.{extension}")
    rows = {row["row"]: row for row in staged.report["rows"]}
    assert (staged.report["kind"], staged.report["header_row"]) == (extension, 3)
    assert staged.report["ignored_columns"] == ["STT", "Ghi chú"]
    assert {n: row["action"] for n, row in rows.items()} == {
        4: "create", 5: "refused", 6: "refused", 7: "refused", 9: "create",
    }  # fmt: skip
    assert rows[5]["code"] == "formula" and rows[5]["params"]["cell"] == "I5"
    assert "H5" in rows[5]["params"]["value"]
    assert rows[6]["code"] == rows[7]["code"] == "merged" and rows[6]["params"]["range"] == "G6:G7"
    apply_import(stock_import=staged)
    title = Title.objects.get(isbn="9786041000049")
    assert (title.title, title.fair_price, title.list_price, title.year) == (
        "Lịch sử Việt Nam bằng tranh",
        38000,
        45000,
        2017,
    )


@pytest.mark.django_db
def test_an_old_xls_file(event):
    exhibitor = ImportExhibitorFactory(event=event)
    data = (FILES_DIR / "danh-muc-sach.xls").read_bytes()
    staged = stage_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename="kho.xls")
    rows = {row["row"]: row for row in staged.report["rows"]}
    assert (staged.report["kind"], staged.report["header_row"], staged.report["sheet"]) == (
        "xls",
        3,
        "Danh mục sách",
    )
    assert rows[4]["action"] == rows[9]["action"] == "create"
    assert rows[6]["code"] == rows[7]["code"] == "merged"
    assert rows[5]["code"] == "formula" and rows[5]["params"]["cell"] == "I5"
    apply_import(stock_import=staged)
    title = Title.objects.get(isbn="9786042188654")
    assert (title.title, title.authors, title.fair_price) == (
        "Tôi thấy hoa vàng trên cỏ xanh",
        "Nguyễn Nhật Ánh",
        100000,
    )


def _xls_with_a_number_moved(row: int, column: int) -> bytes:
    """The .xls fixture with its first number cell moved (an RK record: type 0x027E, 10 bytes)."""
    data = bytearray((FILES_DIR / "danh-muc-sach.xls").read_bytes())
    at = data.index(b"\x7e\x02\x0a\x00") + 4
    data[at : at + 4] = row.to_bytes(2, "little") + column.to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [(3, 200, "too_many_columns"), (60_000, 99, "too_many_cells")],
    ids=["column GS", "a grid of 6 million cells"],
)
def test_an_xls_file_is_bounded_before_calamine_reads_it(row, column, code):
    assert read_sheet(_xls_with_a_number_moved(3, 0)).rows  # the record found is a cell of the list
    assert refused(_xls_with_a_number_moved(row, column)) == code
