"""Registration: the one place that decides who gets a place on which day.

Every decision about a day's capacity is taken inside one transaction holding a row lock on
that day's EventDay, so concurrent registrations and cancellations are serialised per day and
a day can never be oversold. Emails go out after the transaction commits.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.consent import CURRENT_CONSENT_VERSION
from events.enums import RegistrationSource, RegistrationStatus, RegistrationWindow
from events.models import EventDay, EventPage, Pass, Registration
from events.models.registration import new_pass_code
from events.services import registration_sql as sql

log = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A refusal with a stable machine ``code``, a translated message and the form field it concerns."""

    messages = {
        "not_open": _("Registration has not opened yet."),
        "closed": _("Registration for this event has closed."),
        "day_over": _("This day of the event is over; pick a later day."),
        "invalid_day": _("Pick one of the days of the event."),
        "full": _("This day is fully booked."),
        "party_too_large": _("A single registration can bring at most %(max)s people."),
        "organisation_required": _(
            "Groups of more than %(max)s people must name their school or organisation."
        ),
        "consent_required": _("Please agree to the processing of your personal data for this event."),
        "not_cancellable": _("This registration can no longer be cancelled."),
        "not_changeable": _("This registration can no longer be changed."),
        "not_enough_places": _("There are not enough places left that day: %(left)s at most."),
        "already_that_day": _("This email address is already registered for that day."),
    }
    fields = {
        "invalid_day": "visit_date",
        "day_over": "visit_date",
        "party_too_large": "party_size",
        "organisation_required": "organisation",
        "consent_required": "consent",
        "not_enough_places": "party_size",
        "already_that_day": "visit_date",
        "full": "visit_date",
    }

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.field = self.fields.get(code)
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.messages[self.code]) % self.params if self.params else str(self.messages[self.code])


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool  # False: the address was already registered for that day; nothing new was written

    @property
    def status(self) -> str:
        return self.registration.status if self.created else "already_registered"


def _send_later(registration: Registration) -> None:
    transaction.on_commit(lambda: _enqueue_email(registration.pk))


def _enqueue_email(registration_id: int) -> None:
    """Queue the email; the registration is already saved, so a queue outage must not fail the
    request. The failure is recorded and `send_pending_emails` queues it again later."""
    from events.tasks import send_registration_email

    try:
        send_registration_email.enqueue(registration_id)
    except Exception as error:  # the queue (e.g. Redis) is unreachable
        log.warning("Could not queue the email of registration %s: %s", registration_id, error)
        Registration.objects.filter(pk=registration_id).update(email_error=f"queue: {error}"[:300])


def _day(event: EventPage, date: dt.date) -> tuple[int, int]:
    """(day id, the event's stored capacity), the day's row locked for the rest of the transaction;
    the row is created on the day's first registration.

    The capacity is read under the lock: the event object the caller holds may be a few
    seconds old (bookday.hotcache).
    """
    locked = sql.lock_day(event.pk, date)
    if locked is not None:
        return locked
    try:
        with transaction.atomic():
            EventDay.objects.create(event=event, date=date)
    except IntegrityError:  # created by a concurrent request between our look-up and insert
        pass
    return sql.lock_day(event.pk, date)


def _saved(instance):
    """A model instance for a row just inserted in SQL."""
    instance._state.adding, instance._state.db = False, "default"
    return instance


def _confirmed_people(day: EventDay) -> int:
    return day.registrations.confirmed().aggregate(n=Sum("party_size"))["n"] or 0


def _already_registered(event: EventPage, visit_date: dt.date, email: str) -> Registration | None:
    return Registration.objects.active().filter(day__event=event, day__date=visit_date, email=email).first()


def check_rules(
    *,
    event: EventPage,
    visit_date: dt.date,
    party_size: int,
    organisation: str,
    consent: bool,
    now: dt.datetime,
) -> None:
    """Everything that can be refused before looking at the day's capacity."""
    window = event.registration_window(now)
    if window == RegistrationWindow.NOT_YET:
        raise RegistrationError("not_open")
    if window == RegistrationWindow.CLOSED:
        raise RegistrationError("closed")
    if visit_date not in event.days:
        raise RegistrationError("invalid_day")
    if now >= event.closes_on(visit_date):
        raise RegistrationError("day_over")
    if party_size > event.max_party_size:
        raise RegistrationError("party_too_large", max=event.max_party_size)
    if party_size > event.organisation_required_above and not organisation.strip():
        raise RegistrationError("organisation_required", max=event.organisation_required_above)
    if not consent:
        raise RegistrationError("consent_required")


def register(
    *,
    event: EventPage,
    full_name: str,
    email: str,
    phone: str,
    visit_date: dt.date,
    party_size: int = 1,
    organisation: str = "",
    consent: bool,
    join_waitlist: bool = True,
    source: str = RegistrationSource.WEB,
    language: str = "vi",
    notify: bool = True,
    now: dt.datetime | None = None,
) -> RegistrationResult:
    """Register ``party_size`` people for one day of ``event``.

    Guarantees: the day's confirmed people never exceed the event's daily capacity; when the
    day is full the registration joins the waiting list (or ``full`` is raised when
    ``join_waitlist`` is false); an address already registered for that day gets its pass
    re-sent by email and nothing new is written. ``phone`` must already be normalised.
    ``notify=False`` sends no email (imports and demo data). Raises RegistrationError and
    writes nothing when it does.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    check_rules(
        event=event,
        visit_date=visit_date,
        party_size=party_size,
        organisation=organisation,
        consent=consent,
        now=now,
    )
    try:
        with transaction.atomic():
            day_id, stored_capacity = _day(event, visit_date)
            # The stricter of the capacity stored now and the one on the caller's event object
            # (which may be a few seconds old): a change in either direction never oversells.
            capacity = min(stored_capacity, event.daily_capacity)
            if sql.confirmed_people(day_id) + party_size <= capacity:
                status = RegistrationStatus.CONFIRMED
            elif join_waitlist and party_size <= capacity:
                status = RegistrationStatus.WAITING
            else:
                raise RegistrationError("full")
            values = {
                "event_id": event.pk,
                "day_id": day_id,
                "full_name": full_name.strip(),
                "email": email,
                "phone": phone,
                "party_size": party_size,
                "organisation": organisation.strip(),
                "status": status,
                "source": source,
                "language": language,
                "consent_at": now,
                "consent_version": CURRENT_CONSENT_VERSION,
                "created_at": now,
                "confirmed_at": now if status == RegistrationStatus.CONFIRMED else None,
                "cancelled_at": None,
                "email_sent_at": None,
                "email_attempts": 0,
                "email_error": "",
                "anonymised_at": None,
            }
            # An address already registered for the day fails this insert (the partial unique
            # index on day and email): no look-up on the common path, the lock held shorter.
            registration_id = sql.insert("events_registration", sql.REGISTRATION_COLUMNS, values)
            pass_values = {
                "registration_id": registration_id,
                "code": new_pass_code(),
                "pdf": "",
                "pdf_fingerprint": "",
                "created_at": timezone.now(),
            }
            pass_id = sql.insert("events_pass", sql.PASS_COLUMNS, pass_values)
            registration = _saved(Registration(id=registration_id, **values))
            registration.event = event
            registration.day = _saved(EventDay(id=day_id, event=event, date=visit_date))
            registration.entry_pass = _saved(Pass(id=pass_id, **pass_values))
            if notify:
                _send_later(registration)
    except (IntegrityError, RegistrationError):
        # Rolled back, lock released. Registered already (even on a full day): the pass again.
        existing = _already_registered(event, visit_date, email)
        if existing is None:
            raise
        if notify:
            _send_later(existing)
        return RegistrationResult(existing, created=False)
    return RegistrationResult(registration, created=True)


def cancel(*, registration: Registration, now: dt.datetime | None = None) -> list[Registration]:
    """Cancel a registration and give its places to the waiting list at once.

    Idempotent: cancelling a cancelled registration changes nothing. A day that is over cannot
    be cancelled (``not_cancellable``). Returns the registrations promoted from the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        EventDay.objects.select_for_update().get(pk=registration.day_id)
        # Only the registration's row: locking the event page joined for its closing time would
        # deadlock with a publish that holds the page's row and waits for this day (capacity_changed).
        current = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "day")
            .get(pk=registration.pk)
        )
        if current.status == RegistrationStatus.CANCELLED:
            return []
        if now >= current.event.closes_on(current.day.date):
            raise RegistrationError("not_cancellable")
        was_confirmed = current.status == RegistrationStatus.CONFIRMED
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        _send_later(current)
        promoted = _promote(current.day, now) if was_confirmed else []
    registration.refresh_from_db()
    return promoted


def promote_waitlist(*, day: EventDay, now: dt.datetime | None = None) -> list[Registration]:
    """Confirm waiting registrations, oldest first, while they fit (e.g. after capacity grows)."""
    with transaction.atomic():
        # The day's row only, as register() locks it; the event is read, not locked (see cancel).
        locked = EventDay.objects.select_for_update(of=("self",)).select_related("event").get(pk=day.pk)
        return _promote(locked, now or timezone.now())


def capacity_changed(*, event: EventPage, now: dt.datetime | None = None) -> list[Registration]:
    """Give the places a published change of ``event`` freed to its days' waiting lists.

    Called whenever the event page is published (events.signals): publishing is the only moment
    the stored daily capacity changes, and saving a draft changes nothing. Each day that has
    people waiting and is not over is promoted by promote_waitlist, under the day's row lock,
    in order, with the promoted visitors emailed their passes after commit; the same rule as
    after a cancellation. Days a later end date adds have no registrations yet, so no waiting
    list; days no longer in the event are left alone. With no free places nothing changes, so
    publishing an unrelated edit costs one query. Returns the registrations promoted.
    """
    now = now or timezone.now()
    days = (
        EventDay.objects.filter(
            event=event,
            date__range=(event.start_date, event.end_date),
            registrations__status=RegistrationStatus.WAITING,
        )
        .distinct()
        .order_by("date")
    )
    promoted = []
    for day in days:
        if now < event.closes_on(day.date):
            promoted += promote_waitlist(day=day, now=now)
    return promoted


def _promote(day: EventDay, now: dt.datetime) -> list[Registration]:
    """Within the caller's transaction and lock: confirm waiting registrations in order.

    A group too large for the places left is passed over for smaller ones behind it, so places
    do not stay empty; it keeps its position for the next cancellation.
    """
    free = day.event.daily_capacity - _confirmed_people(day)
    promoted = []
    for waiting in day.registrations.waiting().select_for_update():
        if free <= 0:
            break
        if waiting.party_size > free:
            continue
        waiting.status = RegistrationStatus.CONFIRMED
        waiting.confirmed_at = now
        waiting.save(update_fields=["status", "confirmed_at"])
        free -= waiting.party_size
        promoted.append(waiting)
        _send_later(waiting)
    return promoted


def resend_passes(*, email: str) -> int:
    """Email again every active registration of an address. Returns how many were queued."""
    registrations = list(Registration.objects.active().for_email(email))
    for registration in registrations:
        _send_later(registration)
    return len(registrations)


def resend_pass(*, registration: Registration) -> None:
    _send_later(registration)


# --- changes by the visitor (day, party size) ------------------------------------------------


@dataclass(frozen=True)
class ChangeResult:
    registration: Registration
    promoted: list[Registration]  # waiting registrations confirmed with the places freed


def change(
    *,
    registration: Registration,
    visit_date: dt.date | None = None,
    party_size: int | None = None,
    join_waitlist: bool = False,
    now: dt.datetime | None = None,
) -> ChangeResult:
    """Move a registration to another day and/or change how many people it brings.

    Guarantees, like register(): no day is ever oversold. Both days' rows are locked, always in
    date order so two visitors swapping days cannot deadlock. A confirmed registration that
    grows beyond the places left is refused (``not_enough_places``) and keeps what it had; a
    move to a full day is refused (``full``) unless ``join_waitlist``, which puts it at the
    end of that day's queue. A waiting registration stays waiting (in its place when the day
    does not change). Places freed on the old day go to its waiting list at once. Raises
    RegistrationError and changes nothing when it does.
    """
    now = now or timezone.now()
    event = registration.event
    new_date = visit_date or registration.day.date
    new_size = party_size or registration.party_size
    with transaction.atomic():
        dates = sorted({registration.day.date, new_date})
        locked = {date: _day(event, date) for date in dates}  # fixed order: by date
        current = (
            Registration.objects.select_for_update().select_related("event", "day").get(pk=registration.pk)
        )
        old_date = current.day.date
        if current.status == RegistrationStatus.CANCELLED or now >= event.closes_on(old_date):
            raise RegistrationError("not_changeable")
        if new_date == old_date and new_size == current.party_size:
            return ChangeResult(current, [])
        check_rules(
            event=event,
            visit_date=new_date,
            party_size=new_size,
            organisation=current.organisation,
            consent=True,  # given when registering
            now=now,
        )
        new_day_id, stored_capacity = locked[new_date]
        capacity = min(stored_capacity, event.daily_capacity)
        moving = new_date != old_date
        if moving and (Registration.objects.active().filter(day_id=new_day_id, email=current.email).exists()):
            raise RegistrationError("already_that_day")
        was_confirmed = current.status == RegistrationStatus.CONFIRMED
        taken = sql.confirmed_people(new_day_id)
        if was_confirmed and not moving:
            taken -= current.party_size
        fits = taken + new_size <= capacity
        if current.status == RegistrationStatus.WAITING and not moving:
            if new_size > capacity:
                raise RegistrationError("not_enough_places", left=capacity)
            status = RegistrationStatus.WAITING  # keeps its place; the promotion below may confirm it
        elif fits:
            status = RegistrationStatus.CONFIRMED
        elif not moving:
            raise RegistrationError("not_enough_places", left=max(capacity - taken, 0))
        elif join_waitlist and new_size <= capacity:
            status = RegistrationStatus.WAITING
        else:
            raise RegistrationError("full")
        fields = ["day", "party_size", "status", "confirmed_at"]
        if moving and status == RegistrationStatus.WAITING:
            # Joining another day's queue is joining it now: behind everyone already in it.
            current.created_at = now
            fields.append("created_at")
        current.day_id = new_day_id
        current.party_size = new_size
        if (status == RegistrationStatus.CONFIRMED and not was_confirmed) or moving:
            current.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
        current.status = status
        current.save(update_fields=fields)
        _send_later(current)
        promoted = []
        for date in dates:  # both days: the old one may have places free, a waiting one may fit
            day = EventDay.objects.select_related("event").get(pk=locked[date][0])
            promoted += _promote(day, now)
    registration.refresh_from_db()
    return ChangeResult(registration, [p for p in promoted if p.pk != registration.pk])
