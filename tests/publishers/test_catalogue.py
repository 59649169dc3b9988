"""Catalogue search: what visitors type finds the books on display, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishers.services import catalogue
from publishers.services.catalogue import CatalogueError, search, search_page, search_terms
from tests.factories import EventPageFactory
from tests.publishers.catalogue_data import book, category, exhibitor, isbn13, publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(event):
    """Two exhibitors at the event, one publisher that applied but was not approved."""
    kim_dong = exhibitor(event, publisher("NXB Kim Đồng"), "A1")
    nha_nam = exhibitor(event, publisher("Công ty Văn hóa và Truyền thông Nhã Nam"), "B7")
    literature, children = category("Văn học"), category("Thiếu nhi")
    books = {
        "de_men": book(kim_dong, "Dế Mèn phiêu lưu ký", authors="Tô Hoài", category=children, isbn=isbn13(1)),
        "doraemon": book(kim_dong, "Doraemon tập 1", authors="Fujiko F. Fujio", category=children),
        "duong": book(nha_nam, "Đường xưa mây trắng", authors="Thích Nhất Hạnh", category=literature),
        "van_hoc": book(nha_nam, "Văn học và đời sống", authors="Đặng Thị Hương", category=literature),
        "sku": book(nha_nam, "Sổ tay người đọc", isbn=""),
    }
    return {"event": event, "kim_dong": kim_dong, "nha_nam": nha_nam, **books}


def titles(listings) -> set[str]:
    return {listing.title.title for listing in listings}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # No diacritics finds diacritics; the category "Văn học" matches too.
        ("van hoc", {"Văn học và đời sống", "Đường xưa mây trắng"}),
        ("Văn học", {"Văn học và đời sống", "Đường xưa mây trắng"}),
        ("VĂN HỌC", {"Văn học và đời sống", "Đường xưa mây trắng"}),
        ("thieu nhi", {"Dế Mèn phiêu lưu ký", "Doraemon tập 1"}),  # a category's name
        ("DUONG", {"Đường xưa mây trắng"}),  # Đ is folded to D, upper case to lower
        ("đường", {"Đường xưa mây trắng"}),
        ("to hoai", {"Dế Mèn phiêu lưu ký"}),  # author
        ("hương", {"Văn học và đời sống"}),
        ("doi song van hoc", {"Văn học và đời sống"}),  # every word, any order
        ("van hoc kim dong", set()),  # every word must match
        ("  phiêu   LƯU  ", {"Dế Mèn phiêu lưu ký"}),
        ("xyz-khong-co", set()),
    ],
)
def test_search_is_case_and_diacritic_insensitive(fair, query, expected):
    assert titles(search(fair["event"], q=query)) == expected


def test_publisher_name_matches_with_or_without_accents(fair):
    assert titles(search(fair["event"], q="kim đồng")) == {"Dế Mèn phiêu lưu ký", "Doraemon tập 1"}
    assert titles(search(fair["event"], q="NHA NAM")) == {
        "Đường xưa mây trắng",
        "Văn học và đời sống",
        "Sổ tay người đọc",
    }
    # A word of the publisher and a word of the title together narrow the search.
    assert titles(search(fair["event"], q="kim dong doraemon")) == {"Doraemon tập 1"}


@pytest.mark.parametrize(
    "typed",
    [isbn13(1), "978-604-000001-" + isbn13(1)[-1], f" {isbn13(1)[:3]} {isbn13(1)[3:]} "],
)
def test_isbn_any_spelling(fair, typed):
    assert titles(search(fair["event"], q=typed)) == {"Dế Mèn phiêu lưu ký"}


def test_isbn10_finds_the_isbn13():
    from stdnum import isbn

    assert search_terms(isbn.to_isbn10(isbn13(1))) == [isbn13(1)]
    assert search_terms("978-604-2-12345") == ["978604212345"]  # a part of an ISBN: one term


def test_isbn10_search(fair):
    from stdnum import isbn

    typed = isbn.format(isbn.to_isbn10(isbn13(1)))  # "604-..." with hyphens
    assert titles(search(fair["event"], q=typed)) == {"Dế Mèn phiêu lưu ký"}


def test_partial_isbn_and_sku(fair):
    assert titles(search(fair["event"], q=isbn13(1)[:9])) >= {"Dế Mèn phiêu lưu ký"}
    sku = fair["sku"].title.sku
    assert titles(search(fair["event"], q=sku)) == {"Sổ tay người đọc"}


def test_filters_by_category_and_publisher(fair):
    event = fair["event"]
    assert titles(search(event, category="thieu-nhi")) == {"Dế Mèn phiêu lưu ký", "Doraemon tập 1"}
    assert titles(search(event, publisher=fair["nha_nam"].publisher.slug, category="van-hoc")) == {
        "Đường xưa mây trắng",
        "Văn học và đời sống",
    }
    assert titles(search(event, q="doraemon", publisher=fair["nha_nam"].publisher.slug)) == set()
    assert titles(search(event, category="khong-co")) == set()


def test_only_approved_exhibitors_of_this_event_with_copies(fair):
    event = fair["event"]
    other_event = EventPageFactory(parent=event.get_parent())
    # The same publisher at another event, and a publisher with titles but no Exhibitor row.
    book(exhibitor(other_event, fair["kim_dong"].publisher), "Truyện ở hội sách khác")
    unapproved = publisher("NXB Chưa Duyệt")
    from publishers.models import Title

    Title.objects.create(publisher=unapproved, title="Sách chưa được duyệt", isbn=isbn13(999))
    book(fair["kim_dong"], "Hết sách trên kệ", copies=0)
    book(fair["kim_dong"], "Bán hết rồi", copies=5, sold=5)

    found = titles(search(event))
    assert "Truyện ở hội sách khác" not in found
    assert "Sách chưa được duyệt" not in found
    assert "Hết sách trên kệ" not in found  # no copy on display: not in the catalogue
    assert "Bán hết rồi" in found  # on display, all sold: shown with 0 available
    assert titles(search(other_event)) == {"Truyện ở hội sách khác"}
    sold_out = search(event, q="ban het roi").get()
    assert sold_out.copies_available == 0


def test_order_is_stable_and_pages_do_not_overlap(fair):
    for n in range(30):
        book(fair["kim_dong"], f"Truyện cổ tích số {n % 7}")  # equal titles: the id breaks the tie
    first = search_page(fair["event"], q="truyen co tich", per_page=12)
    pages = [search_page(fair["event"], q="truyen co tich", page=n, per_page=12) for n in (1, 2, 3)]
    ids = [listing.pk for result in pages for listing in result.page.object_list]
    assert first.count == 30 and first.pages == 3
    assert len(ids) == len(set(ids)) == 30
    folded = [listing.title.search_text for result in pages for listing in result.page.object_list]
    assert folded == sorted(folded)


@pytest.mark.parametrize("page", [0, 4, "abc", None])
def test_a_page_out_of_range_is_refused(fair, page):
    for n in range(30):
        book(fair["kim_dong"], f"Truyện {n}")
    with pytest.raises(CatalogueError) as error:
        search_page(fair["event"], q="truyen", page=page, per_page=12)
    assert error.value.code == "page_invalid"
    # Links followed from an old page land on the nearest page instead.
    assert search_page(fair["event"], q="truyen", page=page, per_page=12, lenient=True).page.number in (1, 3)


def test_no_results_is_one_empty_page(fair):
    result = search_page(fair["event"], q="khong co cuon nao")
    assert (result.count, result.pages, list(result.page.object_list)) == (0, 1, [])


def test_a_page_costs_a_fixed_number_of_queries(fair):
    for n in range(40):
        book(fair["nha_nam"], f"Tuyển tập {n}")
    with CaptureQueriesContext(connection) as queries:
        result = search_page(fair["event"], q="tuyen tap nha nam")
        [listing.title.category for listing in result.page.object_list]
        [listing.exhibitor.publisher.name for listing in result.page.object_list]
    # Exhibitors, categories, the page's ids with the number of matches (one pass), its rows.
    assert len(queries) == 4
    with CaptureQueriesContext(connection) as queries:
        search_page(fair["event"], category="van-hoc")
    assert len(queries) == 4  # browsing: exhibitors, count (from an index), the page's ids, its rows


def test_search_terms_ignore_punctuation_and_repeats():
    assert search_terms("Dế Mèn: phiêu-lưu ký, dế mèn!") == ["de", "men", "phieu", "luu", "ky"]
    assert search_terms("") == []
    assert len(search_terms(" ".join(f"tu{n}" for n in range(50)))) == catalogue.MAX_TERMS


def test_directory_counts_titles_on_display(fair):
    book(fair["kim_dong"], "Chưa bày lên kệ", copies=0)
    counts = {row.publisher.name: row.titles_on_display for row in catalogue.exhibitors(fair["event"])}
    assert counts == {"NXB Kim Đồng": 2, "Công ty Văn hóa và Truyền thông Nhã Nam": 3}
    assert [c.slug for c in catalogue.categories(fair["event"])] == ["thieu-nhi", "van-hoc"]
