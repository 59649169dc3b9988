"""The public catalogue page /events/<id>/catalogue/: a search box, filters, the booth to go to."""

import pytest
from django.urls import reverse

from publishers.validators import format_isbn
from tests.factories import EventPageFactory
from tests.publishers.catalogue_data import book, category, exhibitor, isbn13, publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand(event):
    return exhibitor(event, publisher("NXB Kim Đồng"), "A12")


def test_a_search_shows_the_book_with_its_booth_and_prices(client, event, stand):
    book(
        stand,
        "Dế Mèn phiêu lưu ký",
        authors="Tô Hoài",
        isbn=isbn13(5),
        copies=40,
        sold=3,
        category=category("Thiếu nhi"),
    )
    book(stand, "Doraemon", authors="Fujiko F. Fujio")

    response = client.get(reverse("event_catalogue", args=[event.pk]), {"q": "de men"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dế Mèn phiêu lưu ký" in html and "Doraemon" not in html
    assert "Tô Hoài" in html and "NXB Kim Đồng" in html and "Thiếu nhi" in html
    assert '<span class="booth__number">A12</span>' in html
    assert "85.000\u00a0₫" in html and "100.000\u00a0₫" in html  # fair price, list price struck out
    assert f"ISBN {format_isbn(isbn13(5))}" in html  # hyphenated as on the back cover
    english = client.get(
        "/en" + reverse("event_catalogue", args=[event.pk]), {"q": "DE MEN"}
    ).content.decode()
    assert "37 copies left" in english and "1 book found" in english
    assert 'value="de men"' in html  # the box keeps what was typed
    assert "<title>" in html and event.title in html


def test_english_page_and_empty_states(client, event, stand):
    page = reverse("event_catalogue", args=[event.pk])
    html = client.get(page).content.decode()
    assert "event_exhibitors" not in html and reverse("event_exhibitors", args=[event.pk]) in html

    book(stand, "Mắt biếc")
    with_query = client.get(page, {"q": "khong co sach nay"})
    assert with_query.status_code == 200
    assert reverse("event_catalogue", args=[event.pk]) + '"' in with_query.content.decode()  # clear link

    english = client.get("/en" + page, {"q": "mat biec"})
    assert english.status_code == 200 and "Mắt biếc" in english.content.decode()


def test_filters_list_only_what_is_on_display_and_pagination_keeps_the_search(client, event, stand):
    children = category("Thiếu nhi")
    category("Giáo khoa")  # no book on display: not offered as a filter
    for n in range(30):
        book(stand, f"Truyện tranh {n:02d}", category=children)
    html = client.get(
        reverse("event_catalogue", args=[event.pk]), {"q": "truyen tranh", "category": "thieu-nhi"}
    ).content.decode()
    assert '<option value="thieu-nhi" selected>Thiếu nhi</option>' in html
    assert "giao-khoa" not in html
    assert "?q=truyen+tranh&amp;category=thieu-nhi&amp;page=2" in html
    assert html.count('class="book"') == 24


def test_a_stale_page_number_shows_the_nearest_page(client, event, stand):
    book(stand, "Mắt biếc")
    response = client.get(reverse("event_catalogue", args=[event.pk]), {"page": "99"})
    assert response.status_code == 200 and "Mắt biếc" in response.content.decode()


def test_unpublished_or_unknown_events_are_404(client, event):
    draft = EventPageFactory(parent=event.get_parent(), live=False)
    for pk in (draft.pk, 999_999):
        assert client.get(reverse("event_catalogue", args=[pk])).status_code == 404
        assert client.get(reverse("event_exhibitors", args=[pk])).status_code == 404


def test_event_page_links_to_the_catalogue_and_the_exhibitors(client, event):
    html = client.get(event.url).content.decode()
    assert reverse("event_catalogue", args=[event.pk]) in html
    assert reverse("event_exhibitors", args=[event.pk]) in html
