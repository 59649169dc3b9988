"""A publisher on a phone: signs in, imports a spreadsheet with one bad row, confirms, and the
books are found in the fair's public catalogue. The portal pages pass axe-core at 360 px."""

import io

import pytest
from openpyxl import Workbook

from publishers.models import StockImport, StockListing
from tests.browser.conftest import axe_violations
from tests.publishers.portal_factories import (
    PASSWORD,
    ExhibitorFactory,
    PublisherUserFactory,
    make_isbn,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_fits_a_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def spreadsheet() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ISBN", "Tên sách", "Tác giả", "Thể loại", "Giá bìa", "Giá bán", "Số lượng"])
    sheet.append([make_isbn(), "Đường xưa mây trắng", "Thích Nhất Hạnh", "Văn học", "120.000đ", 96000, 25])
    sheet.append(["978-604-2-12345-6", "Sách sai mã", "Ai đó", "Văn học", 50000, 40000, 3])  # bad check digit
    sheet.append([make_isbn(), "Dế Mèn phiêu lưu ký", "Tô Hoài", "Thiếu nhi", "85.000", "68.000", 40])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def exhibitor(event):
    member = PublisherUserFactory(
        user__email="banhang@kimdong.vn", user__username="banhang@kimdong.vn", publisher__name="NXB Kim Đồng"
    )
    return ExhibitorFactory(publisher=member.publisher, event=event, booths="B07")


def sign_in(page, base_url):
    page.goto(base_url + "/publisher/login/")
    page.locator("#id_username").fill("banhang@kimdong.vn")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{base_url}/publisher/")


def test_a_publisher_imports_a_spreadsheet_and_the_books_reach_the_catalogue(
    live_server, phone, event, exhibitor
):
    base = live_server.url
    sign_in(phone, base)
    assert phone.get_by_text("B07").first.is_visible()

    phone.goto(f"{base}/publisher/events/{event.pk}/import/")
    phone.locator("input[type=file]").set_input_files(
        {
            "name": "sach-hoi-sach.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": spreadsheet(),
        }
    )
    phone.locator("main form.form button[type=submit]").click()
    phone.wait_for_url(f"**/publisher/events/{event.pk}/import/*/")

    stock_import = StockImport.objects.get()
    (refused,) = [row for row in stock_import.report["rows"] if row["action"] == "refused"]
    rows = phone.locator("#refused-rows tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text() == "3"
    assert refused["reason"] in rows.first.inner_text()
    assert phone.locator("#accepted-rows tbody tr").count() == 2
    assert not StockListing.objects.exists()  # nothing saved before confirming
    assert_fits_a_phone(phone)

    phone.locator("#confirm-import").click()
    phone.wait_for_url(f"**/publisher/events/{event.pk}/stock/")
    assert phone.get_by_role("rowheader", name="Đường xưa mây trắng", exact=True).is_visible()
    assert StockListing.objects.filter(exhibitor=exhibitor).count() == 2
    assert_fits_a_phone(phone)

    # A visitor searches the catalogue without accents and finds the booth.
    phone.goto(f"{base}/events/{event.pk}/catalogue/?q=duong+xua")
    assert phone.get_by_text("Đường xưa mây trắng").first.is_visible()
    assert phone.get_by_text("B07").first.is_visible()
    phone.goto(f"{base}/events/{event.pk}/catalogue/?q=sach+sai+ma")
    assert phone.get_by_text("Sách sai mã").count() == 0
    assert phone.errors == []


def test_portal_pages_pass_an_accessibility_check_on_a_phone(live_server, phone, event, exhibitor):
    from tests.publishers.portal_factories import StockListingFactory

    listing = StockListingFactory(exhibitor=exhibitor, title__title="Tắt đèn", copies=12, copies_sold=2)
    base = live_server.url
    sign_in(phone, base)
    for path in [
        "/publisher/",
        "/publisher/profile/",
        "/publisher/titles/",
        "/publisher/titles/new/",
        f"/publisher/titles/{listing.title_id}/",
        f"/publisher/events/{event.pk}/stock/",
        f"/publisher/events/{event.pk}/stock/add/",
        f"/publisher/events/{event.pk}/stock/{listing.pk}/",
        f"/publisher/events/{event.pk}/stock/{listing.pk}/remove/",
        f"/publisher/events/{event.pk}/import/",
        "/en/publisher/titles/",
    ]:
        phone.goto(base + path)
        assert axe_violations(phone) == [], path
        assert_fits_a_phone(phone)

    assert phone.errors == []

    # A form with errors stays accessible too (answered with status 400, which the console notes).
    phone.goto(base + "/publisher/titles/new/")
    phone.locator("#id_isbn").fill("978-604-2-12345-6")
    phone.locator("#id_title").fill("Sai mã")
    phone.locator("main form.form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator("#id_isbn").get_attribute("aria-invalid") == "true"
    assert axe_violations(phone) == []


def test_the_stock_table_hides_nothing_sideways_on_a_phone(live_server, phone, event, exhibitor):
    from tests.publishers.portal_factories import StockListingFactory

    long_title = ("Một cuốn sách có tên rất dài " * 3).strip()
    StockListingFactory(exhibitor=exhibitor, title__title=long_title)
    sign_in(phone, live_server.url)
    phone.goto(f"{live_server.url}/publisher/events/{event.pk}/stock/")
    # Measured in the shipped font: a fallback font still showing on a busy machine is wider.
    phone.evaluate("document.fonts.ready.then(() => true)")
    box = phone.locator(".table-scroll")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")  # a card per title: nothing to scroll
    assert_fits_a_phone(phone)
    title = phone.get_by_role("rowheader", name=long_title)
    assert title.bounding_box()["x"] + title.bounding_box()["width"] <= 360  # wrapped, all on screen


def test_booth_staff_record_sales_from_a_phone(live_server, phone, event, exhibitor, tmp_path):
    """The stock table at 360 px: one card per title, no sideways scroll, tap targets of 44 px,
    +1 in one tap and a typed figure saved."""
    from tests.publishers.portal_factories import StockListingFactory

    assert phone.viewport_size["width"] == 360
    tat_den = StockListingFactory(exhibitor=exhibitor, title__title="Tắt đèn", copies=12, copies_sold=2)
    StockListingFactory(exhibitor=exhibitor, title__title="Số đỏ", copies=30, copies_sold=0)
    base = live_server.url
    sign_in(phone, base)
    phone.goto(f"{base}/publisher/events/{event.pk}/stock/")
    assert_fits_a_phone(phone)

    card = phone.locator(f"#listing-{tat_den.pk}")
    assert card.get_by_role("rowheader").inner_text() == "Tắt đèn"
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # the whole card is on screen
    for control in card.locator("button, a, input[type=number]").all():
        size = control.bounding_box()
        name = control.inner_text() or control.get_attribute("name")
        assert size["width"] >= 44 and size["height"] >= 44, name

    with phone.expect_navigation():
        card.get_by_role("button", name="Bán thêm một bản: Tắt đèn").tap()
    assert phone.get_by_text("“Tắt đèn”: đã bán 3 trên 12 bản.").is_visible()
    tat_den.refresh_from_db()
    assert tat_den.copies_sold == 3

    field = phone.get_by_label("Số bản đã bán: Tắt đèn")
    field.fill("9")
    with phone.expect_navigation():
        phone.locator(f"#listing-{tat_den.pk}").get_by_role("button", name="Lưu").tap()
    tat_den.refresh_from_db()
    assert tat_den.copies_sold == 9
    assert phone.get_by_label("Số bản đã bán: Tắt đèn").input_value() == "9"
    assert phone.locator(f"#listing-{tat_den.pk}").get_by_text("3", exact=True).is_visible()  # 3 left
    assert_fits_a_phone(phone)
    phone.screenshot(path=str(tmp_path / "stock-360.png"))
    assert phone.errors == []


def test_exhibitors_and_catalogue_searches_on_a_phone(live_server, phone, event, exhibitor):
    """A visitor filters the exhibitors and sees why a book matched; both pages pass axe-core."""
    from publishers.enums import OrganisationType
    from tests.publishers.catalogue_data import book, category, publisher
    from tests.publishers.catalogue_data import exhibitor as stand

    stand(event, publisher("Nhà sách Fahasa", kind=OrganisationType.BOOKSHOP), "C2")
    book(exhibitor, "Dế Mèn phiêu lưu ký", authors="Tô Hoài", category=category("Văn học"))
    base = live_server.url
    phone.goto(f"{base}/events/{event.pk}/exhibitors/")
    phone.get_by_label("Loại").select_option("bookshop")
    with phone.expect_navigation():
        phone.locator("main form[role=search] button[type=submit]").click()
    assert phone.locator(".exhibitor__name").all_inner_texts() == ["Nhà sách Fahasa"]
    assert axe_violations(phone) == []
    assert_fits_a_phone(phone)

    phone.goto(f"{base}/events/{event.pk}/catalogue/?q=van+hoc")
    assert phone.locator(".book__matched").inner_text() == "Tìm thấy ở thể loại: Văn học"
    assert axe_violations(phone) == []
    assert_fits_a_phone(phone)
    assert phone.errors == []
