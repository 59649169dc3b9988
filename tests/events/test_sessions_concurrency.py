"""The last places at a session under a rush, where it is real: PostgreSQL, many connections at once."""

import datetime as dt
import queue
import threading

import pytest
from django.db import connection, connections

from events.enums import ProgrammeKind, SessionBookingStatus
from events.models import SessionBooking
from events.services.sessions import SessionError, book
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The race: 150 bookings, each from its own pass, for 100 places. A shared PostgreSQL
# has about 100 connections for several test runs, so 40 threads send them, all starting at the
# same moment and each booking again as soon as it has its answer.
RUSH, PLACES, THREADS = 150, 100, 40


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
    waiting = queue.SimpleQueue()
    for entry_pass in passes:
        waiting.put(entry_pass)
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def sender():
        try:
            barrier.wait()
            while True:
                try:
                    entry_pass = waiting.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcomes.append(book(entry_pass=entry_pass, session=signing, people=1).booking.status)
                except SessionError as error:
                    outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == RUSH

    assert outcomes.count(SessionBookingStatus.BOOKED) == PLACES
    assert outcomes.count(SessionBookingStatus.WAITING) == RUSH - PLACES
    booked = SessionBooking.objects.filter(session=signing).booked()
    assert booked.people() == PLACES
    # Queue numbers 1..100, each once: in the order the lock granted the places.
    assert sorted(booked.values_list("queue_number", flat=True)) == list(range(1, PLACES + 1))
