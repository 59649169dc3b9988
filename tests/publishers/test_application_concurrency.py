"""Applications under concurrent requests, where it is real: PostgreSQL with parallel transactions."""

import threading

import pytest
from django.db import connection, connections

from publishers.models import Exhibitor, ExhibitorApplication, Publisher, PublisherUser
from publishers.services.applications import (
    ApplicationError,
    approve_application,
    confirm_application,
    submit_application,
)
from publishers.services.confirmation import confirmation_token
from tests.publishers.application_factories import service_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


def at_once(count: int, action) -> list:
    """Run ``action(n)`` ``count`` times at the same moment, each on its own connection."""
    barrier = threading.Barrier(count)
    outcomes = []

    def one(n):
        try:
            barrier.wait()
            outcomes.append(action(n))
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_same_tax_code_sent_eight_times_at_once_makes_one_application(event):
    outcomes = at_once(
        8,
        lambda n: (
            submit_application(
                event=event, data=service_data(tax_code="0100109106", expected_titles=str(n))
            ).created
        ),
    )
    assert sorted(outcomes) == [False] * 7 + [True]
    assert ExhibitorApplication.objects.count() == 1


def confirmed(event, **overrides):
    """An application the applicant confirmed from the emailed link."""
    app = submit_application(event=event, data=service_data(**overrides)).application
    return confirm_application(token=confirmation_token(app))


def test_two_organisers_approving_at_once_approve_once(event):
    app = confirmed(event, tax_code="0100109106")
    outcomes = at_once(2, lambda n: approve_application(application=app, booths=f"A{n}").exhibitor.booths)
    assert outcomes.count("already_approved") == 1
    assert Publisher.objects.count() == 1 and Exhibitor.objects.count() == 1
    assert PublisherUser.objects.count() == 1


def test_one_booth_given_to_two_exhibitors_at_once_goes_to_one(event):
    first = confirmed(event, email="a@a.vn")
    second = confirmed(event, email="b@b.vn", tax_code="0100109106")
    apps = [first, second]
    outcomes = at_once(2, lambda n: approve_application(application=apps[n], booths="C7").exhibitor.booths)
    assert sorted(outcomes) == ["C7", "booth_taken"]
    assert list(Exhibitor.objects.values_list("booths", flat=True)) == ["C7"]
