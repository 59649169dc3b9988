"""Places at programme sessions (author signings, workshops): the one place that decides who
gets them.

Every decision about a session's places is taken inside one transaction holding a row lock on
the session's ProgrammeItem (the same pattern as a day's capacity in registration.py), so
concurrent bookings and cancellations are serialised per session and a session is never
oversold. Only that row is locked, never the event page: a publish holds the page's row and
then waits for the sessions (places_changed), so locking the page here could deadlock.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from events.enums import RegistrationStatus, SessionBookingStatus
from events.models import EventPage, Pass, ProgrammeItem, Registration, SessionBooking


class SessionError(ServiceError):
    """Why a booking at a session, or its cancellation, is refused."""

    messages = {
        "no_places": _("This session is open to everyone: there is nothing to book."),
        "not_confirmed": _("Only a confirmed pass can book places at a session."),
        "wrong_day": _("This session is not on the day of your pass."),
        "too_many": _("Your pass admits %(max)s people: book at most %(max)s places."),
        "invalid_people": _("Book at least one place."),
        "over": _("This session has already started."),
        "clash": _("You already have a place at “%(other)s” at the same time."),
        "full": _("This session is fully booked."),
    }
    fields = {"too_many": "people", "invalid_people": "people"}
    # The session's or the pass's state, not the request's content: conflicts.
    statuses = {
        "full": 409,
        "clash": 409,
        "not_confirmed": 409,
        "wrong_day": 409,
        "no_places": 409,
        "over": 409,
    }


@dataclass(frozen=True)
class BookingResult:
    booking: SessionBooking
    created: bool  # False: the pass already had places at this session; nothing new was written


@dataclass(frozen=True)
class PassSessions:
    """What a pass page shows about sessions (read only)."""

    bookings: list[SessionBooking]  # booked or waiting, in time order
    offers: list[ProgrammeItem]  # sessions of the pass's day still open to book, with places_left


def sessions_for_pass(entry_pass: Pass, now: dt.datetime | None = None) -> PassSessions:
    """The pass's bookings and the sessions of its day it could still book, from three queries."""
    now = now or timezone.now()
    registration = entry_pass.registration
    bookings = list(SessionBooking.objects.of_pass(entry_pass))
    booked_ids = {b.session_id for b in bookings}
    left = registration.event.session_places_left()
    offers = []
    if registration.status == RegistrationStatus.CONFIRMED:
        day_sessions = ProgrammeItem.objects.filter(
            page_id=registration.event_id, date=registration.day.date, places__isnull=False
        ).order_by("start_time", "pk")
        for session in day_sessions:
            if session.pk not in booked_ids and now < session.starts_at:
                session.places_left = left.get(session.pk, 0)
                offers.append(session)
    for booking in bookings:
        booking.session.places_left = left.get(booking.session_id, 0)
    return PassSessions(bookings, offers)


def lock_session(session: ProgrammeItem) -> ProgrammeItem:
    """The session's row, locked for the rest of the transaction, with its current places (an
    organiser may have published a change since the caller read it)."""
    return ProgrammeItem.objects.select_for_update().get(pk=session.pk)


def _next_queue_number(session: ProgrammeItem) -> int:
    """After every number ever given at this session, cancelled ones included: never reused."""
    last = SessionBooking.objects.filter(session=session).aggregate(n=Max("queue_number"))["n"]
    return (last or 0) + 1


def give_places(booking: SessionBooking, session: ProgrammeItem, last_number: int | None = None) -> None:
    """Within the caller's lock on ``session``: the booking holds its places (not saved here).
    ``last_number``: the session's highest queue number, when the caller has just read it."""
    booking.status = SessionBookingStatus.BOOKED
    if session.is_signing and booking.queue_number is None:
        booking.queue_number = last_number + 1 if last_number is not None else _next_queue_number(session)


def _clash(others, session: ProgrammeItem) -> ProgrammeItem | None:
    """The session among ``others`` (sessions the pass holds or waits for) that overlaps ``session``."""
    for other in others:
        if (
            other.pk != session.pk
            and other.starts_at < session.ends_or_assumed
            and session.starts_at < other.ends_or_assumed
        ):
            return other
    return None


def _held_that_day(entry_pass: Pass, session: ProgrammeItem) -> list[SessionBooking]:
    """The pass's standing bookings on ``session``'s day, with their sessions (one query)."""
    return list(
        SessionBooking.objects.active()
        .filter(entry_pass=entry_pass, session__date=session.date)
        .select_related("session")
    )


def check_rules(*, entry_pass: Pass, session: ProgrammeItem, people: int, now: dt.datetime) -> None:
    """Everything that can be refused before looking at the session's places."""
    registration = entry_pass.registration
    if session.places is None:
        raise SessionError("no_places")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise SessionError("not_confirmed")
    if session.page_id != registration.event_id or session.date != registration.day.date:
        raise SessionError("wrong_day")
    if now >= session.starts_at:
        raise SessionError("over")
    if people < 1:
        raise SessionError("invalid_people")
    if people > registration.party_size:
        raise SessionError("too_many", max=registration.party_size)


def book(
    *,
    entry_pass: Pass,
    session: ProgrammeItem,
    people: int = 1,
    join_waitlist: bool = True,
    now: dt.datetime | None = None,
) -> BookingResult:
    """Book ``people`` places at ``session`` for the holder of ``entry_pass``.

    Guarantees: the people booked at a session never exceed its places; when too few are left
    the booking joins the session's waiting list (or ``full`` is raised when ``join_waitlist``
    is false, or when the session has fewer places than ``people`` in all). Only a confirmed
    pass for the session's day books (``not_confirmed``, ``wrong_day``), for at most its party
    (``too_many``), before the session starts (``over``), and not at two sessions at once
    (``clash``). A signing gives each booking a queue number when its places are booked: in
    booking order, never reused. A pass that already holds places there gets them back
    (``created`` false) and nothing changes. Raises SessionError and writes nothing when it does.
    """
    now = now or timezone.now()
    if not (Pass.registration.is_cached(entry_pass) and Registration.day.is_cached(entry_pass.registration)):
        entry_pass = Pass.objects.select_related("registration__day").get(pk=entry_pass.pk)
    # What the pass already holds is read before taking the session's lock: the lock guards
    # this session's places, not the pass's other bookings (a clash is between two sessions,
    # each with its own lock), and two tabs booking the same place at once meet at the unique
    # constraint below. The lock is held only for the places: a popular signing opening at
    # 09:00 serves one booking after the other under it.
    check_rules(entry_pass=entry_pass, session=session, people=people, now=now)
    held = _held_that_day(entry_pass, session)
    existing = next((booking for booking in held if booking.session_id == session.pk), None)
    if existing is not None:
        return BookingResult(existing, created=False)
    other = _clash([booking.session for booking in held], session)
    if other is not None:
        raise SessionError("clash", other=other.title)
    try:
        with transaction.atomic():
            session = lock_session(session)
            check_rules(entry_pass=entry_pass, session=session, people=people, now=now)
            taken, last_number = session.bookings.taken_and_last_number()
            booking = SessionBooking(session=session, entry_pass=entry_pass, people=people, created_at=now)
            if people <= session.places - taken:
                give_places(booking, session, last_number)
            elif join_waitlist and people <= session.places:
                booking.status = SessionBookingStatus.WAITING
            else:
                raise SessionError("full")
            booking.save()
    except IntegrityError:  # the same pass at once from two tabs: the first one's booking
        first = SessionBooking.objects.active().filter(session_id=session.pk, entry_pass=entry_pass).first()
        if first is None:
            raise
        return BookingResult(first, created=False)
    return BookingResult(booking, created=True)


def cancel_booking(*, booking: SessionBooking, now: dt.datetime | None = None) -> list[SessionBooking]:
    """Cancel a booking and give its places to the session's waiting list at once, in order.

    Idempotent: cancelling a cancelled booking changes nothing. A session that has started
    cannot be cancelled (``over``). The queue number stays with the cancelled booking, unused.
    Returns the bookings promoted from the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(booking.session)
        current = SessionBooking.objects.select_for_update().get(pk=booking.pk)
        if current.status == SessionBookingStatus.CANCELLED:
            return []
        if now >= session.starts_at:
            raise SessionError("over")
        had_places = current.status == SessionBookingStatus.BOOKED
        current.status = SessionBookingStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        promoted = _promote(session, now) if had_places else []
    booking.refresh_from_db()
    return promoted


def cancel_registration_bookings(*, registration, now: dt.datetime | None = None) -> list[SessionBooking]:
    """Cancel every booking of a registration that ended (cancelled), each under its session's
    lock; sessions that have started keep their record. Returns the promoted bookings."""
    now = now or timezone.now()
    promoted = []
    bookings = SessionBooking.objects.active().filter(entry_pass__registration=registration)
    for booking in bookings.select_related("session"):
        if now < booking.session.starts_at:
            promoted += cancel_booking(booking=booking, now=now)
    return promoted


def fit_to_party(*, registration, now: dt.datetime | None = None) -> list[SessionBooking]:
    """After a registration's party shrank: its bookings hold at most its people now, each
    under its session's lock; the places freed go to the waiting lists. Returns the promoted."""
    now = now or timezone.now()
    promoted = []
    bookings = SessionBooking.objects.active().filter(
        entry_pass__registration=registration, people__gt=registration.party_size
    )
    for booking in bookings.select_related("session"):
        with transaction.atomic():
            session = lock_session(booking.session)
            current = SessionBooking.objects.select_for_update().get(pk=booking.pk)
            if current.status == SessionBookingStatus.CANCELLED or current.people <= registration.party_size:
                continue
            current.people = registration.party_size
            current.save(update_fields=["people"])
            if current.status == SessionBookingStatus.BOOKED and now < session.starts_at:
                promoted += _promote(session, now)
    return promoted


def _promote(session: ProgrammeItem, now: dt.datetime) -> list[SessionBooking]:
    """Within the caller's transaction and lock: book waiting bookings in the order they joined.

    A party too large for the places left is passed over for smaller ones behind it (as the
    days' waiting lists do), and keeps its position for the next free places.
    """
    free = (session.places or 0) - session.bookings.booked().people()
    promoted = []
    for waiting in session.bookings.waiting().select_for_update():
        if free <= 0:
            break
        if waiting.people > free:
            continue
        give_places(waiting, session)
        waiting.save(update_fields=["status", "queue_number"])
        free -= waiting.people
        promoted.append(waiting)
    return promoted


def promote_session(*, session: ProgrammeItem, now: dt.datetime | None = None) -> list[SessionBooking]:
    """Book waiting bookings, oldest first, while they fit (e.g. after the places grew)."""
    now = now or timezone.now()
    with transaction.atomic():
        return _promote(lock_session(session), now)


def places_changed(*, event: EventPage, now: dt.datetime | None = None) -> list[SessionBooking]:
    """Give the places a published change of ``event`` added to its sessions' waiting lists.

    Called whenever the event page is published (events.signals), like capacity_changed for
    the days: each session not started yet with people waiting is promoted under its lock.
    """
    now = now or timezone.now()
    sessions = ProgrammeItem.objects.filter(
        page=event, places__isnull=False, bookings__status=SessionBookingStatus.WAITING
    ).distinct()
    promoted = []
    for session in sessions:
        if now < session.starts_at:
            promoted += promote_session(session=session, now=now)
    return promoted
