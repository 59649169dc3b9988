"""Stock written from two places at once (two phones at the booth), on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from publishers.models import StockListing
from publishers.services.titles import set_stock
from tests.publishers.portal_factories import ExhibitorFactory, TitleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


def test_ten_first_listings_of_one_title_at_once_make_one_listing(event):
    exhibitor = ExhibitorFactory(event=event)
    title = TitleFactory(publisher=exhibitor.publisher)
    barrier = threading.Barrier(10)
    errors = []

    def one(n):
        try:
            barrier.wait()
            set_stock(exhibitor=exhibitor, title=title, copies=10 + n, copies_sold=n)
        except Exception as error:  # any error is the failure this test looks for
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    listing = StockListing.objects.get()
    # One of the ten writes won whole: never copies from one and sales from another.
    assert listing.copies - listing.copies_sold == 10
