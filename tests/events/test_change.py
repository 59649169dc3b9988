"""The visitor's own changes: another day, another party size, under the days' locks."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from events.enums import RegistrationStatus
from events.models import Registration
from events.services.registration import RegistrationError, change
from tests.factories import EventPageFactory, register_visitor

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội, the fair's second day


@pytest.fixture(autouse=True)
def _pinned():
    with freeze_time(NOW):
        yield


@pytest.fixture
def fair(event_index):
    # Three days from 01/12; ten places a day so that "full" is a few registrations away.
    return EventPageFactory(
        parent=event_index, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 3), daily_capacity=10
    )


DAY2, DAY3 = dt.date(2026, 12, 2), dt.date(2026, 12, 3)


def fill(event, day, people=10):
    return register_visitor(
        event, visit_date=day, party_size=people, organisation="Trường THCS Suối Hoa"
    ).registration


def test_moving_to_a_day_with_room_confirms_there_and_frees_the_old_place(fair):
    fill(fair, DAY2, 9)
    waiting = register_visitor(fair, visit_date=DAY2, party_size=2).registration
    mine = register_visitor(fair, visit_date=DAY2, party_size=1).registration
    assert waiting.status == RegistrationStatus.WAITING
    # Still no room for the waiting pair: only one place frees up.
    result = change(registration=mine, visit_date=DAY3)
    assert result.registration.day.date == DAY3 and result.registration.status == RegistrationStatus.CONFIRMED
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING


def test_freed_places_promote_the_waiting_list(fair):
    mine = fill(fair, DAY2, 4)
    fill(fair, DAY2, 6)
    waiting = register_visitor(fair, visit_date=DAY2, party_size=3).registration
    assert waiting.status == RegistrationStatus.WAITING
    mail.outbox.clear()
    result = change(registration=mine, party_size=1)  # three places freed
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [p.pk for p in result.promoted] == [waiting.pk]
    assert sum(r.party_size for r in Registration.objects.confirmed().filter(day__date=DAY2)) == 10


def test_moving_to_a_full_day_is_refused_and_offers_the_waiting_list(fair):
    fill(fair, DAY3)
    mine = register_visitor(fair, visit_date=DAY2).registration
    with pytest.raises(RegistrationError) as refused:
        change(registration=mine, visit_date=DAY3)
    assert refused.value.code == "full" and refused.value.field == "visit_date"
    mine.refresh_from_db()
    assert mine.day.date == DAY2 and mine.status == RegistrationStatus.CONFIRMED  # nothing changed

    ahead = register_visitor(fair, visit_date=DAY3).registration  # already waiting there
    later = NOW + dt.timedelta(minutes=5)
    result = change(registration=mine, visit_date=DAY3, join_waitlist=True, now=later)
    assert result.registration.status == RegistrationStatus.WAITING
    assert Registration.objects.queue_position(result.registration) == 2
    assert Registration.objects.queue_position(ahead) == 1


def test_more_people_than_places_left_is_refused_and_keeps_the_registration(fair):
    fill(fair, DAY2, 8)
    mine = register_visitor(fair, visit_date=DAY2, party_size=2).registration
    with pytest.raises(RegistrationError) as refused:
        change(registration=mine, party_size=4)
    assert refused.value.code == "not_enough_places" and refused.value.params == {"left": 2}
    mine.refresh_from_db()
    assert mine.party_size == 2 and mine.status == RegistrationStatus.CONFIRMED
    assert change(registration=mine, party_size=1).registration.party_size == 1


def test_the_rules_of_registering_apply(fair):
    mine = register_visitor(fair, visit_date=DAY2).registration
    cases = [
        ({"visit_date": dt.date(2026, 12, 1)}, "day_over"),
        ({"visit_date": dt.date(2026, 12, 9)}, "invalid_day"),
        ({"party_size": 51}, "party_too_large"),
        ({"party_size": 8}, "organisation_required"),
    ]
    for changes, code in cases:
        with pytest.raises(RegistrationError) as refused:
            change(registration=mine, **changes)
        assert refused.value.code == code


def test_the_same_address_cannot_hold_two_registrations_on_a_day(fair):
    register_visitor(fair, visit_date=DAY3, email="huong@example.vn")
    mine = register_visitor(fair, visit_date=DAY2, email="huong@example.vn").registration
    with pytest.raises(RegistrationError) as refused:
        change(registration=mine, visit_date=DAY3)
    assert refused.value.code == "already_that_day"


def test_a_cancelled_or_past_registration_cannot_change(fair):
    from events.services.registration import cancel

    mine = register_visitor(fair, visit_date=DAY2).registration
    cancel(registration=mine)
    with pytest.raises(RegistrationError) as refused:
        change(registration=mine, party_size=2)
    assert refused.value.code == "not_changeable"
    other = register_visitor(fair, visit_date=DAY2).registration
    with pytest.raises(RegistrationError):
        change(registration=other, visit_date=DAY3, now=fair.closes_on(DAY2) + dt.timedelta(minutes=1))


def test_a_waiting_registration_keeps_its_place_when_its_size_changes(fair):
    fill(fair, DAY2)
    first = register_visitor(fair, visit_date=DAY2, party_size=2).registration
    second = register_visitor(fair, visit_date=DAY2).registration
    change(registration=first, party_size=1)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.WAITING
    assert Registration.objects.queue_position(first) == 1
    assert Registration.objects.queue_position(second) == 2


def test_the_visitor_gets_an_email_with_the_new_day(fair):
    mine = register_visitor(fair, visit_date=DAY2).registration
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        change(registration=mine, visit_date=DAY3)
    assert [m.to for m in mail.outbox] == [[mine.email]]
    assert "03/12/2026" in mail.outbox[0].body
    assert timezone.now() == NOW
