"""GET /api/v1/events/{id}/catalogue/: the contract apps and partners rely on."""

import pytest

from publishers.models import Title
from tests.factories import EventPageFactory
from tests.publishers.catalogue_data import book, category, exhibitor, isbn13, publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand(event):
    return exhibitor(event, publisher("NXB Trẻ"), "C3")


def url(event_id) -> str:
    return f"/api/v1/events/{event_id}/catalogue/"


def test_search_answers_the_documented_shape(client, event, stand):
    book(
        stand,
        "Cho tôi xin một vé đi tuổi thơ",
        authors="Nguyễn Nhật Ánh",
        isbn=isbn13(42),
        copies=120,
        sold=20,
        category=category("Văn học"),
        list_price=100_000,
        fair_price=None,
        booth="C3-bis",
    )
    Title.objects.filter(isbn=isbn13(42)).update(discount_percent=15)

    response = client.get(url(event.pk), {"q": "nguyen nhat anh"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.json() == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "isbn": isbn13(42),
                "title": "Cho tôi xin một vé đi tuổi thơ",
                "authors": "Nguyễn Nhật Ánh",
                "publisher": "NXB Trẻ",
                "category": "Văn học",
                "booth": "C3-bis",
                "fair_price": 85_000,  # the list price less the fair discount
                "list_price": 100_000,
                "copies_available": 100,
                "matched": {"field": "authors", "label": "tác giả", "value": "Nguyễn Nhật Ánh"},
            }
        ],
    }


def test_the_booth_defaults_to_the_exhibitors_and_a_book_without_isbn_has_null(client, event, stand):
    book(stand, "Sổ tay", isbn="")
    item = client.get(url(event.pk)).json()["results"][0]
    assert (item["booth"], item["isbn"]) == ("C3", None)


def test_filters_and_isbn_with_hyphens(client, event, stand):
    other = exhibitor(event, publisher("Nhã Nam"), "D1")
    book(stand, "Mắt biếc", isbn=isbn13(7), category=category("Văn học"))
    book(other, "Nhà giả kim", category=category("Văn học"))
    book(other, "Tô màu", category=category("Thiếu nhi"))

    def found(**params):
        return [item["title"] for item in client.get(url(event.pk), params).json()["results"]]

    hyphenated = f"{isbn13(7)[:3]}-{isbn13(7)[3:6]}-{isbn13(7)[6:12]}-{isbn13(7)[12]}"
    assert found(q=hyphenated) == ["Mắt biếc"]
    assert found(category="van-hoc") == ["Mắt biếc", "Nhà giả kim"]
    assert found(category="van-hoc", publisher="nha-nam") == ["Nhà giả kim"]
    assert found(q="MAT BIEC", publisher="nha-nam") == []


def test_pages_link_to_each_other_keeping_the_search(client, event, stand):
    for n in range(30):
        book(stand, f"Truyện ngắn {n:02d}")
    first = client.get(url(event.pk), {"q": "truyen ngan"}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (30, 2, 24)
    assert first["next"] == f"http://testserver{url(event.pk)}?q=truyen+ngan&page=2"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 6 and second["next"] is None
    assert second["previous"].endswith("?q=truyen+ngan&page=1")
    assert {i["title"] for i in first["results"]}.isdisjoint({i["title"] for i in second["results"]})


@pytest.mark.parametrize("page", ["0", "3", "abc"])
def test_a_bad_page_is_422_with_the_project_error_format(client, event, stand, page):
    for n in range(30):
        book(stand, f"Truyện {n}")
    response = client.get(url(event.pk), {"page": page}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == ["page"]
    assert body["message"]


def test_unknown_or_unpublished_event_is_a_json_404(client, event, stand):
    draft = EventPageFactory(parent=event.get_parent(), live=False)
    exhibitor(draft, publisher("NXB Nháp"))
    for event_id in (draft.pk, 999_999):
        response = client.get(url(event_id))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_a_query_too_long_is_refused(client, event):
    response = client.get(url(event.pk), {"q": "a" * 201})
    assert response.status_code == 422 and "q" in response.json()["errors"]


def test_documented_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/events/{event_id}/catalogue/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"event_id", "q", "category", "publisher", "page"}
    assert {"200", "404", "422"} <= set(operation["responses"])
    item = schema["components"]["schemas"]["CatalogueItem"]["properties"]
    assert {
        "isbn",
        "title",
        "authors",
        "publisher",
        "booth",
        "fair_price",
        "list_price",
        "copies_available",
        "matched",
    } <= set(item)
