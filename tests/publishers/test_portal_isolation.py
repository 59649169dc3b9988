"""Publisher A, logged in, guesses publisher B's ids on every portal URL: 404, and B's data stays.

Both publishers exhibit at ``shared`` (so A's own exhibitor there is valid and only B's objects
are foreign); only B exhibits at ``b_only``.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from publishers.enums import ApplicationStatus, ImportStatus
from publishers.models import ExhibitorApplication, StockImport, StockListing, Title
from publishers.services.importing import stage_import
from tests.factories import EventPageFactory
from tests.publishers.portal_factories import (
    ApplicationFactory,
    ExhibitorFactory,
    PublisherUserFactory,
    StockListingFactory,
    TitleFactory,
    make_isbn,
)

pytestmark = pytest.mark.django_db


def spreadsheet(isbn: str) -> bytes:
    workbook = Workbook()
    workbook.active.append(["ISBN", "Tên sách", "Số lượng"])
    workbook.active.append([isbn, "Sách của A chèn vào", 99])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def world(event, event_index):
    shared = event
    b_only = EventPageFactory(parent=event_index, title="Hội sách chỉ có B")
    a = PublisherUserFactory(publisher__name="NXB A")
    b = PublisherUserFactory(publisher__name="NXB B")
    a_exhibitor = ExhibitorFactory(publisher=a.publisher, event=shared)
    b_exhibitor = ExhibitorFactory(publisher=b.publisher, event=shared)
    b_elsewhere = ExhibitorFactory(publisher=b.publisher, event=b_only)
    b_title = TitleFactory(publisher=b.publisher, title="Sách riêng của B", isbn=make_isbn())
    b_listing = StockListingFactory(exhibitor=b_exhibitor, title=b_title, copies=10, copies_sold=2)
    StockListingFactory(exhibitor=b_elsewhere, title=b_title, copies=5)
    b_import = stage_import(exhibitor=b_exhibitor, upload=spreadsheet(make_isbn()), filename="b.xlsx")
    b_application = ApplicationFactory(
        publisher=b.publisher, event=b_only, status=ApplicationStatus.SUBMITTED, tax_code="0100109106"
    )
    a_title = TitleFactory(publisher=a.publisher, title="Sách của A", isbn=make_isbn())
    return {
        "a": a,
        "a_exhibitor": a_exhibitor,
        "a_title": a_title,
        "shared": shared.pk,
        "b_only": b_only.pk,
        "b_title": b_title.pk,
        "b_listing": b_listing.pk,
        "b_import": b_import.pk,
        "b_application": b_application.pk,
    }


def snapshot(world) -> tuple:
    """Everything B owns, as values: any change by A's requests shows up as a difference."""
    return (
        list(Title.objects.filter(pk=world["b_title"]).values()),
        list(StockListing.objects.filter(title_id=world["b_title"]).order_by("pk").values()),
        list(StockImport.objects.filter(pk=world["b_import"]).values("status", "applied_at", "report")),
        list(ExhibitorApplication.objects.filter(pk=world["b_application"]).values()),
    )


TITLE_POST = {
    "isbn": "",
    "sku": "A-HIJACK",
    "title": "Đã bị sửa",
    "language": "vi",
    "list_price": "1.000",
}
STOCK_POST = {"copies": "500", "copies_sold": "0", "booth": "Z9"}

# (URL name, kwargs built from the world, data to POST)
GUESSES = [
    ("publisher_title_edit", lambda w: {"pk": w["b_title"]}, TITLE_POST),
    ("publisher_application", lambda w: {"pk": w["b_application"]}, {}),
    ("publisher_stock", lambda w: {"event_id": w["b_only"]}, {}),
    ("publisher_stock_add", lambda w: {"event_id": w["b_only"]}, {"code": "A-1", **STOCK_POST}),
    ("publisher_stock_edit", lambda w: {"event_id": w["shared"], "pk": w["b_listing"]}, STOCK_POST),
    ("publisher_stock_edit", lambda w: {"event_id": w["b_only"], "pk": w["b_listing"]}, STOCK_POST),
    ("publisher_stock_remove", lambda w: {"event_id": w["shared"], "pk": w["b_listing"]}, {}),
    ("publisher_stock_remove", lambda w: {"event_id": w["b_only"], "pk": w["b_listing"]}, {}),
    ("publisher_stock_xlsx", lambda w: {"event_id": w["b_only"]}, {}),
    ("publisher_stock_csv", lambda w: {"event_id": w["b_only"]}, {}),
    ("publisher_import", lambda w: {"event_id": w["b_only"]}, {}),
    ("publisher_import_preview", lambda w: {"event_id": w["shared"], "pk": w["b_import"]}, {}),
    ("publisher_import_preview", lambda w: {"event_id": w["b_only"], "pk": w["b_import"]}, {}),
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "kwargs", "data"), GUESSES, ids=[g[0] for g in GUESSES])
def test_another_publishers_ids_answer_404_and_change_nothing(client, world, method, name, kwargs, data):
    client.force_login(world["a"].user)
    before = snapshot(world)
    url = reverse(name, kwargs=kwargs(world))
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == 404, url
    assert "Sách riêng của B" not in response.content.decode()
    assert snapshot(world) == before
    assert StockImport.objects.get(pk=world["b_import"]).status == ImportStatus.PREVIEWED


def test_an_import_with_another_publishers_file_field_cannot_target_their_exhibitor(client, world):
    """Uploading on A's own event page always stages for A's exhibitor, whatever the form says."""
    client.force_login(world["a"].user)
    upload = io.BytesIO(spreadsheet(make_isbn()))
    upload.name = "a.xlsx"
    response = client.post(
        reverse("publisher_import", kwargs={"event_id": world["shared"]}),
        {"file": upload, "exhibitor": 999, "exhibitor_id": 999},
    )
    assert response.status_code == 302
    assert StockImport.objects.latest("pk").exhibitor == world["a_exhibitor"]


def test_lists_and_exports_show_only_the_publishers_own_data(client, world):
    client.force_login(world["a"].user)
    StockListingFactory(exhibitor=world["a_exhibitor"], title=world["a_title"])
    pages = [
        reverse("publisher_home"),
        reverse("publisher_titles"),
        reverse("publisher_titles") + "?q=sach",
        reverse("publisher_stock", kwargs={"event_id": world["shared"]}),
        reverse("publisher_import", kwargs={"event_id": world["shared"]}),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Sách riêng của B" not in html, url
        assert "b.xlsx" not in html, url
        assert "Hội sách chỉ có B" not in html, url
    html = client.get(reverse("publisher_stock", kwargs={"event_id": world["shared"]})).content.decode()
    assert "Sách của A" in html
    export = client.get(reverse("publisher_stock_csv", kwargs={"event_id": world["shared"]}))
    assert "Sách của A" in export.content.decode()
    assert "Sách riêng của B" not in export.content.decode()


def test_a_title_of_another_publisher_cannot_be_stocked_by_its_isbn(client, world):
    client.force_login(world["a"].user)
    b_isbn = Title.objects.get(pk=world["b_title"]).isbn
    response = client.post(
        reverse("publisher_stock_add", kwargs={"event_id": world["shared"]}), {"code": b_isbn, **STOCK_POST}
    )
    assert response.status_code == 400
    assert not StockListing.objects.filter(exhibitor=world["a_exhibitor"]).exists()
