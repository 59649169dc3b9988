"""Spreadsheet import of stock: preview, apply, every refusal, idempotency, export round trip."""

import datetime as dt
import io
import time
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook
from stdnum import isbn as stdnum_isbn

from publishers.enums import ImportStatus
from publishers.models import Category, StockImport, StockListing, Title
from publishers.services.bulk import bulk_insert as real_insert
from publishers.services.importing import (
    ImportRefused,
    apply_import,
    export_stock_xlsx,
    queue_record,
    reason_text,
    stage_import,
)
from publishers.services.spreadsheet import EXPORT_HEADERS
from tests.publishers.import_helpers import (
    HEADERS,
    ImportExhibitorFactory,
    book,
    csv_bytes,
    hyphenated,
    isbn,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exhibitor(event):
    return ImportExhibitorFactory(event=event)


def stage(exhibitor, data, filename="kho-sach.xlsx"):
    return stage_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename=filename)


def stage_and_apply(exhibitor, data, filename="kho-sach.xlsx"):
    return apply_import(stock_import=stage(exhibitor, data, filename))


def rows_by_number(stock_import):
    return {row["row"]: row for row in stock_import.report["rows"]}


def refusal(exhibitor, data) -> str:
    with pytest.raises(ImportRefused) as caught:
        stage(exhibitor, data)
    return caught.value.code


# --- preview and apply ----------------------------------------------------------------------


def test_preview_writes_nothing_and_apply_creates_titles_and_stock(exhibitor):
    staged = stage(exhibitor, xlsx([book(1), book(2, **{"Thể loại": "Thiếu nhi", "Số lượng": 3})]))

    assert staged.status == ImportStatus.PREVIEWED
    assert (staged.rows_total, staged.created_count, staged.refused_count) == (2, 2, 0)
    assert [row["action"] for row in staged.report["rows"]] == ["create", "create"]
    assert Title.objects.count() == 0 and StockListing.objects.count() == 0 and Category.objects.count() == 0
    assert not staged.file  # deleted once read: the preview holds what confirming needs

    applied = apply_import(stock_import=staged)

    assert applied.status == ImportStatus.APPLIED and applied.applied_at is not None
    title = Title.objects.get(isbn=isbn(1))
    assert title.publisher == exhibitor.publisher
    assert (title.title, title.authors, title.imprint, title.year) == (
        "Đường về nhà tập 1",
        "Nguyễn Văn Ưng",
        "NXB Trẻ",
        2024,
    )
    assert (title.list_price, title.fair_price, title.category.name) == (100000, 85000, "Văn học")
    assert "duong ve nha" in title.search_text  # found by the catalogue's accent-free search
    listing = StockListing.objects.get(exhibitor=exhibitor, title__isbn=isbn(2))
    assert (listing.copies, listing.title.category.name) == (3, "Thiếu nhi")
    assert StockListing.objects.for_event(exhibitor.event).totals()["copies"] == 13


def test_the_stored_file_is_not_under_media_root(exhibitor, settings):
    # While it waits for the worker (it is deleted once read).
    staged = queue_record(exhibitor=exhibitor, upload=io.BytesIO(xlsx([book(1)])), filename="kho.xlsx")
    assert not staged.file.path.startswith(str(settings.MEDIA_ROOT))
    assert staged.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_reimporting_the_same_file_changes_nothing(exhibitor):
    data = xlsx([book(n) for n in range(1, 6)])
    first = stage_and_apply(exhibitor, data)
    second = stage_and_apply(exhibitor, data)

    assert first.created_count == 5
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 5)
    assert Title.objects.count() == 5 and StockListing.objects.count() == 5 and Category.objects.count() == 1

    third = stage_and_apply(
        exhibitor, xlsx([book(n, **({"Số lượng": 25} if n == 3 else {})) for n in range(1, 6)])
    )
    assert (third.updated_count, third.unchanged_count) == (1, 4)
    assert rows_by_number(third)[4]["changes"] == ["copies"]
    assert StockListing.objects.get(title__isbn=isbn(3)).copies == 25
    assert Title.objects.count() == 5


def test_isbn_written_differently_matches_the_same_title(exhibitor):
    stage_and_apply(exhibitor, xlsx([book(1)]))
    again = stage_and_apply(exhibitor, xlsx([book(1, ISBN=hyphenated(isbn(1)), **{"Số lượng": 12})]))
    assert again.updated_count == 1 and Title.objects.count() == 1


def test_isbn10_is_stored_as_isbn13(exhibitor):
    ten = stdnum_isbn.to_isbn10(isbn(1))  # 604xxxxxxC: the same book's ISBN-10
    stage_and_apply(exhibitor, xlsx([book(1, ISBN=f"{ten[:3]}-{ten[3:9]}-{ten[9]}")]))
    assert Title.objects.get().isbn == isbn(1)


def test_columns_missing_from_the_file_keep_their_values(exhibitor):
    stage_and_apply(exhibitor, xlsx([book(1)]))
    applied = stage_and_apply(
        exhibitor, xlsx([[isbn(1), "Đường về nhà tập 1", 40]], headers=["ISBN", "Title", "Copies"])
    )
    title = Title.objects.get()
    assert applied.updated_count == 1
    assert (title.fair_price, title.authors, title.category.name) == (85000, "Nguyễn Văn Ưng", "Văn học")
    assert title.listings.get().copies == 40


def test_books_without_isbn_are_matched_by_sku(exhibitor):
    headers = ["Mã sách", "Tên sách", "Số lượng"]
    stage_and_apply(exhibitor, xlsx([["PN-001", "Lịch Tết", 5]], headers=headers))
    again = stage_and_apply(exhibitor, xlsx([["PN-001", "Lịch Tết", 7]], headers=headers))
    assert again.updated_count == 1
    title = Title.objects.get()
    assert (title.isbn, title.sku, title.listings.get().copies) == ("", "PN-001", 7)


def test_an_sku_of_another_title_is_refused(exhibitor):
    headers = ["ISBN", "Mã sách", "Tên sách"]
    stage_and_apply(exhibitor, xlsx([[isbn(1), "PN-001", "Một"]], headers=headers))
    staged = stage(exhibitor, xlsx([[isbn(2), "PN-001", "Hai"]], headers=headers))
    assert rows_by_number(staged)[2]["code"] == "sku_taken"


def test_categories_are_matched_by_slug_whatever_the_spelling(exhibitor):
    Category.objects.create(name="Văn học")
    stage_and_apply(
        exhibitor, xlsx([book(1, **{"Thể loại": "VAN HOC"}), book(2, **{"Thể loại": "văn  học"})])
    )
    assert Category.objects.count() == 1
    assert set(Title.objects.values_list("category__name", flat=True)) == {"Văn học"}


def test_fair_price_wins_over_a_discount_and_a_discount_alone_is_kept(exhibitor):
    headers = ["ISBN", "Tên sách", "Giá bìa", "Giá bán", "Chiết khấu"]
    stage_and_apply(
        exhibitor,
        xlsx([[isbn(1), "Một", 100000, 80000, "20%"], [isbn(2), "Hai", 100000, None, 0.25]], headers=headers),
    )
    one, two = Title.objects.get(isbn=isbn(1)), Title.objects.get(isbn=isbn(2))
    assert (one.fair_price, one.discount_percent) == (80000, None)
    assert (two.fair_price, two.discount_percent, two.effective_fair_price()) == (None, 25, 75000)


def test_optional_columns_sold_booth_language(exhibitor):
    headers = ["ISBN", "Title", "Copies", "Sold", "Booth", "Language"]
    stage_and_apply(
        exhibitor, xlsx([[isbn(1), "English Grammar in Use", 30, 4, "B08", "Tiếng Anh"]], headers=headers)
    )
    listing = StockListing.objects.get()
    assert (listing.copies, listing.copies_sold, listing.booth, listing.title.language) == (
        30,
        4,
        "B08",
        "en",
    )


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        ["ISBN", "Title", "Authors", "Imprint", "Year", "Category", "List price", "Fair price", "Copies"],
        [
            "isbn",
            "TÊN SÁCH",
            "tác giả",
            "NHÀ XUẤT BẢN",
            "năm xuất bản",
            "THỂ LOẠI",
            "giá bìa",
            "GIÁ BÁN",
            "số lượng",
        ],
        [
            "Isbn",
            "Ten sach",
            "Tac gia",
            "Nha xuat ban",
            "Nam xuat ban",
            "The loai",
            "Gia bia",
            "Gia ban",
            "So luong",
        ],
        [
            "ISBN:",
            "Tên sách*",
            "Tác giả",
            "NXB",
            "Năm XB",
            "Thể loại",
            "Giá bìa (VNĐ)",
            "Giá bán (VNĐ)",
            " Số  lượng ",
        ],
    ],
    ids=["english", "vietnamese-any-case", "no-accents", "decorated"],
)
def test_headers_in_either_language_any_case_with_or_without_accents(exhibitor, headers):
    staged = stage(exhibitor, xlsx([book(1)], headers=headers))
    assert staged.created_count == 1 and staged.refused_count == 0
    assert set(staged.report["columns"]) == {
        "isbn", "title", "authors", "imprint", "year", "category", "list_price", "fair_price", "copies",
    }  # fmt: skip


def test_header_row_below_a_merged_title_line(exhibitor):
    above = [["DANH MỤC SÁCH THAM GIA NGÀY SÁCH 2025"], ["Công ty Sách Phương Nam — gian B07"]]
    staged = stage(exhibitor, xlsx([book(1), book(2, **{"Số lượng": -1})], above=above, merge=["A1:I1"]))
    assert staged.report["header_row"] == 3
    assert rows_by_number(staged)[4]["action"] == "create"
    assert rows_by_number(staged)[5]["code"] == "copies_negative"


def test_unknown_columns_are_ignored_and_reported(exhibitor):
    headers = [*HEADERS, "Ghi chú", "Thành tiền"]
    staged = stage(exhibitor, xlsx([[*book(1), "sách mới", "=H2*I2"]], headers=headers))
    assert staged.report["ignored_columns"] == ["Ghi chú", "Thành tiền"]
    assert staged.created_count == 1  # a formula in a column import does not read is harmless


def test_the_sheet_with_the_headers_is_used(exhibitor):
    summary = ("Tổng hợp", [["Tổng số đầu sách", 2], ["Tổng số bản", 20]])
    staged = stage(exhibitor, xlsx([book(1), book(2)], sheet_title="Danh mục", before_sheets=[summary]))
    assert (staged.report["sheet"], staged.created_count) == ("Danh mục", 2)


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"bom": True}, {"delimiter": ";", "bom": True}, {"delimiter": "\t"}],
    ids=["utf8", "utf8-bom", "semicolon-bom", "tab"],
)
def test_csv_in_the_forms_excel_writes(exhibitor, options):
    staged = stage(exhibitor, csv_bytes([book(1, **{"Giá bán": "85.000đ"}), book(2)], **options), "kho.csv")
    assert staged.created_count == 2, staged.report["rows"]
    assert staged.report["columns"]["title"] == "Tên sách"  # the BOM is not part of the first header
    apply_import(stock_import=staged)
    assert Title.objects.get(isbn=isbn(1)).fair_price == 85000


def test_utf16_unicode_text_from_excel(exhibitor):
    data = csv_bytes([book(1)], delimiter="\t", encoding="utf-16")
    assert stage(exhibitor, data, "kho.txt").created_count == 1


def test_csv_not_in_utf8_gets_a_clear_message(exhibitor):
    data = f"ISBN,Title\n{isbn(1)},Caf\u00e9 \u00e0 Paris\n".encode("cp1252")
    with pytest.raises(ImportRefused) as caught:
        stage(exhibitor, data, "kho.csv")
    assert caught.value.code == "encoding"
    assert "UTF-8" in caught.value.message


def test_content_decides_not_the_file_name(exhibitor):
    assert stage(exhibitor, xlsx([book(1)]), "kho-sach.csv").report["kind"] == "xlsx"
    assert stage(exhibitor, csv_bytes([book(1)]), "kho-sach.xlsx").report["kind"] == "csv"


# --- values as Excel and people write them --------------------------------------------------


@pytest.mark.parametrize("price", ["85.000đ", "85,000", 85000.0, 85000, "85 000 VNĐ", "85.000 ₫", "85000.00"])
def test_prices_as_people_write_them(exhibitor, price):
    staged = stage_and_apply(exhibitor, xlsx([book(1, **{"Giá bán": price})]))
    assert staged.refused_count == 0
    assert Title.objects.get().fair_price == 85000


def test_numbers_as_excel_stores_them(exhibitor):
    rows = [
        book(1, ISBN=int(isbn(1)), **{"Năm xuất bản": 2023.0, "Số lượng": 12.0}),
        book(2, ISBN=float(isbn(2)), **{"Số lượng": "1.200"}),
    ]
    staged = stage_and_apply(exhibitor, xlsx(rows))
    assert staged.created_count == 2, staged.report["rows"]
    assert Title.objects.get(isbn=isbn(1)).year == 2023
    assert StockListing.objects.get(title__isbn=isbn(2)).copies == 1200


def test_isbn_in_scientific_notation_gets_a_hint(exhibitor):
    staged = stage(exhibitor, csv_bytes([book(1, ISBN="9,78604E+12")], delimiter=";"), "kho.csv")
    row = rows_by_number(staged)[2]
    assert row["code"] == "isbn_scientific" and "9,78604E+12" in row["reason"]


# --- row refusals ---------------------------------------------------------------------------


def _bad_checksum():
    good = isbn(1)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


REFUSALS = [
    ("bad check digit", {"ISBN": _bad_checksum()}, "isbn_checksum"),
    ("malformed isbn", {"ISBN": "978-604-12"}, "isbn_invalid"),
    ("letters for isbn", {"ISBN": "không có"}, "isbn_invalid"),
    ("missing title", {"Tên sách": "  "}, "title_required"),
    ("negative copies", {"Số lượng": -3}, "copies_negative"),
    ("non-numeric copies", {"Số lượng": "mười"}, "copies_invalid"),
    ("fractional copies", {"Số lượng": 2.5}, "copies_invalid"),
    ("too many copies", {"Số lượng": 2_000_000}, "copies_too_many"),
    ("bad price", {"Giá bán": "tám mươi nghìn"}, "price_invalid"),
    ("price with decimals", {"Giá bán": "85.5"}, "price_invalid"),
    ("negative price", {"Giá bìa": -100}, "price_invalid"),
    ("fair above list", {"Giá bán": 120000}, "fair_above_list"),
    ("year too old", {"Năm xuất bản": 1650}, "year_invalid"),
    ("year too far", {"Năm xuất bản": 3024}, "year_invalid"),
    ("year not a year", {"Năm xuất bản": "năm ngoái"}, "year_invalid"),
    ("over-long title", {"Tên sách": "Dài " * 100}, "too_long"),
    ("over-long authors", {"Tác giả": "Nguyễn Văn A, " * 30}, "too_long"),
    ("no isbn and no sku", {"ISBN": None}, "isbn_or_sku_required"),
    ("formula", {"Giá bán": "=G2*0.85"}, "formula"),
    # Text that a spreadsheet would run as a formula once exported: refused like "=".
    ("formula-like plus", {"Tên sách": "+cmd|' /C calc'!A0"}, "formula_like"),
    ("formula-like minus", {"Tác giả": "-2+3+cmd|' /C calc'!A0"}, "formula_like"),
    ("formula-like at", {"Thể loại": "@SUM(1+9)*cmd|' /C calc'!A0"}, "formula_like"),
    ("formula-like tab", {"Tên sách": "\t=1+1"}, "formula_like"),
]


@pytest.mark.parametrize(("changes", "code"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_each_bad_row_is_refused_with_its_row_number_and_reason(exhibitor, changes, code):
    staged = stage(exhibitor, xlsx([book(1), book(2, **changes), book(3)], above=[["Danh mục"]]))
    rows = rows_by_number(staged)
    assert rows[4]["action"] == "refused" and rows[4]["code"] == code
    assert rows[4]["reason"] == reason_text(code, rows[4]["params"]) and rows[4]["reason"]
    assert rows[3]["action"] == rows[5]["action"] == "create"
    assert (staged.created_count, staged.refused_count) == (2, 1)

    apply_import(stock_import=staged)
    assert sorted(Title.objects.values_list("isbn", flat=True)) == [isbn(1), isbn(3)]


def test_a_formula_is_refused_naming_its_cell(exhibitor):
    staged = stage(exhibitor, xlsx([book(1, **{"Giá bán": "=G2*0.85"})]))
    row = rows_by_number(staged)[2]
    assert row["params"]["cell"] == "H2"
    assert "H2" in row["reason"] and "=G2*0.85" in row["reason"]


def test_duplicate_isbn_refuses_the_later_row_naming_the_earlier(exhibitor):
    staged = stage(exhibitor, xlsx([book(1), book(2), book(3, ISBN=hyphenated(isbn(1)))]))
    row = rows_by_number(staged)[4]
    assert (row["code"], row["params"]["row"]) == ("duplicate_isbn", 2)
    assert "2" in row["reason"]


def test_copies_sold_cannot_exceed_copies(exhibitor):
    headers = ["ISBN", "Tên sách", "Số lượng", "Đã bán"]
    staged = stage(exhibitor, xlsx([[isbn(1), "Một", 3, 5]], headers=headers))
    assert rows_by_number(staged)[2]["code"] == "sold_exceeds_copies"


def test_merged_cells_in_the_data_refuse_their_rows(exhibitor):
    rows = [book(1), book(2), book(3), book(4)]
    staged = stage(exhibitor, xlsx(rows, merge=["F3:F4"]))  # "Thể loại" merged over two books
    found = rows_by_number(staged)
    assert [found[n]["action"] for n in (2, 3, 4, 5)] == ["create", "refused", "refused", "create"]
    assert found[3]["code"] == "merged" and "F3:F4" in found[3]["reason"]


def test_blank_rows_are_skipped_silently(exhibitor):
    staged = stage(exhibitor, xlsx([book(1), [None] * 9, ["", " ", None], book(2)]))
    assert (staged.rows_total, staged.created_count) == (2, 2)
    assert sorted(rows_by_number(staged)) == [2, 5]


def test_reasons_follow_the_language_of_whoever_reads_them(exhibitor):
    staged = stage(exhibitor, xlsx([book(1, **{"Tên sách": None})]))
    row = staged.report["rows"][0]
    with translation.override("en"):
        assert reason_text(row["code"], row["params"]) == "The title is missing."


# --- whole-file refusals --------------------------------------------------------------------


def _zip(names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return out.getvalue()


FILES = [
    ("empty", b"", "empty"),
    ("blank", b"  \r\n \n", "empty"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not_spreadsheet"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_spreadsheet"),
    ("docx", _zip({"word/document.xml": "<w:document/>"}), "not_spreadsheet"),
    ("damaged zip", b"PK\x03\x04garbage", "not_spreadsheet"),
    ("damaged ods", _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), "unreadable"),
    ("damaged xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "unreadable"),
    ("no header", csv_bytes([["a", "b"], ["c", "d"]], headers=["Cột 1", "Cột 2"]), "no_header"),
    ("title but no isbn column", csv_bytes([["Một"]], headers=["Tên sách"]), "no_header"),
    ("headers only xlsx", xlsx([]), "no_rows"),
    ("headers only csv", csv_bytes([]), "no_rows"),
]


@pytest.mark.parametrize(("data", "code"), [f[1:] for f in FILES], ids=[f[0] for f in FILES])
def test_files_that_cannot_be_used_are_refused_and_recorded(exhibitor, data, code):
    stage_and_apply(exhibitor, xlsx([book(9)]))
    before = list(StockListing.objects.values_list("pk", "copies"))

    assert refusal(exhibitor, data) == code

    assert list(StockListing.objects.values_list("pk", "copies")) == before
    failed = StockImport.objects.get(status=ImportStatus.FAILED)
    assert failed.report["refused"]["code"] == code and not failed.file


def test_a_file_over_the_size_limit_is_refused(exhibitor, settings):
    settings.STOCK_IMPORT_MAX_BYTES = 2048
    with pytest.raises(ImportRefused) as caught:
        stage(exhibitor, csv_bytes([book(n) for n in range(100)]))
    assert caught.value.code == "too_large"


def test_a_file_over_the_row_limit_is_refused(exhibitor, settings):
    settings.STOCK_IMPORT_MAX_ROWS = 50
    assert refusal(exhibitor, xlsx([book(n) for n in range(51)])) == "too_many_rows"
    assert stage(exhibitor, xlsx([book(n) for n in range(50)])).created_count == 50


def test_a_100000_row_upload_is_refused_quickly_and_changes_nothing(exhibitor):
    stage_and_apply(exhibitor, xlsx([book(1)]))
    data = csv_bytes(
        [[isbn(n), f"Sách {n}", 5] for n in range(100_000)], headers=["ISBN", "Tên sách", "Số lượng"]
    )
    assert len(data) < 10 * 1024 * 1024  # under the size limit: the row limit refuses it
    started = time.monotonic()
    with pytest.raises(ImportRefused) as caught:
        stage(exhibitor, data, "toan-bo-kho.csv")
    assert time.monotonic() - started < 10
    assert caught.value.code == "too_many_rows"
    with translation.override("en"):
        assert "20.000" in caught.value.message and "organisers" in caught.value.message
    assert Title.objects.count() == 1 and StockListing.objects.get().copies == 10


# --- apply: once, and all or nothing ----------------------------------------------------------


def test_an_import_is_applied_once(exhibitor):
    staged = stage(exhibitor, xlsx([book(1)]))
    apply_import(stock_import=staged)
    with pytest.raises(ImportRefused) as caught:
        apply_import(stock_import=staged)
    assert caught.value.code == "already_applied"
    assert StockListing.objects.get().copies == 10


def test_apply_is_all_or_nothing(exhibitor):
    stage_and_apply(exhibitor, xlsx([book(1)]))
    staged = stage(exhibitor, xlsx([book(1, **{"Số lượng": 99}), book(2), book(3)]))

    def insert(model, objects, **kwargs):
        if model is StockListing:  # the titles are written by now: the last step fails
            raise RuntimeError("disk full")
        return real_insert(model, objects, **kwargs)

    with (
        mock.patch("publishers.services.importing.bulk_insert", side_effect=insert),
        pytest.raises(ImportRefused) as caught,
    ):
        apply_import(stock_import=staged)

    assert caught.value.code == "apply_failed"
    assert list(Title.objects.values_list("isbn", flat=True)) == [isbn(1)]
    assert StockListing.objects.get().copies == 10
    staged.refresh_from_db()
    assert staged.status == ImportStatus.FAILED
    # Once the trouble is gone, the same import can be applied.
    assert apply_import(stock_import=staged).status == ImportStatus.APPLIED
    assert Title.objects.count() == 3


def test_a_file_with_every_row_refused_has_nothing_to_apply(exhibitor):
    staged = stage(exhibitor, xlsx([book(1, **{"Tên sách": None})]))
    assert staged.refused_count == 1
    with pytest.raises(ImportRefused) as caught:
        apply_import(stock_import=staged)
    assert caught.value.code == "nothing_to_apply"


# --- export ---------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(exhibitor):
    headers = [*HEADERS, "Mã sách", "Chiết khấu", "Đã bán", "Gian hàng", "Ngôn ngữ", "Mô tả"]
    rows = [
        [*book(1), "PN-1", None, 2, "B08", "Tiếng Anh", "Sách song ngữ\ncho thiếu nhi"],
        [*book(2, **{"Giá bán": None, "Thể loại": None}), None, 15, 0, None, "Song ngữ", None],
        [None, "Lịch Tết", None, None, None, None, None, None, 4, "LICH-2026", None, 0, None, None, "=vui"],
    ]
    first = stage_and_apply(exhibitor, xlsx(rows, headers=headers))
    assert first.refused_count == 1  # the "=vui" description is a formula
    rows[2][-1] = "Lịch treo tường"
    stage_and_apply(exhibitor, xlsx(rows, headers=headers))

    exported = export_stock_xlsx(exhibitor=exhibitor)

    sheet = load_workbook(io.BytesIO(exported)).active
    assert [cell.value for cell in sheet[1]] == list(EXPORT_HEADERS.values())
    assert sheet.max_row == 4
    again = stage_and_apply(exhibitor, exported, "xuat-kho.xlsx")
    assert (again.rows_total, again.unchanged_count) == (3, 3), again.report["rows"]


def test_export_keeps_isbns_as_text_and_formula_like_text_as_text(exhibitor):
    headers = ["ISBN", "Tên sách"]
    stage_and_apply(exhibitor, csv_bytes([[isbn(1), "'=1+1 không phải công thức"]], headers=headers))
    sheet = load_workbook(io.BytesIO(export_stock_xlsx(exhibitor=exhibitor))).active
    assert sheet["A2"].value == isbn(1) and sheet["A2"].data_type == "s"


def test_export_is_only_this_exhibitors_stock(exhibitor, event):
    other = ImportExhibitorFactory(event=event)
    stage_and_apply(exhibitor, xlsx([book(1)]))
    stage_and_apply(other, xlsx([book(2)]))
    sheet = load_workbook(io.BytesIO(export_stock_xlsx(exhibitor=exhibitor))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [isbn(1)]


def test_an_empty_workbook_is_refused(exhibitor):
    out = io.BytesIO()
    Workbook().save(out)
    assert refusal(exhibitor, out.getvalue()) == "no_header"


# --- files as publishers send them ----------------------------------------------------------

FILES_DIR = Path(__file__).parent / "files"


def test_a_workbook_with_a_title_line_merged_cells_and_formulas(exhibitor):
    staged = stage(exhibitor, (FILES_DIR / "danh-muc-sach.xlsx").read_bytes(), "danh-muc-sach.xlsx")
    rows = rows_by_number(staged)
    assert staged.report["header_row"] == 3
    assert staged.report["ignored_columns"] == ["STT", "Ghi chú"]
    assert {n: row["action"] for n, row in rows.items()} == {
        4: "create", 5: "refused", 6: "refused", 7: "refused", 9: "create",
    }  # fmt: skip
    assert rows[5]["code"] == "formula" and rows[5]["params"]["cell"] == "I5"
    assert rows[6]["code"] == rows[7]["code"] == "merged"
    apply_import(stock_import=staged)
    assert Title.objects.get(isbn="9786041000049").fair_price == 38000


def test_a_csv_saved_by_excel_as_csv_utf8(exhibitor):
    staged = stage(exhibitor, (FILES_DIR / "kho-sach-excel.csv").read_bytes(), "kho-sach-excel.csv")
    rows = rows_by_number(staged)
    assert {n: row["action"] for n, row in rows.items()} == {
        2: "create",
        3: "create",
        4: "refused",
        6: "refused",
    }
    assert rows[3]["title"] == "Dế Mèn phiêu lưu ký; bản đặc biệt"
    assert (rows[4]["code"], rows[6]["code"]) == ("isbn_checksum", "isbn_scientific")
    apply_import(stock_import=staged)
    assert Title.objects.get(isbn="9786042188654").list_price == 125000


def test_streamed_workbooks_with_inline_strings_and_dates(exhibitor):
    # Written the way exporting tools stream files: inline strings, no sheet size at the top.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kho")
    sheet.append(["ISBN", "Tên sách", "Năm xuất bản", "Đang bán", "Số lượng"])
    sheet.append([isbn(1), "Mùa thu Hà Nội", dt.date(2021, 1, 1), True, 8])
    out = io.BytesIO()
    workbook.save(out)
    staged = stage_and_apply(exhibitor, out.getvalue())
    assert staged.created_count == 1 and staged.report["ignored_columns"] == ["Đang bán"]
    title = Title.objects.get()
    assert (title.title, title.year, title.listings.get().copies) == ("Mùa thu Hà Nội", 2021, 8)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(exhibitor):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(501):
                sheet.write(block)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    assert refusal(exhibitor, out.getvalue()) == "too_large_unpacked"


def test_imported_books_are_found_in_the_fair_catalogue(exhibitor):
    from publishers.services.catalogue import search

    stage_and_apply(exhibitor, xlsx([book(1), book(2, **{"Tên sách": "Mùa thu Hà Nội"})]))
    found = list(search(exhibitor.event, q="mua thu ha noi"))
    assert [listing.title.isbn for listing in found] == [isbn(2)]
