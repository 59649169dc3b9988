"""Holds under a rush, on PostgreSQL: groups racing for the last places while a hold expires."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from events.enums import RegistrationStatus
from events.models import Registration
from events.services.access import hold_token
from events.services.registration import confirm_hold, register, release_expired_holds
from tests.conftest import pinned_now

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


def group(event, day, email: str, people: int, **kwargs):
    return register(
        event=event,
        full_name="Trần Thị Mai",
        email=email,
        phone="+84912345678",
        visit_date=day,
        party_size=people,
        organisation="Trường THCS Suối Hoa",
        consent=True,
        **kwargs,
    ).registration


def at_once(*calls) -> list:
    """Run ``calls`` at the same moment, each on its own connection; their results or error codes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait()
            outcomes[n] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test asserts
            outcomes[n] = getattr(error, "code", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def fair(event):
    event.daily_capacity = 60
    event.confirm_groups_above = 10
    event.hold_minutes = 120
    event.save()
    return event


def people_holding(day_id) -> int:
    return Registration.objects.filter(day_id=day_id).holding_places().aggregate(n=Sum("party_size"))["n"]


def test_two_groups_race_for_the_places_an_expiring_hold_frees(fair, clock):
    day = fair.start_date + dt.timedelta(days=1)
    held = group(fair, day, "mai.gv@example.vn", 30)  # held until 12:00
    group(fair, day, "family@example.vn", 25, notify=False)  # confirmed
    first_in_line = group(fair, day, "cho@example.vn", 15, notify=False)
    assert (held.status, first_in_line.status) == (RegistrationStatus.PENDING, RegistrationStatus.WAITING)
    clock.move_to(pinned_now(dt.time(12, 5)))

    outcomes = at_once(
        lambda: group(fair, day, "lop-7a@example.vn", 20).status,
        lambda: group(fair, day, "lop-7b@example.vn", 20).status,
        release_expired_holds,
        lambda: confirm_hold(token=hold_token(held)),  # the teacher, too late
    )

    assert sorted(outcomes[:2]) == [RegistrationStatus.PENDING, RegistrationStatus.WAITING]
    assert outcomes[2] in (0, 1) and outcomes[3] == "hold_expired"
    held.refresh_from_db()
    first_in_line.refresh_from_db()
    assert held.status == RegistrationStatus.EXPIRED
    # The queue before newcomers; a group of 15 from the public confirms its address first.
    assert first_in_line.status == RegistrationStatus.PENDING
    assert people_holding(held.day_id) == 25 + 15 + 20 == fair.daily_capacity


def test_confirming_while_others_rush_keeps_the_held_places(fair, clock):
    day = fair.start_date + dt.timedelta(days=1)
    held = group(fair, day, "mai.gv@example.vn", 30)
    group(fair, day, "family@example.vn", 20, notify=False)
    clock.move_to(pinned_now(dt.time(11, 55)))

    outcomes = at_once(
        lambda: confirm_hold(token=hold_token(held)).confirmed_now,
        *[lambda n=n: group(fair, day, f"lop-{n}@example.vn", 6).status for n in range(4)],
    )

    assert outcomes[0] is True
    assert sorted(outcomes[1:]) == [RegistrationStatus.CONFIRMED] + [RegistrationStatus.WAITING] * 3
    assert people_holding(held.day_id) == 30 + 20 + 6
