"""Changes under a rush, where races are real: PostgreSQL with concurrent transactions."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from events.enums import RegistrationStatus
from events.models import Registration
from events.services.registration import RegistrationError, change
from tests.factories import EventPageFactory, register_visitor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 09:00 on the fair's first day
DAY2, DAY3 = dt.date(2026, 12, 2), dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


@pytest.fixture
def fair(event_index):
    return EventPageFactory(
        parent=event_index, start_date=dt.date(2026, 12, 1), end_date=DAY3, daily_capacity=10
    )


def at_once(calls) -> list:
    """Run every call at the same moment, each on its own connection; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def one(call):
        try:
            barrier.wait()
            outcomes.append(call().registration.status)
        except RegistrationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def people(day):
    return sum(Registration.objects.confirmed().filter(day__date=day).values_list("party_size", flat=True))


def test_six_moving_into_two_places_at_once_never_oversell(fair):
    for _ in range(8):
        register_visitor(fair, visit_date=DAY3, now=NOW)
    movers = [register_visitor(fair, visit_date=DAY2, now=NOW).registration for _ in range(6)]
    outcomes = at_once([lambda r=r: change(registration=r, visit_date=DAY3, now=NOW) for r in movers])
    assert sorted(outcomes) == ["confirmed"] * 2 + ["full"] * 4
    assert people(DAY3) == 10 and people(DAY2) == 4


def test_visitors_swapping_days_at_once_do_not_deadlock(fair):
    on_day2 = [register_visitor(fair, visit_date=DAY2, now=NOW).registration for _ in range(4)]
    on_day3 = [register_visitor(fair, visit_date=DAY3, now=NOW).registration for _ in range(4)]
    calls = [lambda r=r: change(registration=r, visit_date=DAY3, now=NOW) for r in on_day2]
    calls += [lambda r=r: change(registration=r, visit_date=DAY2, now=NOW) for r in on_day3]
    outcomes = at_once(calls)
    assert outcomes == [RegistrationStatus.CONFIRMED] * 8  # every thread finished, none refused
    assert people(DAY2) == 4 and people(DAY3) == 4


def test_groups_growing_at_once_never_oversell(fair):
    groups = [register_visitor(fair, visit_date=DAY2, now=NOW).registration for _ in range(5)]
    outcomes = at_once([lambda r=r: change(registration=r, party_size=4, now=NOW) for r in groups])
    # 5 places were taken, 5 are free: only one group can grow by 3 (twice would be 11).
    assert sorted(outcomes) == ["confirmed"] + ["not_enough_places"] * 4
    assert people(DAY2) == 8
