"""The publisher portal through its pages: access, titles, stock, import and export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from publishers.enums import ApplicationStatus, ImportStatus
from publishers.models import Publisher, StockImport, StockListing, Title
from publishers.services.importing import ImportRefused
from tests.publishers.portal_factories import (
    ApplicationFactory,
    ExhibitorFactory,
    PublisherUserFactory,
    StockListingFactory,
    TitleFactory,
    UserFactory,
    make_isbn,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(event):
    """A publisher user whose publisher exhibits at ``event`` at booth A12."""
    member = PublisherUserFactory(publisher__name="Nhà xuất bản Kim Đồng")
    member.exhibitor = ExhibitorFactory(publisher=member.publisher, event=event, booths="A12")
    return member


@pytest.fixture
def client_a(client, member):
    client.force_login(member.user)
    return client


def title_form(**overrides):
    data = {
        "isbn": "978-604-2-12345-7",
        "sku": "",
        "title": "Dế Mèn phiêu lưu ký",
        "authors": "Tô Hoài",
        "imprint": "Kim Đồng",
        "year": "2020",
        "category": "",
        "new_category": "Thiếu nhi",
        "language": "vi",
        "list_price": "85.000",
        "fair_price": "68.000đ",
        "discount_percent": "",
        "description": "",
    }
    data.update(overrides)
    return data


# Access


def test_anonymous_visitors_are_sent_to_the_portal_login(client, event):
    response = client.get("/publisher/titles/")
    assert response.status_code == 302
    assert response["Location"] == "/publisher/login/?next=/publisher/titles/"


def test_english_visitors_are_sent_to_the_english_login(client, event):
    response = client.get("/en/publisher/")
    assert response["Location"].startswith("/en/publisher/login/")


def test_a_user_without_publisher_is_refused_with_a_reason(client, event):
    client.force_login(UserFactory(is_staff=True, username="bien-tap-vien"))
    response = client.get("/en/publisher/titles/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "bien-tap-vien" in html
    assert "does not belong to a publisher" in html
    assert reverse("publisher_logout") in html  # a way out, not a login loop


def test_portal_pages_are_never_cached(client_a):
    response = client_a.get("/publisher/")
    assert "no-store" in response["Cache-Control"]


# Home and profile


def test_home_lists_events_with_booth_status_and_stock_totals(client_a, member, event):
    StockListingFactory(exhibitor=member.exhibitor, copies=30, copies_sold=4)
    StockListingFactory(exhibitor=member.exhibitor, copies=12, copies_sold=0)
    StockListingFactory(exhibitor=member.exhibitor, copies=0)  # withdrawn: not a title on display
    response = client_a.get(reverse("publisher_home"))
    assert response.status_code == 200
    (exhibitor,) = response.context["exhibitors"]
    assert (exhibitor.titles_count, exhibitor.copies_total, exhibitor.sold_total) == (2, 42, 4)
    html = response.content.decode()
    assert event.title in html
    assert "A12" in html
    assert "Đã duyệt" in html or "Approved" in html


def test_home_shows_applications_still_waiting(client_a, member, event_index):
    from tests.factories import EventPageFactory

    other = EventPageFactory(parent=event_index, title="Hội sách Hà Nội")
    ApplicationFactory(
        publisher=member.publisher, event=other, status=ApplicationStatus.SUBMITTED, tax_code="0100109106"
    )
    response = client_a.get(reverse("publisher_home"))
    assert "Hội sách Hà Nội" in response.content.decode()


def test_profile_edit_changes_contact_details_but_not_the_tax_code(client_a, member):
    tax_code = member.publisher.tax_code
    response = client_a.post(
        reverse("publisher_profile"),
        {
            "name": "NXB Kim Đồng",
            "contact_name": "Nguyễn Văn Ưng",
            "email": "lienhe@kimdong.vn",
            "phone": "0912 345 678",
            "address": "55 Quang Trung",
            "website": "nxbkimdong.com.vn",
            "description": "Sách thiếu nhi",
            "tax_code": "0000000000",
        },
    )
    assert response.status_code == 302
    publisher = Publisher.objects.get(pk=member.publisher.pk)
    assert (publisher.name, publisher.phone, publisher.website) == (
        "NXB Kim Đồng",
        "+84912345678",
        "https://nxbkimdong.com.vn",
    )
    assert publisher.tax_code == tax_code


def test_profile_with_a_bad_phone_changes_nothing(client_a, member):
    response = client_a.post(
        reverse("publisher_profile"),
        {"name": "Khác", "contact_name": "A", "email": "a@example.vn", "phone": "12"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert Publisher.objects.get(pk=member.publisher.pk).name == "Nhà xuất bản Kim Đồng"


# Titles


def test_add_a_title_with_isbn_10_stores_isbn_13_and_a_new_category(client_a, member):
    response = client_a.post(reverse("publisher_title_create"), title_form(isbn="604-2-12345-9"))
    assert response.status_code == 302
    title = Title.objects.get()
    assert (title.isbn, title.publisher, title.list_price, title.fair_price) == (
        "9786042123457",
        member.publisher,
        85000,
        68000,
    )
    assert title.category.name == "Thiếu nhi"


def test_a_book_without_isbn_needs_a_sku(client_a):
    response = client_a.post(reverse("publisher_title_create"), title_form(isbn="", sku=""))
    assert response.status_code == 400
    assert response.context["form"].errors["isbn"]
    response = client_a.post(reverse("publisher_title_create"), title_form(isbn="", sku="KD-01"))
    assert response.status_code == 302
    assert Title.objects.get().sku == "KD-01"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"isbn": "978-604-2-12345-6"}, "isbn", "check digit"),
        ({"isbn": "978-604"}, "isbn", "ISBN"),
        ({"list_price": "-85000"}, "list_price", "negative"),
        ({"fair_price": "tám mươi"}, "fair_price", "85.000đ"),
        ({"fair_price": "90.000"}, "fair_price", "higher"),
        ({"discount_percent": "20"}, "discount_percent", "not both"),
        ({"title": ""}, "title", ""),
    ],
)
def test_bad_titles_are_refused_with_a_message_on_the_field(client_a, overrides, field, message):
    client_a.get("/en/publisher/")  # English messages, to match on
    response = client_a.post("/en/publisher/titles/new/", title_form(**overrides))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not Title.objects.exists()


def test_duplicate_isbn_for_the_same_publisher_names_the_existing_title(client_a, member):
    TitleFactory(publisher=member.publisher, isbn="9786042123457", title="Tắt đèn")
    response = client_a.post(reverse("publisher_title_create"), title_form())
    assert response.status_code == 400
    assert "Tắt đèn" in " ".join(response.context["form"].errors["isbn"])
    assert Title.objects.count() == 1


def test_edit_a_title(client_a, member):
    title = TitleFactory(publisher=member.publisher, isbn="9786042123457")
    response = client_a.get(reverse("publisher_title_edit", args=[title.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["list_price"] == "85.000"
    response = client_a.post(
        reverse("publisher_title_edit", args=[title.pk]), title_form(title="Dế Mèn (tái bản)", fair_price="")
    )
    assert response.status_code == 302
    title.refresh_from_db()
    assert (title.title, title.fair_price) == ("Dế Mèn (tái bản)", None)


def test_title_list_searches_without_accents_and_by_isbn_and_paginates(client_a, member):
    TitleFactory(publisher=member.publisher, title="Đường xưa mây trắng", isbn="9786042123457")
    for n in range(30):
        TitleFactory(publisher=member.publisher, title=f"Sách số {n}")
    TitleFactory(title="Đường của người khác")  # another publisher's

    response = client_a.get(reverse("publisher_titles"), {"q": "DUONG xua"})
    assert [t.title for t in response.context["page_obj"]] == ["Đường xưa mây trắng"]
    response = client_a.get(reverse("publisher_titles"), {"q": "604-2-12345-9"})
    assert [t.title for t in response.context["page_obj"]] == ["Đường xưa mây trắng"]
    response = client_a.get(reverse("publisher_titles"), {"page": 2})
    assert response.context["page_obj"].paginator.count == 31
    assert len(response.context["page_obj"]) == 6
    assert "85.000\u00a0₫" in client_a.get(reverse("publisher_titles")).content.decode()


# Stock


def test_stock_page_shows_listings_with_available_copies_and_prices(client_a, member, event):
    StockListingFactory(exhibitor=member.exhibitor, title__title="Tắt đèn", copies=20, copies_sold=5)
    response = client_a.get(reverse("publisher_stock", args=[event.pk]))
    assert response.status_code == 200
    (listing,) = response.context["page_obj"]
    assert listing.copies_available == 15
    assert response.context["totals"] == {"titles": 1, "copies": 20, "copies_sold": 5}
    assert "68.000\u00a0₫" in response.content.decode()


def test_add_a_title_to_the_stock_by_isbn_in_any_spelling(client_a, member, event):
    title = TitleFactory(publisher=member.publisher, isbn="9786042123457")
    url = reverse("publisher_stock_add", args=[event.pk])
    response = client_a.post(url, {"code": "604-2-12345-9", "copies": "40", "copies_sold": "0", "booth": ""})
    assert response.status_code == 302
    listing = StockListing.objects.get()
    assert (listing.title, listing.exhibitor, listing.copies) == (title, member.exhibitor, 40)


def test_another_publishers_title_cannot_be_added_to_the_stock(client_a, event):
    other = TitleFactory(isbn="9786042123457")
    url = reverse("publisher_stock_add", args=[event.pk])
    response = client_a.post(url, {"code": other.isbn, "copies": "40", "copies_sold": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert not StockListing.objects.exists()


def test_edit_the_sold_copies_during_the_fair(client_a, member, event):
    listing = StockListingFactory(exhibitor=member.exhibitor, copies=20, copies_sold=0)
    url = reverse("publisher_stock_edit", args=[event.pk, listing.pk])
    response = client_a.post(url, {"copies": "20", "copies_sold": "7", "booth": "B2"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.copies_sold, listing.booth) == (7, "B2")


def test_more_sold_than_brought_is_refused(client_a, member, event):
    listing = StockListingFactory(exhibitor=member.exhibitor, copies=20, copies_sold=3)
    url = reverse("publisher_stock_edit", args=[event.pk, listing.pk])
    response = client_a.post(url, {"copies": "20", "copies_sold": "21"})
    assert response.status_code == 400
    assert response.context["form"].errors["copies_sold"]
    listing.refresh_from_db()
    assert listing.copies_sold == 3


@pytest.mark.parametrize("copies", ["-1", "nhiều", ""])
def test_bad_copies_are_refused(client_a, member, event, copies):
    listing = StockListingFactory(exhibitor=member.exhibitor, copies=20)
    response = client_a.post(reverse("publisher_stock_edit", args=[event.pk, listing.pk]), {"copies": copies})
    assert response.status_code == 400
    listing.refresh_from_db()
    assert listing.copies == 20


def test_remove_a_listing_asks_first_then_removes(client_a, member, event):
    listing = StockListingFactory(exhibitor=member.exhibitor)
    url = reverse("publisher_stock_remove", args=[event.pk, listing.pk])
    assert client_a.get(url).status_code == 200
    assert StockListing.objects.exists()
    assert client_a.post(url).status_code == 302
    assert not StockListing.objects.exists()
    assert Title.objects.filter(pk=listing.title_id).exists()


def test_stock_of_an_event_where_the_publisher_does_not_exhibit_is_404(client_a, event_index):
    from tests.factories import EventPageFactory

    other = EventPageFactory(parent=event_index)
    assert client_a.get(reverse("publisher_stock", args=[other.pk])).status_code == 404


# Import and export


def xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "sach.xlsx"
    return out


HEADER = ["ISBN", "Tên sách", "Tác giả", "Thể loại", "Giá bìa", "Giá bán", "Số lượng"]


def test_import_preview_then_confirm(client_a, member, event):
    good, other = make_isbn(), make_isbn()
    existing = TitleFactory(publisher=member.publisher, isbn=other, title="Tắt đèn")
    upload = xlsx(
        [
            HEADER,
            [good, "Số đỏ", "Vũ Trọng Phụng", "Văn học", "85.000đ", "68000", 10],
            ["978-604-2-12345-6", "Sai số kiểm tra", "", "", "", "", 5],
            [other, "Tắt đèn", "Ngô Tất Tố", "Văn học", 90000, 70000, 4],
        ]
    )
    response = client_a.post(reverse("publisher_import", args=[event.pk]), {"file": upload})
    assert response.status_code == 302
    stock_import = StockImport.objects.get()
    assert stock_import.exhibitor == member.exhibitor
    assert response["Location"] == reverse("publisher_import_preview", args=[event.pk, stock_import.pk])
    assert not StockListing.objects.exists()  # the preview writes nothing

    response = client_a.get(response["Location"])
    assert response.status_code == 200
    refused = response.context["refused"]
    assert [row["row"] for row in refused] == [3]
    assert "12345-6" in refused[0]["reason"] or "ISBN" in refused[0]["reason"]
    html = response.content.decode()
    assert refused[0]["reason"] in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert "Số đỏ" in html

    response = client_a.post(reverse("publisher_import_preview", args=[event.pk, stock_import.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("publisher_stock", args=[event.pk])
    assert StockListing.objects.filter(exhibitor=member.exhibitor).count() == 2
    assert Title.objects.get(isbn=good).fair_price == 68000
    existing.refresh_from_db()
    assert existing.list_price == 90000
    assert StockImport.objects.get().status == ImportStatus.APPLIED

    # A second click on Confirm changes nothing and says so.
    response = client_a.post(reverse("publisher_import_preview", args=[event.pk, stock_import.pk]))
    assert response.status_code == 409
    assert response.context["error"]
    assert StockListing.objects.count() == 2


def test_a_file_that_is_not_a_spreadsheet_ends_refused_on_its_page(client_a, event):
    upload = io.BytesIO(b"%PDF-1.4 not a spreadsheet\x00\x01")
    upload.name = "sach.xlsx"
    response = client_a.post(reverse("publisher_import", args=[event.pk]), {"file": upload})
    # The worker reads the file (here at once, the immediate backend); the page says why.
    failed = StockImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("publisher_import_preview", args=[event.pk, failed.pk])
    assert not StockListing.objects.exists()
    assert failed.status == ImportStatus.FAILED and not failed.file
    response = client_a.get(response["Location"])
    html = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert ImportRefused("not_spreadsheet").message in html
    assert 'id="confirm-import"' not in html


def test_export_xlsx_and_csv_hold_the_publishers_stock(client_a, member, event):
    StockListingFactory(exhibitor=member.exhibitor, title__title="Tắt đèn", copies=20)
    StockListingFactory(exhibitor=ExhibitorFactory(event=event), title__title="Của người khác")

    response = client_a.get(reverse("publisher_stock_xlsx", args=[event.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Tắt đèn"]

    response = client_a.get(reverse("publisher_stock_csv", args=[event.pk]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "ISBN"
    assert [row[2] for row in rows[1:]] == ["Tắt đèn"]


def test_portal_pages_render_in_english(client_a, member, event):
    listing = StockListingFactory(exhibitor=member.exhibitor)
    for url in [
        "/en/publisher/",
        "/en/publisher/profile/",
        "/en/publisher/titles/",
        "/en/publisher/titles/new/",
        f"/en/publisher/titles/{listing.title_id}/",
        f"/en/publisher/events/{event.pk}/stock/",
        f"/en/publisher/events/{event.pk}/stock/add/",
        f"/en/publisher/events/{event.pk}/stock/{listing.pk}/",
        f"/en/publisher/events/{event.pk}/import/",
    ]:
        response = client_a.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode(), url


def _image(size=(64, 64), fmt="PNG", tail=b"", name="logo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (13, 92, 78)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue() + tail, content_type=f"image/{fmt.lower()}")


@pytest.mark.parametrize(
    "logo",
    [
        lambda: _image(size=(13_000, 13_000)),  # a giant canvas on the public exhibitors page
        lambda: _image(fmt="GIF", tail=b"<html><script>alert(1)</script></html>", name="logo.gif"),
        lambda: _image(fmt="BMP", name="logo.bmp"),
    ],
)
def test_the_profile_logo_is_checked_like_every_upload(client_a, member, logo):
    response = client_a.post(
        reverse("publisher_profile"),
        {
            "name": "NXB Kim Đồng",
            "contact_name": "Nguyễn Văn Ưng",
            "email": "lienhe@kimdong.vn",
            "phone": "0912 345 678",
            "address": "55 Quang Trung",
            "logo": logo(),
        },
    )
    assert response.status_code == 400 or (response.status_code == 200 and response.context["form"].errors)
    assert "logo" in response.context["form"].errors
    assert not Publisher.objects.get(pk=member.publisher.pk).logo
