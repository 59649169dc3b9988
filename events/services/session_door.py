"""At a session's door (a signing, a workshop): the one place that decides who goes in.

Staff pick the session in the scanner instead of a gate and scan the same pass. The decision
is taken under the session's row lock (events.services.sessions), so a walk-in taking the last
free place and a booking made at the same moment never overfill the room. A ``client_id``
chosen by the device makes a retried request return the first answer and record nothing new;
every attempt is recorded, refusals included. Online only: the scanner's offline twin
(decide.js) knows gates, not sessions.
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
        if self.result == SessionEntryResult.BOOKED:
            return Tone.GREEN
        return Tone.AMBER if self.result == SessionEntryResult.WALK_IN else Tone.RED

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
    now: dt.datetime | None = None,
) -> SessionDecision:
    """Decide whether the pass scanned at ``session``'s door lets its people in, and record it.

    Admitted: a pass with places booked there (its booked people), or, when the organiser
    allows walk-ins, a confirmed pass of the session's day while places are free (it then
    books them: the free places go down). A pass already let in is refused as such. Raises
    SessionDoorError for requests that cannot be decided.
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


def _decide(
    entry_pass: Pass | None, session: ProgrammeItem, now: dt.datetime
) -> tuple[str, int, SessionBooking | None]:
    """(result, people let in now, the booking); within the caller's lock on the session."""
    if entry_pass is None:
        return SessionEntryResult.NOT_VALID, 0, None
    registration = entry_pass.registration
    if (
        registration.status != RegistrationStatus.CONFIRMED
        or registration.event_id != session.page_id
        or registration.day.date != session.date
    ):
        return SessionEntryResult.NOT_VALID, 0, None
    if session.admissions.admitted().filter(entry_pass=entry_pass).exists():
        return SessionEntryResult.ALREADY_ADMITTED, 0, None
    booking = session.bookings.active().filter(entry_pass=entry_pass).first()
    if booking is not None and booking.status == SessionBookingStatus.BOOKED:
        return SessionEntryResult.BOOKED, booking.people, booking
    if not session.allow_walk_ins:
        if booking is not None:
            return SessionEntryResult.WAITING_LIST, 0, booking
        return SessionEntryResult.NOT_BOOKED, 0, None
    free = session.places - session.bookings.booked().people()
    wanted = booking.people if booking is not None else registration.party_size
    people = min(wanted, free)
    if people < 1:
        return SessionEntryResult.FULL, 0, booking
    # The walk-in takes the places it uses: they are no longer free to book.
    if booking is None:
        booking = SessionBooking(session=session, entry_pass=entry_pass, created_at=now)
    booking.people = people
    give_places(booking, session)
    booking.save()
    return SessionEntryResult.WALK_IN, people, booking
