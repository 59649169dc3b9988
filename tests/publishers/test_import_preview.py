"""What the import preview tells a publisher before anything changes: old → new per field, a
warning when a known ISBN changes its title or authors, every error of a refused row, the
ignored columns, the refused rows as a spreadsheet to fix, and that quantities replace."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from publishers.models import StockListing, Title
from publishers.services.importing import apply_import, refused_rows_xlsx, stage_import
from publishers.validators import format_isbn
from tests.publishers.import_helpers import HEADERS, book, isbn, xlsx
from tests.publishers.portal_factories import ExhibitorFactory, PublisherUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(event):
    member = PublisherUserFactory(publisher__name="Nhà xuất bản Kim Đồng")
    member.exhibitor = ExhibitorFactory(publisher=member.publisher, event=event, booths="A12")
    return member


def stage(exhibitor, data, filename="kho-sach.xlsx"):
    return stage_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename=filename)


def rows_by_number(stock_import):
    return {row["row"]: row for row in stock_import.report["rows"]}


def test_the_report_gives_old_and_new_for_every_changed_field(member):
    apply_import(stock_import=stage(member.exhibitor, xlsx([book(1), book(2)])))
    changed = book(1, **{"Giá bán": 79000, "Số lượng": 25, "Thể loại": "Thiếu nhi"})
    staged = stage(member.exhibitor, xlsx([changed, book(2)]))

    rows = rows_by_number(staged)
    assert {(c["field"], c["old"], c["new"]) for c in rows[2]["diff"]} == {
        ("fair_price", 85000, 79000),
        ("category", "Văn học", "Thiếu nhi"),
        ("copies", 10, 25),
    }
    assert rows[2]["warnings"] == []  # price and quantity changes are ordinary
    assert rows[3]["action"] == "unchanged" and rows[3]["diff"] == []


def test_a_known_isbn_with_another_title_or_authors_is_a_warning(member):
    apply_import(stock_import=stage(member.exhibitor, xlsx([book(1)])))
    staged = stage(member.exhibitor, xlsx([book(1, **{"Tên sách": "Sách khác hẳn", "Tác giả": "Lê Văn A"})]))

    (row,) = staged.report["rows"]
    assert row["action"] == "update"  # still imported: a corrected title is a real need
    assert [w["code"] for w in row["warnings"]] == ["title_changed", "authors_changed"]
    assert "Đường về nhà tập 1" in row["warnings"][0]["reason"]
    assert "Sách khác hẳn" in row["warnings"][0]["reason"]


def test_a_refused_row_lists_every_error_not_only_the_first(member):
    bad = book(1, ISBN="978-604-2-12345-6", **{"Giá bìa": "rẻ", "Năm xuất bản": 3000, "Số lượng": -2})
    staged = stage(member.exhibitor, xlsx([bad, book(2)]))

    row = rows_by_number(staged)[2]
    assert row["action"] == "refused"
    assert [error["code"] for error in row["errors"]] == [
        "isbn_checksum",
        "year_invalid",
        "price_invalid",
        "copies_negative",
    ]
    assert row["code"] == "isbn_checksum"  # the first error stays the row's code


def test_rules_between_cells_are_told_with_the_cell_errors(member):
    bad = book(1, **{"Tên sách": "", "Giá bìa": 50000, "Giá bán": 60000})
    row = rows_by_number(stage(member.exhibitor, xlsx([bad])))[2]
    assert [error["code"] for error in row["errors"]] == ["title_required", "fair_above_list"]


def test_refused_rows_come_back_as_a_spreadsheet_with_their_errors(member):
    headers = [*HEADERS, "Ghi chú"]
    rows = [
        [*book(1), "ok"],
        [*book(2, ISBN="978-604-2-12345-6", **{"Số lượng": "nhiều"}), "sửa"],
        [*book(3, **{"Tên sách": ""}), ""],
    ]
    staged = stage(member.exhibitor, xlsx(rows, headers=headers))

    sheet = load_workbook(io.BytesIO(refused_rows_xlsx(stock_import=staged))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == (*HEADERS, "Lỗi")  # the file's own headers (not "Ghi chú"), then the errors
    assert [row[1] for row in values[1:]] == ["Đường về nhà tập 2", None]
    assert values[1][0] == "978-604-2-12345-6" and values[1][8] == "nhiều"  # as typed
    assert values[1][-1] == (
        "ISBN 978-604-2-12345-6: chữ số kiểm tra không đúng.\nSố lượng: “nhiều” không phải là số bản sách."
    )  # one line per error
    assert values[2][-1] == "Thiếu tên sách."


def test_refused_rows_fixed_and_uploaded_again_import(member):
    staged = stage(member.exhibitor, xlsx([book(1), book(2, **{"Số lượng": "nhiều"})]))
    workbook = load_workbook(io.BytesIO(refused_rows_xlsx(stock_import=staged)))
    workbook.active["I2"] = 12  # the publisher fixes the quantity
    fixed = io.BytesIO()
    workbook.save(fixed)

    again = stage(member.exhibitor, fixed.getvalue())
    assert (again.created_count, again.refused_count) == (1, 0)
    assert again.report["ignored_columns"] == ["Lỗi"]


def test_no_refused_row_no_spreadsheet(member):
    assert refused_rows_xlsx(stock_import=stage(member.exhibitor, xlsx([book(1)]))) is None


# --- the page ----------------------------------------------------------------------------------


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


def upload(client, event, data):
    file = io.BytesIO(data)
    file.name = "kho-sach.xlsx"
    response = client.post(reverse("publisher_import", args=[event.pk]), {"file": file})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_preview_page_shows_what_will_change(client, member, event):
    client.force_login(member.user)
    apply_import(stock_import=stage(member.exhibitor, xlsx([book(1), book(2)])))
    headers = [*HEADERS, "Thành tiền"]
    rows = [
        [*book(1, **{"Giá bán": 79000, "Số lượng": 25}), 1],
        [*book(2, **{"Tên sách": "Tên mới hoàn toàn"}), 2],
        [*book(3, ISBN="978-604-2-12345-6", **{"Số lượng": -1}), 3],
    ]
    response = upload(client, event, xlsx(rows, headers=headers))
    page = text(response)

    assert "Giá bán: 85.000 ₫ → 79.000 ₫" in page  # named as the file's column
    assert "Số lượng: 10 → 25" in page
    assert "Tên sách: Đường về nhà tập 2 → Tên mới hoàn toàn" in page
    assert f"ISBN {format_isbn(isbn(2))} đã là sách “Đường về nhà tập 2” của bạn" in page
    assert "Cột không được đọc" in page and "Thành tiền" in page
    assert "thay thế số liệu hiện có" in page
    # Both errors of the refused row, and the file to fix them.
    assert "chữ số kiểm tra không đúng" in page and "không được là số âm (-1)" in page
    stock_import = response.context["stock_import"]
    download = reverse("publisher_import_refused", args=[event.pk, stock_import.pk])
    assert download in response.content.decode()
    assert Title.objects.get(isbn=isbn(1)).fair_price == 85000  # the preview changed nothing
    assert StockListing.objects.get(title__isbn=isbn(1)).copies == 10

    got = client.get(download)
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet["J1"].value == "Lỗi" and sheet["A2"].value == "978-604-2-12345-6"


def test_another_publishers_refused_rows_are_404(client, member, event):
    staged = stage(member.exhibitor, xlsx([book(1, **{"Số lượng": "x"})]))
    other = PublisherUserFactory()
    ExhibitorFactory(publisher=other.publisher, event=event)
    client.force_login(other.user)
    assert client.get(reverse("publisher_import_refused", args=[event.pk, staged.pk])).status_code == 404
