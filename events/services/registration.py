"""Registration: the one place that decides who gets a place on which day.

Every decision about a day's capacity is taken inside one transaction holding a row lock on
that day's EventDay, so concurrent registrations and cancellations are serialised per day and
a day can never be oversold. Emails go out after the transaction commits: the service queues
them (events.tasks.queue_email) from ``transaction.on_commit``; the tasks never call back here.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from events.consent import CURRENT_CONSENT_VERSION
from events.enums import ENDED, HOLDS_PLACES, RegistrationSource, RegistrationStatus, RegistrationWindow
from events.models import EventDay, EventPage, Pass, Registration
from events.models.registration import new_pass_code
from events.services import registration_sql as sql
from events.services.access import HOLD_LINK_MAX_AGE, HOLD_SALT
from events.services.questions import AnswerRefused, clean_answers
from events.services.sessions import cancel_registration_bookings, fit_to_party
from events.tasks import queue_email


class RegistrationError(ServiceError):
    """Why a registration, a change or a cancellation is refused."""

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
        "link_invalid": _("This confirmation link is not valid. Use the newest email we sent."),
        "hold_expired": _("This link came too late: the places held for this registration were released."),
        "answer_required": _("Please answer this question."),
        "unknown_choice": _("Pick one of the answers offered."),
        "unknown_question": _("This event asks no such question."),
        "answer_invalid": _("This answer does not fit the question."),
        "answer_too_long": _("An answer can be at most %(max)s characters."),
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
    # The event's state, not the request's content: a conflict, the same code for every way
    # of being closed.
    statuses = {"full": 409, "closed": 409, "not_open": 409, "day_over": 409}
    api_codes = {"not_open": "closed", "day_over": "closed"}


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool  # False: the address was already registered for that day; nothing new was written

    @property
    def status(self) -> str:
        return self.registration.status if self.created else "already_registered"


def _send_later(registration: Registration) -> None:
    transaction.on_commit(lambda: queue_email(registration.pk))


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


def _people_holding_places(day: EventDay) -> int:
    return day.registrations.holding_places().aggregate(n=Sum("party_size"))["n"] or 0


def _release_expired(day: EventDay, now: dt.datetime) -> list[Registration]:
    """Within the caller's transaction and the day's lock: release the day's holds whose time is
    over and give their places to the waiting list. Returns the registrations promoted."""
    if not sql.release_expired_holds(day.pk, now):
        return []
    return _promote(day, now) if now < day.event.closes_on(day.date) else []


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
    answers: dict | None = None,
    require_answers: bool = True,
) -> dict:
    """Everything that can be refused before looking at the day's capacity. Returns the answers
    to the event's questions as they are stored (events.services.questions.clean_answers; {}
    when ``answers`` is None: a change of day or party keeps the answers it has)."""
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
    if answers is None:
        return {}
    try:
        return clean_answers(
            event=event,
            party_size=party_size,
            organisation=organisation,
            answers=answers,
            require=require_answers,
        )
    except AnswerRefused as refused:
        raise RegistrationError(refused.code, field=f"answers.{refused.key}", **refused.params) from None


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
    answers: dict | None = None,
    join_waitlist: bool = True,
    source: str = RegistrationSource.WEB,
    language: str = "vi",
    notify: bool = True,
    now: dt.datetime | None = None,
) -> RegistrationResult:
    """Register ``party_size`` people for one day of ``event``.

    Guarantees: the day's people holding places (confirmed, or held for a group) never exceed
    the event's daily capacity; when the day is full the registration joins the waiting list
    (or ``full`` is raised when ``join_waitlist`` is false); an address already registered for
    that day gets its pass (or its confirmation link) re-sent by email and nothing new is
    written. A group above the event's ``confirm_groups_above``, registered by the public, is
    not confirmed: its places are held (status ``pending_confirmation``) for the event's
    ``hold_minutes`` and it is emailed a confirmation link instead of a pass (see
    confirm_hold). Holds whose time is over are released first, under the same lock, so the
    decision is exact. ``phone`` must already be normalised. ``notify=False`` sends no email
    (imports and demo data, never held). ``answers`` to the event's own questions, {question
    id: value}, are checked and stored as check_rules says; a required question the party is
    asked must be answered, except by the organisers (``source`` admin: a registration taken by
    phone). Raises RegistrationError and writes nothing when it does.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    answers = check_rules(
        event=event,
        visit_date=visit_date,
        party_size=party_size,
        organisation=organisation,
        consent=consent,
        now=now,
        answers=answers or {},
        require_answers=source != RegistrationSource.ADMIN,
    )
    try:
        with transaction.atomic():
            day_id, stored_capacity = _day(event, visit_date)
            # The stricter of the capacity stored now and the one on the caller's event object
            # (which may be a few seconds old): a change in either direction never oversells.
            capacity = min(stored_capacity, event.daily_capacity)
            day = _saved(EventDay(id=day_id, event=event, date=visit_date))
            taken, expired = sql.people_holding_places(day_id, now)
            if expired:  # rare: released now, the waiting list first, then counted again
                _release_expired(day, now)
                taken, _expired = sql.people_holding_places(day_id, now)
            # Only a mailbox can confirm a hold: organisers' own entries and silent imports are not held.
            hold = (
                notify and source != RegistrationSource.ADMIN and event.needs_email_confirmation(party_size)
            )
            if taken + party_size <= capacity:
                status = RegistrationStatus.PENDING if hold else RegistrationStatus.CONFIRMED
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
                "held_until": _held_until(event, visit_date, now)
                if status == RegistrationStatus.PENDING
                else None,
                "cancelled_at": None,
                "email_sent_at": None,
                "email_attempts": 0,
                "email_error": "",
                "anonymised_at": None,
                "answers": answers,
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
            registration.day = day
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
    """Cancel a registration and give its places (also a group's hold) to the waiting list at once.

    Idempotent: cancelling a cancelled (or expired) registration changes nothing. A day that is over cannot
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
        if current.status in ENDED:
            return []
        if now >= current.event.closes_on(current.day.date):
            raise RegistrationError("not_cancellable")
        was_confirmed = current.status in HOLDS_PLACES  # a group's hold frees its places too
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        _send_later(current)
        promoted = _promote(current.day, now) if was_confirmed else []
        # A cancelled visit holds no places at sessions either: they go to those waiting lists.
        cancel_registration_bookings(registration=current, now=now)
    registration.refresh_from_db()
    return promoted


def promote_waitlist(*, day: EventDay, now: dt.datetime | None = None) -> list[Registration]:
    """Confirm waiting registrations, oldest first, while they fit (e.g. after capacity grows)."""
    with transaction.atomic():
        # The day's row only, as register() locks it; the event is read, not locked (see cancel).
        locked = EventDay.objects.select_for_update(of=("self",)).select_related("event").get(pk=day.pk)
        now = now or timezone.now()
        return _release_expired(locked, now) + _promote(locked, now)


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


def _held_until(event: EventPage, date: dt.date, now: dt.datetime) -> dt.datetime:
    """When a group's hold ends: never past the day's closing (a pass confirmed after that
    would admit no one)."""
    return min(now + dt.timedelta(minutes=event.hold_minutes), event.closes_on(date))


def _promote(day: EventDay, now: dt.datetime) -> list[Registration]:
    """Within the caller's transaction and lock: confirm waiting registrations in order (a large
    public group is held for its email confirmation instead, as when it registers).

    A group too large for the places left is passed over for smaller ones behind it, so places
    do not stay empty; it keeps its position for the next cancellation. Places held for a group
    awaiting its email confirmation are not free: they come back only when the hold ends.
    """
    free = day.event.daily_capacity - _people_holding_places(day)
    promoted = []
    for waiting in day.registrations.waiting().select_for_update():
        if free <= 0:
            break
        if waiting.party_size > free:
            continue
        if waiting.source != RegistrationSource.ADMIN and day.event.needs_email_confirmation(
            waiting.party_size
        ):
            # A large group from the public confirms its address before it gets its places, also
            # when its turn comes: a made-up group on the waiting list only holds them for a while.
            waiting.status = RegistrationStatus.PENDING
            waiting.held_until = _held_until(day.event, day.date, now)
        else:
            waiting.status = RegistrationStatus.CONFIRMED
            waiting.confirmed_at = now
        waiting.save(update_fields=["status", "confirmed_at", "held_until"])
        free -= waiting.party_size
        promoted.append(waiting)
        _send_later(waiting)
    return promoted


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
        # A hold is confirmed (or released) first: until then there is no pass to change.
        if current.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING):
            raise RegistrationError("not_changeable")
        if now >= event.closes_on(old_date):
            raise RegistrationError("not_changeable")
        for day_id, _capacity in locked.values():
            sql.release_expired_holds(day_id, now)  # their places count as free; promoted below
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
        taken, _expired = sql.people_holding_places(new_day_id, now)  # released above
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
        if moving:  # places at the old day's sessions are no use on another day: freed for others
            cancel_registration_bookings(registration=current, now=now)
        else:  # a smaller party holds fewer places at its sessions too
            fit_to_party(registration=current, now=now)
        _send_later(current)
        promoted = []
        for date in dates:  # both days: the old one may have places free, a waiting one may fit
            day = EventDay.objects.select_related("event").get(pk=locked[date][0])
            promoted += _promote(day, now)
    registration.refresh_from_db()
    return ChangeResult(registration, [p for p in promoted if p.pk != registration.pk])


# --- a group's hold, confirmed by the emailed link ---------------------------------------------


def held_registration(token: str) -> Registration:
    """The registration this emailed link stands for (read only); ``link_invalid``."""
    try:
        claim = signing.loads(token, salt=HOLD_SALT, max_age=HOLD_LINK_MAX_AGE)
    except signing.BadSignature:
        raise RegistrationError("link_invalid") from None
    registration = (
        Registration.objects.select_related("event", "day", "entry_pass").filter(pk=claim.get("r")).first()
    )
    if registration is None or registration.held_until is None:
        raise RegistrationError("link_invalid")
    return registration


@dataclass(frozen=True)
class HoldResult:
    registration: Registration
    confirmed_now: bool  # False: the link was followed before; nothing changed, nothing sent


def confirm_hold(*, token: str, now: dt.datetime | None = None) -> HoldResult:
    """Turn a group's held places into a confirmed registration with a pass, and email the pass.

    Guarantees: only within the hold time (``hold_expired`` after it; the places are then
    released at once, under the day's lock, and go to the waiting list); the link works once:
    following it again changes nothing and sends nothing, and only shows the pass. A hold that
    was cancelled, or a forged or stale link, is ``link_invalid``. Raises RegistrationError.
    """
    now = now or timezone.now()
    found = held_registration(token)
    with transaction.atomic():
        day = EventDay.objects.select_for_update(of=("self",)).select_related("event").get(pk=found.day_id)
        current = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "day", "entry_pass")
            .get(pk=found.pk)
        )
        if current.status == RegistrationStatus.CONFIRMED:
            return HoldResult(current, confirmed_now=False)
        if current.status == RegistrationStatus.PENDING and now < current.held_until:
            current.status = RegistrationStatus.CONFIRMED
            current.confirmed_at = now
            # The pass email is a new delivery: send_pending_emails retries it if it fails.
            current.email_sent_at, current.email_attempts, current.email_error = None, 0, ""
            current.save(
                update_fields=["status", "confirmed_at", "email_sent_at", "email_attempts", "email_error"]
            )
            _send_later(current)  # the pass, by email, as for any confirmed registration
            return HoldResult(current, confirmed_now=True)
        _release_expired(day, now)  # late: released now rather than at the next decision
    if current.status in (RegistrationStatus.PENDING, RegistrationStatus.EXPIRED):
        raise RegistrationError("hold_expired")
    raise RegistrationError("link_invalid")


def release_expired_holds(*, now: dt.datetime | None = None, day_id: int | None = None) -> int:
    """Release every hold whose time is over and give the places to the days' waiting lists.

    Registration does the same lazily for the day it decides on; this periodic run (the
    ``release_expired_holds`` command) keeps the figures and the places left shown to visitors
    right on days nobody registers for. Each day under its own row lock, in its own
    transaction. ``day_id`` narrows it to one day. Returns how many holds were released.
    """
    now = now or timezone.now()
    expired = Registration.objects.expired_holds(now)
    if day_id is not None:
        expired = expired.filter(day_id=day_id)
    day_ids = list(expired.order_by().values_list("day_id", flat=True).distinct())
    released = 0
    for each in sorted(day_ids):
        with transaction.atomic():
            day = EventDay.objects.select_for_update(of=("self",)).select_related("event").get(pk=each)
            count = sql.release_expired_holds(day.pk, now)
            if count and now < day.event.closes_on(day.date):
                _promote(day, now)
            released += count
    return released
