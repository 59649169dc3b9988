"""The registration hot path: a fixed number of queries, the event remembered between requests
but never past a change, capacity and duplicates still decided under the day's lock."""

import datetime as dt

import pytest

from events.enums import RegistrationStatus
from events.models import EventPage, Registration
from events.services.registration import RegistrationError, register
from tests.altcha import solved

pytestmark = pytest.mark.django_db


def body(event, n, **extra):
    return {
        "full_name": "Nguyễn Văn Ưng",
        "email": f"ung{n}@example.vn",
        "phone": "0912 345 678",
        "visit_date": event.end_date.isoformat(),
        "party_size": 1,
        "consent": True,
        **extra,
    }


def post(client, event, data):
    return client.post(
        f"/api/v1/events/{event.pk}/registrations/", solved(data), content_type="application/json"
    )


def test_a_registration_costs_a_fixed_number_of_queries(client, event, django_assert_max_num_queries):
    assert post(client, event, body(event, 0)).status_code == 201  # the event is now remembered
    # Lock the day (with its capacity), count its people, insert registration and pass,
    # (+ the savepoint around them in tests).
    with django_assert_max_num_queries(6):
        assert post(client, event, body(event, 1)).status_code == 201
    # Already registered: the failed insert, then the look-up of the existing registration.
    with django_assert_max_num_queries(7):
        assert post(client, event, body(event, 1)).json() == {"status": "already_registered"}
    assert Registration.objects.count() == 2


def test_an_unpublished_event_takes_no_more_registrations_at_once(client, event):
    assert post(client, event, body(event, 0)).status_code == 201
    event.unpublish()
    assert post(client, event, body(event, 1)).status_code == 404


def test_registration_dates_changed_in_the_admin_apply_at_once(client, event):
    assert post(client, event, body(event, 0)).status_code == 201
    event.registration_closes_at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    event.save_revision().publish()
    refused = post(client, event, body(event, 1))
    assert refused.status_code == 409 and refused.json()["code"] == "closed"


def test_a_capacity_lowered_meanwhile_is_respected_by_a_caller_holding_the_old_event(event):
    stale = EventPage.objects.get(pk=event.pk)  # what another process may still remember
    EventPage.objects.filter(pk=event.pk).update(daily_capacity=1)
    visit = event.start_date
    args = {"phone": "+84912345678", "visit_date": visit, "consent": True, "notify": False}
    now = event.opens_on(visit) - dt.timedelta(days=1)
    first = register(event=stale, full_name="A", email="a@example.vn", now=now, **args)
    second = register(event=stale, full_name="B", email="b@example.vn", now=now, **args)
    assert (first.registration.status, second.registration.status) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    )
    with pytest.raises(RegistrationError) as refused:
        register(event=stale, full_name="C", email="c@example.vn", join_waitlist=False, now=now, **args)
    assert refused.value.code == "full"


def test_already_registered_on_a_full_day_gets_the_pass_again_not_full(event):
    visit = event.start_date
    now = event.opens_on(visit) - dt.timedelta(days=1)
    args = {"phone": "+84912345678", "visit_date": visit, "consent": True, "notify": False, "now": now}
    event.daily_capacity = 1
    first = register(event=event, full_name="A", email="a@example.vn", **args)
    again = register(event=event, full_name="A", email="a@example.vn", join_waitlist=False, **args)
    assert (again.created, again.registration) == (False, first.registration)
    assert Registration.objects.count() == 1
