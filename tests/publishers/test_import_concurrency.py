"""A double click on "apply", where it is real: two PostgreSQL transactions at the same moment."""

import io
import threading

import pytest
from django.db import connection, connections

from publishers.models import StockListing, Title
from publishers.services.importing import ImportRefused, apply_import, stage_import
from tests.publishers.import_helpers import ImportExhibitorFactory, book, xlsx

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


def test_two_clicks_apply_once(event):
    exhibitor = ImportExhibitorFactory(event=event)
    staged = stage_import(
        exhibitor=exhibitor, upload=io.BytesIO(xlsx([book(n) for n in range(1, 51)])), filename="a.xlsx"
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            barrier.wait()
            apply_import(stock_import=staged)
            outcomes.append("applied")
        except ImportRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_applied", "applied"]
    assert Title.objects.count() == 50 and StockListing.objects.count() == 50


def test_two_imports_of_one_publisher_at_once_create_no_duplicates(event):
    exhibitor = ImportExhibitorFactory(event=event)
    data = xlsx([book(n) for n in range(1, 51)])
    first, second = (
        stage_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename=name)
        for name in ("a.xlsx", "b.xlsx")
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def apply(stock_import):
        try:
            barrier.wait()
            outcomes.append(apply_import(stock_import=stock_import).created_count)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply, args=(one,)) for one in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [0, 50]  # the second waited for the first, then found every title
    assert Title.objects.count() == 50


def test_two_uploads_at_once_for_one_exhibitor_queue_one(event, settings):
    """One parse per exhibitor at a time: decided under the exhibitor's row lock, so two uploads
    arriving together cannot both pass the check."""
    import time
    from unittest import mock

    from publishers.models import StockImport
    from publishers.services import import_queue

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a real queue
    exhibitor = ImportExhibitorFactory(event=event)
    barrier = threading.Barrier(2)
    outcomes = []
    real_record = import_queue.queue_record

    def slow_record(**kwargs):
        time.sleep(0.5)  # both requests past the check before either stores, without the lock
        return real_record(**kwargs)

    def upload(n):
        try:
            barrier.wait()
            import_queue.receive_import(
                exhibitor=exhibitor, upload=io.BytesIO(xlsx([book(n)])), filename=f"{n}.xlsx"
            )
            outcomes.append("queued")
        except ImportRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(n,)) for n in (1, 2)]
    with mock.patch.object(import_queue, "queue_record", side_effect=slow_record):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(outcomes) == ["busy", "queued"]
    assert StockImport.objects.count() == 1
