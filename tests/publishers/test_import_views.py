"""The publisher's import journey through the views: upload -> progress -> preview -> confirm,
with the file read by the task worker (issue 13)."""

import datetime as dt
import io
import time

import pytest
from django.urls import reverse

from publishers.enums import ImportStatus
from publishers.models import StockImport, StockListing
from publishers.services.importing import ImportRefused, parse_import
from tests.publishers import attack_files
from tests.publishers.import_helpers import book, xlsx
from tests.publishers.portal_factories import ExhibitorFactory, PublisherUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(event):
    member = PublisherUserFactory(publisher__name="Nhà xuất bản Kim Đồng")
    member.exhibitor = ExhibitorFactory(publisher=member.publisher, event=event, booths="A12")
    return member


@pytest.fixture
def client_a(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def queue_only(settings):
    """Jobs are queued and wait for a worker, as with Redis or the database queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def file(data: bytes, name: str = "kho.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def post(client, event, data, name="kho.xlsx"):
    return client.post(reverse("publisher_import", args=[event.pk]), {"file": file(data, name)})


def text(response) -> str:
    return response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


def test_upload_progress_preview_confirm(client_a, member, event, queue_only):
    response = post(client_a, event, xlsx([book(1), book(2, **{"Tên sách": None})]))

    stock_import = StockImport.objects.get()
    page = reverse("publisher_import_preview", args=[event.pk, stock_import.pk])
    assert response.status_code == 302 and response["Location"] == page
    # Queued: the page says so and reloads itself, without JavaScript.
    response = client_a.get(page)
    html = text(response)
    assert "publishers/portal/import_progress.html" in [t.name for t in response.templates]
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Đang chờ đến lượt" in html
    assert 'id="confirm-import"' not in html
    # The worker is reading: row N of about M.
    StockImport.objects.filter(pk=stock_import.pk).update(
        status=ImportStatus.PARSING, progress_done=2000, progress_total=5000
    )
    html = text(client_a.get(page))
    assert "2.000" in html and "5.000" in html and 'value="40"' in html

    StockImport.objects.filter(pk=stock_import.pk).update(status=ImportStatus.QUEUED)
    parse_import(stock_import_id=stock_import.pk)

    response = client_a.get(page)
    html = text(response)
    assert 'http-equiv="refresh"' not in html
    assert 'id="confirm-import"' in html and "Đường về nhà tập 1" in html
    assert [row["row"] for row in response.context["refused"]] == [3]

    response = client_a.post(page)
    assert response.status_code == 302 and response["Location"] == reverse("publisher_stock", args=[event.pk])
    assert StockListing.objects.filter(exhibitor=member.exhibitor).count() == 1


def test_an_attack_file_is_answered_at_once_and_ends_refused_on_its_page(client_a, event, queue_only):
    started = time.monotonic()
    response = post(client_a, event, attack_files.shared_strings(2_000_000))
    assert time.monotonic() - started < 2  # nothing of it is read in the request
    assert response.status_code == 302
    stock_import = StockImport.objects.get()
    assert stock_import.status == ImportStatus.QUEUED

    parse_import(stock_import_id=stock_import.pk)  # the worker

    html = text(client_a.get(response["Location"]))
    assert ImportRefused("too_large_unpacked").message in html
    assert 'id="confirm-import"' not in html and 'http-equiv="refresh"' not in html
    assert reverse("publisher_import", args=[event.pk]) in html  # try again


def test_the_refusal_is_shown_in_the_readers_language(client_a, event):
    response = post(client_a, event, b"%PDF-1.4 \x00\x01")
    english = "/en" + response["Location"]
    assert "This file is not a spreadsheet" in text(client_a.get(english))


def test_a_throttled_upload_is_refused_on_the_form_and_stores_nothing(client_a, event, settings):
    settings.STOCK_IMPORT_UPLOADS_PER_WINDOW = 1
    assert post(client_a, event, xlsx([book(1)])).status_code == 302

    response = post(client_a, event, xlsx([book(2)]))

    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert message == ImportRefused("throttled", limit=1, minutes=10).message
    assert message in text(response)
    assert StockImport.objects.count() == 1


def test_a_second_upload_while_the_first_is_read_is_refused(client_a, event, queue_only):
    post(client_a, event, xlsx([book(1)]))
    response = post(client_a, event, xlsx([book(2)]))
    assert response.status_code == 400
    assert ImportRefused("busy").message in text(response)
    assert StockImport.objects.count() == 1


def test_a_stale_import_shows_as_failed_with_try_again(client_a, event, queue_only, clock):
    post(client_a, event, xlsx([book(1)]))
    stock_import = StockImport.objects.get()
    StockImport.objects.filter(pk=stock_import.pk).update(status=ImportStatus.PARSING)
    clock.tick(dt.timedelta(minutes=6))

    html = text(client_a.get(reverse("publisher_import_preview", args=[event.pk, stock_import.pk])))

    assert ImportRefused("interrupted").message in html
    assert 'http-equiv="refresh"' not in html
    assert StockImport.objects.get().status == ImportStatus.FAILED


def test_an_expired_preview_cannot_be_confirmed(client_a, event, clock):
    from publishers.services.import_queue import purge_stale_imports

    post(client_a, event, xlsx([book(1)]))
    stock_import = StockImport.objects.get()
    clock.tick(dt.timedelta(hours=25))
    purge_stale_imports()
    page = reverse("publisher_import_preview", args=[event.pk, stock_import.pk])

    html = text(client_a.get(page))
    assert 'id="import-expired"' in html and 'id="confirm-import"' not in html
    response = client_a.post(page)
    assert response.status_code == 409 and not StockListing.objects.exists()
