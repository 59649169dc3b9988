"""A search ranks books by where the words were found (title, authors, category, imprint and
publisher) and tells which field matched; the exhibitors page can be searched and filtered."""

import pytest
from django.urls import reverse

from publishers.enums import OrganisationType
from publishers.models import Title
from publishers.services import catalogue
from tests.publishers.catalogue_data import book, category, exhibitor, publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(event):
    """Six books that "van hoc" finds, each by another field, created in the wrong order."""
    nxb = exhibitor(event, publisher("NXB Văn Học"), "C1")
    kim_dong = exhibitor(event, publisher("NXB Kim Đồng"), "A1")
    literature = category("Văn học")
    book(kim_dong, "Bí quyết tự học", authors="Phạm Văn Long")  # "hoc" in the title, "van" an author
    book(nxb, "Anh em nhà Karamazov")  # only the publisher's name
    imprint = book(kim_dong, "Bỉ vỏ")
    Title.objects.filter(pk=imprint.title_id).update(imprint="NXB Văn học")
    Title.objects.get(pk=imprint.title_id).save()  # the search words follow the imprint
    book(kim_dong, "Chí Phèo", category=literature)  # the category
    book(kim_dong, "Cánh đồng bất tận", authors="Văn Học Trần")  # the authors
    book(kim_dong, "Văn học miền Nam", category=literature)  # the title
    return event


def test_title_then_authors_then_category_then_imprint_and_publisher(fair):
    found = catalogue.search_page(fair, q="van hoc").page.object_list
    assert [(item.title.title, item.matched.field) for item in found] == [
        ("Văn học miền Nam", "title"),
        ("Cánh đồng bất tận", "authors"),
        ("Chí Phèo", "category"),
        ("Anh em nhà Karamazov", "publisher"),  # imprint and publisher rank alike: by title
        ("Bỉ vỏ", "imprint"),
        ("Bí quyết tự học", "authors"),  # the words apart, in two fields: last
    ]
    assert found[4].matched.value == "NXB Văn học"


def test_the_field_shown_is_the_one_that_explains_the_match(fair):
    (item,) = catalogue.search_page(fair, q="kim dong chi pheo").page.object_list
    assert (item.matched.field, item.matched.value) == ("publisher", "NXB Kim Đồng")
    (item,) = catalogue.search_page(fair, q="chi pheo").page.object_list
    assert item.matched.field == "title"
    browse = catalogue.search_page(fair).page.object_list
    assert all(item.matched is None for item in browse)


def test_the_page_says_where_the_words_were_found(client, fair):
    html = client.get(reverse("event_catalogue", args=[fair.pk]), {"q": "van hoc"}).content.decode()
    assert "Tìm thấy ở nhà xuất bản: <mark>NXB Văn học</mark>" in html
    assert "Tìm thấy ở tác giả: <mark>Văn Học Trần</mark>" in html
    assert html.index("Văn học miền Nam") < html.index("Cánh đồng bất tận") < html.index("Bỉ vỏ")
    assert html.index("Bỉ vỏ") < html.index("Bí quyết tự học")


def test_the_api_gives_the_matched_field(client, fair):
    results = client.get(f"/api/v1/events/{fair.pk}/catalogue/", {"q": "van hoc"}).json()["results"]
    assert [item["matched"]["field"] for item in results] == [
        "title",
        "authors",
        "category",
        "publisher",
        "imprint",
        "authors",
    ]
    assert results[4]["matched"]["value"] == "NXB Văn học"
    browse = client.get(f"/api/v1/events/{fair.pk}/catalogue/").json()["results"]
    assert {item["matched"] for item in browse} == {None}


def test_the_matched_field_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "matched" in schema["CatalogueItem"]["properties"]
    assert set(schema["MatchedOut"]["properties"]) == {"field", "label", "value"}


# --- the exhibitors page ------------------------------------------------------------------------


EVERYONE = ["NXB Kim Đồng", "Thư viện tỉnh Bắc Ninh", "Công ty Đinh Tị", "Nhà sách Fahasa"]


@pytest.fixture
def stands(event):
    exhibitor(event, publisher("NXB Kim Đồng"), "A2")
    exhibitor(event, publisher("Nhà sách Fahasa", kind=OrganisationType.BOOKSHOP), "B10")
    exhibitor(event, publisher("Công ty Đinh Tị", kind=OrganisationType.DISTRIBUTOR), "B2")
    exhibitor(event, publisher("Thư viện tỉnh Bắc Ninh", kind=OrganisationType.LIBRARY), "A10")
    return event


def names(response) -> list[str]:
    return [stand.publisher.name for stand in response.context["exhibitors"]]


def test_exhibitors_are_listed_by_booth_naturally(client, stands):
    response = client.get(reverse("event_exhibitors", args=[stands.pk]))
    assert names(response) == EVERYONE


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "kim dong"}, ["NXB Kim Đồng"]),  # without accents
        ({"q": "ĐINH"}, ["Công ty Đinh Tị"]),
        ({"kind": "bookshop"}, ["Nhà sách Fahasa"]),
        ({"kind": "library"}, ["Thư viện tỉnh Bắc Ninh"]),
        ({"zone": "b"}, ["Công ty Đinh Tị", "Nhà sách Fahasa"]),
        ({"zone": "B", "kind": "distributor"}, ["Công ty Đinh Tị"]),
        ({"kind": "not-a-kind"}, EVERYONE),  # an unknown kind filters nothing
    ],
)
def test_exhibitors_can_be_searched_and_filtered(client, stands, query, expected):
    response = client.get(reverse("event_exhibitors", args=[stands.pk]), query)
    assert names(response) == expected


def test_the_exhibitors_page_shows_the_filters_and_an_empty_result(client, stands):
    url = reverse("event_exhibitors", args=[stands.pk])
    html = client.get(url).content.decode()
    assert 'name="q"' in html and '<option value="bookshop">Nhà sách</option>' in html
    assert '<option value="A">Khu A</option>' in html and '<option value="B">Khu B</option>' in html
    assert "4 nhà xuất bản" in html
    html = client.get(url, {"q": "khong ai"}).content.decode()
    assert "Không có đơn vị triển lãm nào khớp" in html and "4 nhà xuất bản" in html
