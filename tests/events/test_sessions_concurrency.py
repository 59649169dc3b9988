"""The last places at a session under a rush, where it is real: PostgreSQL, one connection each."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from events.enums import ProgrammeKind, SessionBookingStatus
from events.models import SessionBooking
from events.services.sessions import SessionError, book
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The 150 against 100, scaled to what a shared PostgreSQL (100 connections, several
# test runs at once) takes; the same race: more people than places, all at the same moment.
RUSH, PLACES = 60, 40


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


def test_a_rush_on_the_last_places_books_exactly_the_places(event):
    day = event.start_date + dt.timedelta(days=1)
    event.daily_capacity = RUSH
    event.save()
    signing = ProgrammeItemFactory(
        page=event, date=day, start_time=dt.time(14, 0), places=PLACES, kind=ProgrammeKind.SIGNING
    )
    passes = [register_visitor(event, visit_date=day).registration.entry_pass for _ in range(RUSH)]
    barrier = threading.Barrier(RUSH)
    outcomes = []

    def one(entry_pass):
        try:
            barrier.wait()
            outcomes.append(book(entry_pass=entry_pass, session=signing, people=1).booking.status)
        except SessionError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(p,)) for p in passes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count(SessionBookingStatus.BOOKED) == PLACES
    assert outcomes.count(SessionBookingStatus.WAITING) == RUSH - PLACES
    booked = SessionBooking.objects.filter(session=signing).booked()
    assert booked.people() == PLACES
    # Queue numbers 1..40, each once: in the order the lock granted the places.
    assert sorted(booked.values_list("queue_number", flat=True)) == list(range(1, PLACES + 1))
