"""The registration service: every refusal, capacity, waiting list, duplicates, cancellation."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import RegistrationStatus
from events.models import Pass, Registration
from events.models.registration import PASS_ALPHABET
from events.services.registration import RegistrationError, cancel, promote_waitlist
from events.validators import display_vn_mobile, normalize_vn_mobile
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(event):
    return event.start_date + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"visit_date": dt.date(2001, 1, 1)}, "invalid_day", "visit_date"),
        ({"party_size": 51}, "party_too_large", "party_size"),
        ({"party_size": 6, "organisation": "  "}, "organisation_required", "organisation"),
        ({"consent": False}, "consent_required", "consent"),
    ],
)
def test_refusals_name_the_field_and_write_nothing(event, changes, code, field):
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, **changes)
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert refusal.value.message
    assert not Registration.objects.exists() and not Pass.objects.exists()
    assert mail.outbox == []


def test_registration_window_is_enforced(event):
    now = timezone.now()
    event.registration_opens_at = now + dt.timedelta(days=1)
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event)
    assert refusal.value.code == "not_open"
    event.registration_opens_at = now - dt.timedelta(days=5)
    event.registration_closes_at = now - dt.timedelta(days=1)
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event)
    assert refusal.value.code == "closed"


def test_a_day_that_is_over_cannot_be_booked(event):
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, visit_date=event.start_date)  # yesterday in the fixture
    assert refusal.value.code == "day_over"


def test_a_confirmed_registration_gets_a_pass_and_an_email(event, day):
    result = register_visitor(event, email="  Huong@Example.VN ", visit_date=day, party_size=3)
    registration = result.registration
    assert result.created and result.status == "confirmed"
    assert registration.email == "huong@example.vn"
    code = registration.entry_pass.code
    assert len(code) == 26 and set(code) <= set(PASS_ALPHABET)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["huong@example.vn"]


def test_pass_codes_are_unguessable_and_distinct(event, day):
    codes = {register_visitor(event).registration.entry_pass.code for _ in range(30)}
    assert len(codes) == 30
    assert not set("01IOL") & set("".join(codes))


def test_a_full_day_puts_people_on_the_waiting_list(event, day):
    event.daily_capacity = 5
    register_visitor(event, party_size=4, visit_date=day)
    fits = register_visitor(event, party_size=1, visit_date=day)
    waits = register_visitor(event, party_size=1, visit_date=day)
    assert fits.registration.status == RegistrationStatus.CONFIRMED
    assert waits.registration.status == RegistrationStatus.WAITING
    assert "danh sách chờ" in mail.outbox[-1].subject
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, visit_date=day, join_waitlist=False)
    assert refusal.value.code == "full"


def test_other_days_are_counted_separately(event, day):
    event.daily_capacity = 1
    register_visitor(event, visit_date=day)
    other = register_visitor(event, visit_date=day + dt.timedelta(days=1))
    assert other.registration.status == RegistrationStatus.CONFIRMED


def test_same_email_same_day_creates_nothing_and_resends(event, day):
    first = register_visitor(event, email="huong@example.vn", visit_date=day)
    mail.outbox.clear()
    again = register_visitor(event, email="HUONG@example.vn", visit_date=day, full_name="Kẻ mạo danh")
    assert not again.created and again.status == "already_registered"
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert Registration.objects.get().full_name == "Đặng Thị Hương"
    assert [m.to for m in mail.outbox] == [["huong@example.vn"]]


def test_same_email_may_register_another_day(event, day):
    register_visitor(event, email="huong@example.vn", visit_date=day)
    other = register_visitor(event, email="huong@example.vn", visit_date=day + dt.timedelta(days=1))
    assert other.created


def test_cancelling_frees_places_and_promotes_the_waiting_list_in_order(
    event, day, django_capture_on_commit_callbacks
):
    event.daily_capacity = 4
    event.save()
    holder = register_visitor(event, party_size=4, visit_date=day).registration
    group = register_visitor(event, party_size=3, visit_date=day).registration
    pair = register_visitor(event, party_size=2, visit_date=day).registration
    single = register_visitor(event, party_size=1, visit_date=day).registration
    assert {r.status for r in (group, pair, single)} == {RegistrationStatus.WAITING}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = cancel(registration=holder)

    assert holder.status == RegistrationStatus.CANCELLED and holder.cancelled_at
    # Oldest first while they fit: the group of three, then the single person; the pair would
    # not fit in the one place left and keeps its turn.
    assert [r.pk for r in promoted] == [group.pk, single.pk]
    pair.refresh_from_db()
    assert pair.status == RegistrationStatus.WAITING
    assert sorted(m.to[0] for m in mail.outbox) == sorted([holder.email, group.email, single.email])
    confirmed_email = next(m for m in mail.outbox if m.to == [group.email])
    assert confirmed_email.attachments, "a promoted visitor gets the PDF pass"


def test_a_group_larger_than_the_day_is_refused_not_queued(event, day):
    event.daily_capacity = 4
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, party_size=5, visit_date=day)
    assert refusal.value.code == "full"


def test_cancelling_twice_changes_nothing(event, day):
    registration = register_visitor(event, visit_date=day).registration
    cancel(registration=registration)
    stamp = registration.cancelled_at
    assert cancel(registration=registration) == []
    registration.refresh_from_db()
    assert registration.cancelled_at == stamp


def test_a_cancelled_address_may_register_again(event, day):
    registration = register_visitor(event, email="huong@example.vn", visit_date=day).registration
    cancel(registration=registration)
    again = register_visitor(event, email="huong@example.vn", visit_date=day)
    assert again.created and again.registration.pk != registration.pk


def test_a_day_that_is_over_cannot_be_cancelled(event, day):
    registration = register_visitor(event, visit_date=day).registration
    with pytest.raises(RegistrationError) as refusal:
        cancel(registration=registration, now=event.closes_on(day) + dt.timedelta(minutes=1))
    assert refusal.value.code == "not_cancellable"


def test_raising_capacity_then_promoting_confirms_waiting_people(event, day):
    event.daily_capacity = 1
    event.save()
    register_visitor(event, visit_date=day)
    waiting = register_visitor(event, visit_date=day).registration
    event.daily_capacity = 2
    event.save()
    promoted = promote_waitlist(day=waiting.day)
    assert [r.pk for r in promoted] == [waiting.pk]


def test_places_left_per_day_is_one_aggregate(event, day, django_assert_num_queries):
    register_visitor(event, visit_date=day, party_size=3)
    with django_assert_num_queries(1):
        left = event.places_left_by_day()
    assert left[day] == event.daily_capacity - 3
    assert left[event.start_date] == event.daily_capacity


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("+84 912-345-678", "+84912345678"),
        ("(+84) 912 345 678", "+84912345678"),
        ("84987654321", "+84987654321"),
        ("0356 789 012", "+84356789012"),
    ],
)
def test_vietnamese_mobile_numbers_in_any_common_spelling(raw, normalised):
    assert normalize_vn_mobile(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["", "123", "0212 345 678", "091234567", "09123456789", "+1 415 555 0100", "0912 345 67x"]
)
def test_impossible_phone_numbers_are_refused(raw):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalize_vn_mobile(raw)


def test_phone_numbers_display_as_people_write_them():
    assert display_vn_mobile("+84912345678") == "0912 345 678"
