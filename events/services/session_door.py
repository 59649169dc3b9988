"""At a session's door (a signing, a workshop): the one place that decides who goes in.

Staff pick the session in the scanner instead of a gate and scan the same pass. The decision
is taken under the session's row lock (events.services.sessions), so a walk-in taking the last
free place and a booking made at the same moment never overfill the room. A ``client_id``
chosen by the device makes a retried request return the first answer and record nothing new;
every attempt is recorded, refusals included. Without network the phone decides from its pass
list (decide.js decideSession, the twin of door_rule) and uploads the scan later.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from events.enums import RegistrationStatus, SessionBookingStatus, SessionEntryResult, Tone
from events.models import Pass, ProgrammeItem, SessionAdmission, SessionBooking
from events.services.checkin import parse_code
from events.services.sessions import give_places, lock_session

MESSAGES = {
    SessionEntryResult.BOOKED: _("Booked: welcome!"),
    SessionEntryResult.WALK_IN: _("Not booked, but there is a free place: let them in."),
    SessionEntryResult.ALREADY_ADMITTED: _("Already let in to this session."),
    SessionEntryResult.NOT_BOOKED: _("No place booked at this session. Do not admit."),
    SessionEntryResult.FULL: _("No place booked and the session is full. Do not admit."),
    SessionEntryResult.WAITING_LIST: _("On the waiting list for this session, no place yet. Do not admit."),
    SessionEntryResult.NOT_VALID: _("Not a valid pass for this session's day. Do not admit."),
}


class SessionDoorError(ServiceError):
    """A request that cannot be decided at all (a refused pass is a decision, not an error)."""

    messages = {
        "no_places": _("This session is open to everyone: there is no door to scan."),
        "client_id_conflict": _("This client_id was already used for a different scan."),
    }
    statuses = {"no_places": 422, "client_id_conflict": 409}


@dataclass
class SessionDecision:
    admission: SessionAdmission
    label: str = ""  # the booking as the pass shows it ("Ký tặng - ... - số 37")
    replayed: bool = False

    @property
    def result(self) -> str:
        return self.admission.result

    @property
    def tone(self) -> str:
        return door_tone(self.result)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.result])


def _fingerprint(**fields) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def admit(
    *,
    code: str,
    session: ProgrammeItem,
    client_id: str,
    user=None,
    device: str = "",
    scanned_at: dt.datetime | None = None,
    offline_result: str = "",
    now: dt.datetime | None = None,
) -> SessionDecision:
    """Decide whether the pass scanned at ``session``'s door lets its people in, and record it.

    Admitted: a pass with places booked there (its booked people), or, when the organiser
    allows walk-ins, a confirmed pass of the session's day while places are free (it then
    books them: the free places go down). A pass already let in is refused as such. Raises
    SessionDoorError for requests that cannot be decided. ``offline_result``: what the phone
    decided without network (uploaded later); a different verdict here is kept for review.
    """
    if session.places is None:
        raise SessionDoorError("no_places")
    fingerprint = _fingerprint(code=code, session=session.pk, scanned_at=scanned_at)
    now = now or timezone.now()
    scanned_at = min(scanned_at or now, now)
    parsed = parse_code(code)
    try:
        with transaction.atomic():
            session = lock_session(session)
            entry_pass = (
                Pass.objects.select_related("registration__day").filter(code=parsed).first()
                if parsed
                else None
            )
            result, admitted, booking = _decide(entry_pass, session, now)
            admission = SessionAdmission.objects.create(
                session=session,
                entry_pass=entry_pass,
                code=code[:300],
                result=result,
                admitted=admitted,
                scanned_at=scanned_at,
                received_at=now,
                user=user if user is not None and user.is_authenticated else None,
                device=device[:255],
                client_id=client_id,
                request_fingerprint=fingerprint,
                offline_result=offline_result,
            )
    except IntegrityError:  # the client_id was used before: the first answer
        existing = SessionAdmission.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        if existing.request_fingerprint != fingerprint:
            raise SessionDoorError("client_id_conflict") from None
        return SessionDecision(existing, label=_label(existing), replayed=True)
    return SessionDecision(admission, label=booking.label if booking else "")


def _label(admission: SessionAdmission) -> str:
    booking = (
        SessionBooking.objects.filter(session_id=admission.session_id, entry_pass_id=admission.entry_pass_id)
        .order_by("-pk")
        .first()
    )
    return booking.label if booking and admission.admitted else ""


@dataclass(frozen=True)
class DoorFacts:
    """What the door's rule looks at, read under the session's lock (or from the phone's pass
    list: decide.js decideSession is this rule's offline twin; both are tested against
    tests/shared/session_door_cases.json, so change them together)."""

    valid: bool  # a confirmed pass of this event for the session's day
    already_in: bool  # let in at this session before
    booked: int | None  # people of its booking; None: no booking
    waiting: bool  # the booking waits for a place
    party: int  # the pass's party size
    allow_walk_ins: bool
    free: int  # places not booked by anyone


def door_rule(facts: DoorFacts) -> tuple[str, int]:
    """(result, people let in now) at a session's door."""
    if not facts.valid:
        return SessionEntryResult.NOT_VALID, 0
    if facts.already_in:
        return SessionEntryResult.ALREADY_ADMITTED, 0
    if facts.booked is not None and not facts.waiting:
        return SessionEntryResult.BOOKED, facts.booked
    if not facts.allow_walk_ins:
        if facts.booked is not None:
            return SessionEntryResult.WAITING_LIST, 0
        return SessionEntryResult.NOT_BOOKED, 0
    people = min(facts.booked if facts.booked is not None else facts.party, facts.free)
    if people < 1:
        return SessionEntryResult.FULL, 0
    return SessionEntryResult.WALK_IN, people


def door_tone(result: str) -> str:
    if result == SessionEntryResult.BOOKED:
        return Tone.GREEN
    return Tone.AMBER if result == SessionEntryResult.WALK_IN else Tone.RED


def _decide(
    entry_pass: Pass | None, session: ProgrammeItem, now: dt.datetime
) -> tuple[str, int, SessionBooking | None]:
    """(result, people let in now, the booking); within the caller's lock on the session."""
    if entry_pass is None:
        return SessionEntryResult.NOT_VALID, 0, None
    registration = entry_pass.registration
    booking = session.bookings.active().filter(entry_pass=entry_pass).first()
    facts = DoorFacts(
        valid=(
            registration.status == RegistrationStatus.CONFIRMED
            and registration.event_id == session.page_id
            and registration.day.date == session.date
        ),
        already_in=session.admissions.admitted().filter(entry_pass=entry_pass).exists(),
        booked=booking.people if booking is not None else None,
        waiting=booking is not None and booking.status != SessionBookingStatus.BOOKED,
        party=registration.party_size,
        allow_walk_ins=session.allow_walk_ins,
        free=session.places - session.bookings.booked().people() if session.allow_walk_ins else 0,
    )
    result, people = door_rule(facts)
    if result == SessionEntryResult.NOT_VALID:
        return result, 0, None
    if result == SessionEntryResult.WALK_IN:
        # The walk-in takes the places it uses: they are no longer free to book.
        if booking is None:
            booking = SessionBooking(session=session, entry_pass=entry_pass, created_at=now)
        booking.people = people
        give_places(booking, session)
        booking.save()
    return result, people, booking if result != SessionEntryResult.ALREADY_ADMITTED else None
