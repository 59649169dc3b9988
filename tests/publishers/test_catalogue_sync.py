"""The catalogue's copies on each listing (event, words, category) follow every writer.

Catalogue search reads only the listing table: database triggers (migration publishers/0004)
copy the title's words and category and the exhibitor's event onto each listing. These tests
change titles, listings and exhibitors the ways the project does (services, spreadsheet import
with COPY / UPDATE ... FROM VALUES on PostgreSQL, bulk_create, bulk_update, the admin's save)
and check that the catalogue finds what a visitor expects, on SQLite and PostgreSQL alike.
"""

import io

import pytest

from publishers.models import Category, StockListing, Title
from publishers.services import catalogue
from publishers.services.importing import apply_import, stage_import
from publishers.services.titles import save_title, set_stock
from tests.factories import EventPageFactory
from tests.publishers.catalogue_data import book, category, exhibitor, isbn13, publisher
from tests.publishers.import_helpers import book as sheet_row
from tests.publishers.import_helpers import isbn as sheet_isbn
from tests.publishers.import_helpers import xlsx

pytestmark = pytest.mark.django_db


def found(event, **query) -> set[str]:
    return {listing.title.title for listing in catalogue.search(event, **query)}


def copies_match_their_sources():
    for listing in StockListing.objects.select_related("title", "exhibitor"):
        assert listing.event_id == listing.exhibitor.event_id
        assert listing.search_text == listing.title.search_text
        assert listing.category_id == listing.title.category_id


@pytest.fixture
def stand(event):
    return exhibitor(event, publisher("NXB Kim Đồng"), "A1")


def test_title_saved_by_the_service_is_found_by_its_new_words(stand):
    listing = book(stand, "Dế Mèn phiêu lưu ký", category=category("Thiếu nhi"))
    title = listing.title
    save_title(
        publisher=stand.publisher,
        title=title,
        data={"title": "Đất rừng phương Nam", "authors": "Đoàn Giỏi", "isbn": title.isbn, "category": None},
    )
    assert found(stand.event, q="dat rung") == {"Đất rừng phương Nam"}
    assert found(stand.event, q="de men") == set()
    assert found(stand.event, category="thieu-nhi") == set()
    copies_match_their_sources()


def test_set_stock_creates_a_listing_that_is_found(stand):
    title = Title.objects.create(publisher=stand.publisher, title="Tắt đèn", isbn=isbn13(70))
    assert found(stand.event, q="tat den") == set()
    set_stock(exhibitor=stand, title=title, copies=5)
    assert found(stand.event, q="tat den") == {"Tắt đèn"}
    set_stock(exhibitor=stand, title=title, copies=0)
    assert found(stand.event, q="tat den") == set()
    copies_match_their_sources()


def test_admin_style_save_and_queryset_update_of_a_title(stand):
    listing = book(stand, "Số đỏ", authors="Vũ Trọng Phụng")
    title = listing.title
    title.title = "Giông tố"
    title.save()  # what the admin's edit form does
    assert found(stand.event, q="giong to") == {"Giông tố"}
    literature = category("Văn học")
    Title.objects.filter(pk=title.pk).update(category=literature)
    assert found(stand.event, category="van-hoc") == {"Giông tố"}
    literature.delete()  # the title's category is set to null: the listing's too
    assert found(stand.event, category="van-hoc") == set()
    copies_match_their_sources()


def test_a_stale_listing_saved_keeps_the_titles_words(stand):
    listing = book(stand, "Lão Hạc")
    stale = StockListing.objects.get(pk=listing.pk)  # read before the title changes
    title = listing.title
    title.title = "Chí Phèo"
    title.save()
    stale.copies = 7
    stale.save()  # writes every column, the old words included: the trigger puts them right
    assert found(stand.event, q="chi pheo") == {"Chí Phèo"}
    assert found(stand.event, q="lao hac") == set()
    copies_match_their_sources()


def test_bulk_created_and_bulk_updated_titles_and_listings(stand):
    titles = Title.objects.bulk_create(
        [Title(publisher=stand.publisher, title=f"Truyện Kiều {n}", isbn=isbn13(80 + n)) for n in range(3)]
    )
    for title in titles:
        title.search_text = title.build_search_text()
    Title.objects.bulk_update(titles, ["search_text"])
    StockListing.objects.bulk_create([StockListing(exhibitor=stand, title=t, copies=3) for t in titles])
    assert len(found(stand.event, q="truyen kieu")) == 3
    for title in titles:
        title.title = title.title.replace("Kiều", "Lục Vân Tiên")
        title.search_text = title.build_search_text()
    Title.objects.bulk_update(titles, ["title", "search_text"])
    assert found(stand.event, q="truyen kieu") == set()
    assert len(found(stand.event, q="luc van tien")) == 3
    copies_match_their_sources()


def test_spreadsheet_import_and_reimport(stand):
    def apply(rows):
        staged = stage_import(exhibitor=stand, upload=io.BytesIO(xlsx(rows)), filename="kho.xlsx")
        return apply_import(stock_import=staged)

    apply([sheet_row(1), sheet_row(2, **{"Thể loại": "Thiếu nhi"})])
    assert found(stand.event, q="duong ve nha") == {"Đường về nhà tập 1", "Đường về nhà tập 2"}
    assert found(stand.event, category="thieu-nhi") == {"Đường về nhà tập 2"}
    # The same books again, one renamed and moved to another shelf: updated in bulk.
    apply([sheet_row(1, **{"Tên sách": "Mắt biếc", "Thể loại": "Thiếu nhi"}), sheet_row(2)])
    assert found(stand.event, q="mat biec") == {"Mắt biếc"}
    assert found(stand.event, q="duong ve nha") == {"Đường về nhà tập 2"}
    assert found(stand.event, category="thieu-nhi") == {"Mắt biếc"}
    assert found(stand.event, q=sheet_isbn(1)) == {"Mắt biếc"}
    copies_match_their_sources()


def test_listings_follow_an_exhibitor_moved_to_another_event(stand):
    book(stand, "Nhật ký trong tù")
    other = EventPageFactory(parent=stand.event.get_parent())
    stand.event = other
    stand.save()
    assert found(other, q="nhat ky") == {"Nhật ký trong tù"}
    copies_match_their_sources()


def test_a_word_in_many_publishers_names_still_matches_by_name(event, monkeypatch):
    # Above NAME_MATCHES_IN_INDEX exhibitors a name word is matched outside the index query.
    stands = [exhibitor(event, publisher(f"Nhà sách Phương Nam {n}")) for n in range(3)]
    for n, stand in enumerate(stands):
        book(stand, f"Sổ tay {n}")
    other = exhibitor(event, publisher("NXB Trẻ"))
    book(other, "Phương pháp học")
    expected = {"Sổ tay 0", "Sổ tay 1", "Sổ tay 2", "Phương pháp học"}
    assert found(event, q="phuong") == expected
    monkeypatch.setattr(catalogue, "NAME_MATCHES_IN_INDEX", 1)
    assert found(event, q="phuong") == expected
    assert found(event, q="phuong so tay") == {"Sổ tay 0", "Sổ tay 1", "Sổ tay 2"}


def test_words_match_at_their_start(stand):
    book(stand, "Thương nhớ mười hai", authors="Vũ Bằng")
    book(stand, "Hương rừng Cà Mau", authors="Sơn Nam")
    assert found(stand.event, q="huong") == {"Hương rừng Cà Mau"}  # not inside "thuong"
    assert found(stand.event, q="thu") == {"Thương nhớ mười hai"}  # a word being typed
    assert found(stand.event, q="muoi ha") == {"Thương nhớ mười hai"}
    assert Category.objects.count() == 0
