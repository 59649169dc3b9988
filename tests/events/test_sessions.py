"""Places at sessions: every refusal, the waiting list, queue numbers (events.services.sessions)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from events.enums import ProgrammeKind, RegistrationStatus, SessionBookingStatus
from events.models import SessionBooking
from events.services.registration import cancel
from events.services.sessions import SessionError, book, cancel_booking, places_changed
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(event):
    return event.start_date + dt.timedelta(days=1)  # the factory's event runs yesterday to tomorrow


def session(event, day, **kwargs):
    values = {
        "page": event,
        "date": day,
        "start_time": dt.time(14, 0),
        "end_time": dt.time(15, 0),
        "places": 10,
        "kind": ProgrammeKind.SIGNING,
        "title": "Ký tặng - Nguyễn Nhật Ánh",
    }
    values.update(kwargs)
    return ProgrammeItemFactory(**values)


def visitor(event, day, party_size=1, **kwargs):
    return register_visitor(event, visit_date=day, party_size=party_size, **kwargs).registration.entry_pass


def test_a_confirmed_pass_books_places_and_gets_the_next_queue_number(event, today):
    signing = session(event, today)
    first = book(entry_pass=visitor(event, today), session=signing, people=1)
    second = book(entry_pass=visitor(event, today, party_size=3), session=signing, people=3)
    assert first.created and second.created
    assert (first.booking.status, second.booking.status) == (SessionBookingStatus.BOOKED,) * 2
    assert (first.booking.queue_number, second.booking.queue_number) == (1, 2)
    assert event.session_places_left() == {signing.pk: 6}


def test_booking_again_returns_the_same_booking_and_writes_nothing(event, today):
    signing = session(event, today)
    entry_pass = visitor(event, today, party_size=2)
    first = book(entry_pass=entry_pass, session=signing, people=2)
    again = book(entry_pass=entry_pass, session=signing, people=1)
    assert not again.created
    assert again.booking.pk == first.booking.pk
    assert SessionBooking.objects.count() == 1


def test_a_workshop_books_places_without_queue_numbers(event, today):
    workshop = session(event, today, kind=ProgrammeKind.WORKSHOP, title="Làm sách tranh")
    result = book(entry_pass=visitor(event, today), session=workshop, people=1)
    assert result.booking.queue_number is None


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("open_talk", "no_places"),
        ("waiting_pass", "not_confirmed"),
        ("cancelled_pass", "not_confirmed"),
        ("other_day", "wrong_day"),
        ("other_event", "wrong_day"),
        ("too_many", "too_many"),
        ("no_people", "invalid_people"),
        ("started", "over"),
        ("clash", "clash"),
        ("full", "full"),
    ],
)
def test_each_refusal_has_its_code_a_message_and_writes_nothing(event, today, case, code):
    from tests.factories import EventPageFactory

    signing = session(event, today, places=2)
    entry_pass = visitor(event, today, party_size=2)
    people = 1
    kwargs = {}
    if case == "open_talk":
        signing = session(event, today, places=None, kind=ProgrammeKind.TALK)
    elif case == "waiting_pass":
        entry_pass.registration.status = RegistrationStatus.WAITING
        entry_pass.registration.save()
    elif case == "cancelled_pass":
        cancel(registration=entry_pass.registration)
    elif case == "other_day":
        signing = session(event, today + dt.timedelta(days=1))
    elif case == "other_event":
        other = EventPageFactory(parent=event.get_parent())
        signing = session(other, today)
    elif case == "too_many":
        people = 3
    elif case == "no_people":
        people = 0
    elif case == "started":
        signing = session(event, today, start_time=dt.time(9, 30))  # the clock says 10:00
    elif case == "clash":
        talk = session(event, today, start_time=dt.time(14, 30), end_time=dt.time(16, 0), title="Giao lưu")
        book(entry_pass=entry_pass, session=talk, people=1)
    elif case == "full":
        book(entry_pass=visitor(event, today, party_size=2), session=signing, people=2)
        kwargs["join_waitlist"] = False
    before = SessionBooking.objects.count()
    with pytest.raises(SessionError) as refused:
        book(entry_pass=entry_pass, session=signing, people=people, **kwargs)
    assert refused.value.code == code
    assert refused.value.message  # a translated sentence, not the code
    assert SessionBooking.objects.count() == before


def test_the_clash_names_the_other_session(event, today):
    entry_pass = visitor(event, today)
    book(entry_pass=entry_pass, session=session(event, today, title="Vẽ tranh cùng bé"), people=1)
    other = session(event, today, start_time=dt.time(14, 59), end_time=dt.time(16, 0))
    with pytest.raises(SessionError) as refused:
        book(entry_pass=entry_pass, session=other, people=1)
    assert "Vẽ tranh cùng bé" in refused.value.message
    # Back to back is no clash.
    later = session(event, today, start_time=dt.time(15, 0), end_time=dt.time(16, 0))
    assert book(entry_pass=entry_pass, session=later, people=1).created


def test_full_session_puts_people_on_the_waiting_list_and_a_cancellation_promotes_in_order(event, today):
    signing = session(event, today, places=3)
    holder = book(entry_pass=visitor(event, today, party_size=3), session=signing, people=3).booking
    big = book(entry_pass=visitor(event, today, party_size=3), session=signing, people=3).booking
    small = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    assert (big.status, small.status) == (SessionBookingStatus.WAITING,) * 2
    assert big.queue_number is None

    promoted = cancel_booking(booking=holder)

    assert [b.pk for b in promoted] == [big.pk]  # first in line, and fits now
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == SessionBookingStatus.BOOKED
    assert big.queue_number == 2  # 1 stays with the cancelled booking: never reused
    assert small.status == SessionBookingStatus.WAITING
    holder.refresh_from_db()
    assert (holder.status, holder.queue_number) == (SessionBookingStatus.CANCELLED, 1)


def test_a_party_too_large_for_what_is_free_is_passed_over_for_a_smaller_one(event, today):
    signing = session(event, today, places=3)
    one = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    book(entry_pass=visitor(event, today, party_size=2), session=signing, people=2)
    big = book(entry_pass=visitor(event, today, party_size=2), session=signing, people=2).booking
    small = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    cancel_booking(booking=one)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == (SessionBookingStatus.WAITING, SessionBookingStatus.BOOKED)


def test_more_places_published_promote_the_waiting_list(event, today):
    signing = session(event, today, places=1)
    book(entry_pass=visitor(event, today), session=signing, people=1)
    waiting = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    signing.places = 2
    signing.save()
    assert [b.pk for b in places_changed(event=event)] == [waiting.pk]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.queue_number) == (SessionBookingStatus.BOOKED, 2)


def test_publishing_the_event_page_promotes_its_sessions(event, today):
    signing = session(event, today, places=1)
    book(entry_pass=visitor(event, today), session=signing, people=1)
    waiting = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    items = list(event.programme.all())
    for item in items:
        item.places = 5
    event.programme = items  # as the editor's programme panel sets them
    event.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == SessionBookingStatus.BOOKED


def test_cancelling_the_registration_frees_its_session_places(event, today):
    signing = session(event, today, places=1)
    entry_pass = visitor(event, today)
    booking = book(entry_pass=entry_pass, session=signing, people=1).booking
    waiting = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    cancel(registration=entry_pass.registration)
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == SessionBookingStatus.CANCELLED
    assert waiting.status == SessionBookingStatus.BOOKED


def test_a_started_session_cannot_be_cancelled(event, today, clock):
    from tests.conftest import pinned_now

    signing = session(event, today)
    booking = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    clock.move_to(pinned_now(dt.time(14, 5)))
    with pytest.raises(SessionError) as refused:
        cancel_booking(booking=booking)
    assert refused.value.code == "over"
    booking.refresh_from_db()
    assert booking.status == SessionBookingStatus.BOOKED


def test_cancelling_twice_changes_nothing(event, today):
    booking = book(entry_pass=visitor(event, today), session=session(event, today), people=1).booking
    cancel_booking(booking=booking)
    assert cancel_booking(booking=booking) == []


def test_a_session_ending_before_it_starts_is_refused_with_a_message(event, today):
    item = session(event, today)
    item.end_time = dt.time(13, 0)
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "end_time" in refused.value.message_dict


def test_moving_the_registration_to_another_day_frees_its_session_places(event, today):
    from events.services.registration import change

    entry_pass = visitor(event, today)
    booking = book(entry_pass=entry_pass, session=session(event, today), people=1).booking
    change(registration=entry_pass.registration, visit_date=today + dt.timedelta(days=1))
    booking.refresh_from_db()
    assert booking.status == SessionBookingStatus.CANCELLED


def test_a_smaller_party_holds_fewer_places_and_the_rest_go_to_the_waiting_list(event, today):
    from events.services.registration import change

    signing = session(event, today, places=3)
    entry_pass = visitor(event, today, party_size=3)
    booking = book(entry_pass=entry_pass, session=signing, people=3).booking
    waiting = book(entry_pass=visitor(event, today), session=signing, people=1).booking
    change(registration=entry_pass.registration, party_size=2)
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.people == 2
    assert waiting.status == SessionBookingStatus.BOOKED


def test_two_tabs_booking_the_same_pass_at_once_get_one_booking(event, today, monkeypatch):
    """The second tab read no booking before the first one's was saved: it meets the unique
    constraint under the lock and answers with the first tab's booking, writing nothing."""
    from events.services import sessions as service

    item = session(event, today, places=5)
    entry_pass = visitor(event, today, party_size=2)
    first = book(entry_pass=entry_pass, session=item, people=2)
    monkeypatch.setattr(service, "_held_that_day", lambda entry_pass, session: [])
    second = book(entry_pass=entry_pass, session=item, people=1)
    assert (second.created, second.booking.pk, second.booking.people) == (False, first.booking.pk, 2)
    assert SessionBooking.objects.filter(session=item).count() == 1
    assert item.bookings.booked().people() == 2
