"""The portal's write services: titles, stock listings and the publisher profile."""

import pytest

from publishers.models import Category, StockListing, Title
from publishers.services.titles import TitleError, remove_listing, save_title, set_stock, update_profile
from tests.publishers.portal_factories import (
    CategoryFactory,
    ExhibitorFactory,
    PublisherFactory,
    StockListingFactory,
    TitleFactory,
)

pytestmark = pytest.mark.django_db


def title_data(**overrides):
    data = {
        "isbn": "978-604-2-12345-7",
        "sku": "",
        "title": "Dế Mèn phiêu lưu ký",
        "authors": "Tô Hoài",
        "imprint": "Kim Đồng",
        "year": 2020,
        "language": "vi",
        "list_price": 85000,
        "fair_price": 68000,
        "discount_percent": None,
        "description": "",
    }
    data.update(overrides)
    return data


def test_save_title_stores_isbn_13_without_hyphens():
    publisher = PublisherFactory()
    title = save_title(publisher=publisher, data=title_data())
    title.refresh_from_db()
    assert title.isbn == "9786042123457"
    assert title.publisher == publisher
    assert "de men" in title.search_text


def test_isbn_10_is_normalised_to_isbn_13():
    title = save_title(publisher=PublisherFactory(), data=title_data(isbn="604-2-12345-9"))
    assert title.isbn == "9786042123457"


def test_sku_without_isbn_is_accepted():
    title = save_title(publisher=PublisherFactory(), data=title_data(isbn="", sku="KD-0042"))
    assert (title.isbn, title.sku) == ("", "KD-0042")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"isbn": "978-604-2-12345-6"}, "isbn_checksum", "isbn"),
        ({"isbn": "12345"}, "isbn_invalid", "isbn"),
        ({"isbn": "", "sku": ""}, "isbn_or_sku_required", "isbn"),
        ({"title": "   "}, "title_required", "title"),
        ({"year": 1500}, "year_invalid", "year"),
        ({"list_price": -1}, "price_negative", "list_price"),
        ({"fair_price": -5}, "price_negative", "fair_price"),
        ({"fair_price": None, "discount_percent": 120}, "discount_invalid", "discount_percent"),
        ({"discount_percent": 20}, "price_and_discount", "discount_percent"),
        ({"fair_price": 90000}, "fair_above_list", "fair_price"),
        ({"language": "xx"}, "language_invalid", "language"),
        ({"title": "x" * 301}, "too_long", "title"),
    ],
)
def test_bad_title_data_is_refused_and_nothing_is_saved(overrides, code, field):
    publisher = PublisherFactory()
    with pytest.raises(TitleError) as refused:
        save_title(publisher=publisher, data=title_data(**overrides))
    assert refused.value.code == code
    assert refused.value.field == field
    assert refused.value.message
    assert not Title.objects.exists()


def test_the_same_isbn_twice_for_one_publisher_is_refused_with_the_existing_title():
    publisher = PublisherFactory()
    save_title(publisher=publisher, data=title_data(title="Tắt đèn"))
    with pytest.raises(TitleError) as refused:
        save_title(publisher=publisher, data=title_data(isbn="6042123459", title="Khác"))
    assert refused.value.code == "duplicate_isbn"
    assert "Tắt đèn" in refused.value.message
    assert Title.objects.count() == 1


def test_two_publishers_may_list_the_same_isbn():
    save_title(publisher=PublisherFactory(), data=title_data())
    save_title(publisher=PublisherFactory(), data=title_data())
    assert Title.objects.count() == 2


def test_duplicate_sku_is_refused():
    publisher = PublisherFactory()
    save_title(publisher=publisher, data=title_data(isbn="", sku="A1"))
    with pytest.raises(TitleError) as refused:
        save_title(publisher=publisher, data=title_data(isbn="", sku="A1"))
    assert refused.value.code == "duplicate_sku"


def test_editing_keeps_its_own_isbn_and_changes_fields():
    publisher = PublisherFactory()
    title = save_title(publisher=publisher, data=title_data())
    save_title(publisher=publisher, title=title, data=title_data(title="Dế Mèn (tái bản)", fair_price=60000))
    title.refresh_from_db()
    assert (title.title, title.fair_price) == ("Dế Mèn (tái bản)", 60000)


def test_another_publishers_title_cannot_be_edited():
    title = TitleFactory(title="Của B")
    with pytest.raises(TitleError) as refused:
        save_title(publisher=PublisherFactory(), title=title, data=title_data(title="Đã đổi"))
    assert refused.value.code == "not_found"
    title.refresh_from_db()
    assert title.title == "Của B"


def test_a_new_category_name_is_created_once_and_matched_without_accents():
    publisher = PublisherFactory()
    first = save_title(publisher=publisher, data=title_data(new_category="Văn học thiếu nhi"))
    second = save_title(
        publisher=publisher, data=title_data(isbn="", sku="X", new_category="van hoc THIEU NHI")
    )
    assert first.category == second.category
    assert Category.objects.get().name == "Văn học thiếu nhi"


def test_an_existing_category_is_kept():
    category = CategoryFactory()
    title = save_title(publisher=PublisherFactory(), data=title_data(category=category))
    assert title.category == category


def test_discount_gives_the_fair_price():
    title = save_title(publisher=PublisherFactory(), data=title_data(fair_price=None, discount_percent=20))
    assert title.effective_fair_price() == 68000


# Stock


def test_set_stock_creates_then_updates_one_listing(event):
    exhibitor = ExhibitorFactory(event=event)
    title = TitleFactory(publisher=exhibitor.publisher)
    set_stock(exhibitor=exhibitor, title=title, copies=30, copies_sold=0, booth="")
    listing = set_stock(exhibitor=exhibitor, title=title, copies=30, copies_sold=12, booth=" B 3 ")
    assert StockListing.objects.count() == 1
    listing.refresh_from_db()
    assert (listing.copies, listing.copies_sold, listing.booth) == (30, 12, "B 3")


def test_sold_may_not_exceed_copies(event):
    listing = StockListingFactory(exhibitor=ExhibitorFactory(event=event), copies=10, copies_sold=2)
    with pytest.raises(TitleError) as refused:
        set_stock(exhibitor=listing.exhibitor, title=listing.title, copies=10, copies_sold=11)
    assert refused.value.code == "sold_exceeds_copies"
    assert refused.value.field == "copies_sold"
    assert "11" in refused.value.message
    listing.refresh_from_db()
    assert (listing.copies, listing.copies_sold) == (10, 2)


@pytest.mark.parametrize("copies", [-1, "nhiều", None, 1_000_001])
def test_bad_copies_are_refused(event, copies):
    exhibitor = ExhibitorFactory(event=event)
    with pytest.raises(TitleError) as refused:
        set_stock(exhibitor=exhibitor, title=TitleFactory(publisher=exhibitor.publisher), copies=copies)
    assert refused.value.code == "copies_invalid"
    assert not StockListing.objects.exists()


def test_another_publishers_title_cannot_be_stocked(event):
    exhibitor = ExhibitorFactory(event=event)
    with pytest.raises(TitleError) as refused:
        set_stock(exhibitor=exhibitor, title=TitleFactory(), copies=5)
    assert refused.value.code == "not_found"
    assert not StockListing.objects.exists()


def test_remove_deletes_a_listing_without_sales(event):
    listing = StockListingFactory(exhibitor=ExhibitorFactory(event=event), copies_sold=0)
    assert remove_listing(listing=listing) is True
    assert not StockListing.objects.exists()
    assert remove_listing(listing=listing) is True  # a second click changes nothing


def test_remove_keeps_a_listing_with_sales_and_leaves_nothing_available(event):
    listing = StockListingFactory(exhibitor=ExhibitorFactory(event=event), copies=20, copies_sold=7)
    assert remove_listing(listing=listing) is False
    listing = StockListing.objects.with_available().get()
    assert (listing.copies, listing.copies_sold, listing.copies_available) == (7, 7, 0)


# Profile


def profile_data(**overrides):
    data = {
        "name": "Nhà xuất bản Kim Đồng",
        "contact_name": "Nguyễn Văn Ưng",
        "email": "lienhe@kimdong.vn",
        "phone": "024 3943 4730",
        "address": "55 Quang Trung, Hà Nội",
        "website": "https://nxbkimdong.com.vn",
        "description": "Sách thiếu nhi.",
    }
    data.update(overrides)
    return data


def test_update_profile_normalises_the_phone_and_keeps_tax_code_and_slug():
    publisher = PublisherFactory()
    slug, tax = publisher.slug, publisher.tax_code
    update_profile(publisher=publisher, data=profile_data(tax_code="0000000000", slug="khac"))
    publisher.refresh_from_db()
    assert publisher.name == "Nhà xuất bản Kim Đồng"
    assert publisher.phone == "+842439434730"
    assert (publisher.slug, publisher.tax_code) == (slug, tax)


@pytest.mark.parametrize(
    ("overrides", "code"), [({"name": " "}, "name_required"), ({"phone": "12"}, "phone_invalid")]
)
def test_bad_profile_changes_nothing(overrides, code):
    publisher = PublisherFactory(name="Cũ")
    with pytest.raises(TitleError) as refused:
        update_profile(publisher=publisher, data=profile_data(**overrides))
    assert refused.value.code == code
    publisher.refresh_from_db()
    assert publisher.name == "Cũ"
