"""Check-in at the gates: the one place that decides admit or refuse, and undoes.

Each decision is taken inside one transaction holding a row lock on the pass, so two gates
scanning the same pass at the same moment admit it once. A ``client_id`` chosen by the device
makes a retried request (or a re-uploaded offline scan) return the first answer, stored with
the row, and record nothing new. Every attempt is recorded, refusals included.

The decision (``_decide``) and the screen's colour (``tone``) have a twin in the scanner's
JavaScript (events/static/events/scanner/decide.js), which decides while the network is down;
both are tested against the same table of cases.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookday.errors import ServiceError
from events.enums import NOT_ISSUED, CheckInMethod, CheckInResult, RegistrationStatus, Tone
from events.models import CheckIn, EventPage, Gate, WalkIn
from events.models.registration import PASS_ALPHABET, PASS_CODE_LENGTH
from events.services import checkin_sql as sql
from events.services.checkin_sql import ScannedPass

UNDO_WINDOW = dt.timedelta(minutes=5)
# An undo decided on a phone within the window may reach the server later (offline), but not
# on another day: beyond this, the admission stands.
UNDO_UPLOAD_LIMIT = dt.timedelta(hours=12)
_CODE = re.compile(rf"^[{PASS_ALPHABET}]{{{PASS_CODE_LENGTH}}}$")
_PASS_PATH = re.compile(r"^(?:/[a-z]{2})?/p/([^/]+)/?$")

# The reason on the screen when there is nothing more particular to say.
MESSAGES = {
    CheckInResult.ADMITTED: gettext_lazy("Welcome!"),
    CheckInResult.REENTRY: gettext_lazy("Re-entry: this pass was already used today."),
    CheckInResult.ALREADY_ADMITTED: gettext_lazy(
        "This pass has already been used today for the whole group."
    ),
    CheckInResult.INVALID: gettext_lazy("This is not a Book Day pass."),
    CheckInResult.CANCELLED: gettext_lazy("This registration was cancelled. Do not admit."),
    CheckInResult.WAITING: gettext_lazy("On the waiting list, not confirmed. Do not admit."),
    CheckInResult.WRONG_EVENT: gettext_lazy("This pass is for another event."),
    CheckInResult.WRONG_DAY: gettext_lazy("This pass is for another day."),
    CheckInResult.NOT_OPEN: gettext_lazy("The fair is closed at this hour."),
}


class CheckInError(ServiceError):
    """A request that cannot be decided at all (a refused pass is a decision, not an error)."""

    messages = {
        "unknown_gate": gettext_lazy("This gate does not belong to the event."),
        "client_id_conflict": gettext_lazy("This client_id was already used for a different scan."),
        "invalid_headcount": gettext_lazy("The number of people to admit must be at least 1."),
        "invalid_count": gettext_lazy("Count between 1 and 500 people."),
        "not_undoable": gettext_lazy("Only an admission from the last few minutes can be undone."),
        "not_found": gettext_lazy("Nothing with this id was recorded at this event."),
    }
    # Every code is answered as itself: the scanner reads it.
    statuses = {
        "unknown_gate": 422,
        "client_id_conflict": 409,
        "invalid_headcount": 422,
        "invalid_count": 422,
        "not_undoable": 409,
        "not_found": 404,
    }


def tone(result: str, remaining: int, earlier: int) -> str:
    """Green: let them in. Amber: let them in and notice something (part of a group still to
    come, the rest of a group, a re-entry). Red: do not let them in. (Twin: decide.js tone.)"""
    if result == CheckInResult.REENTRY:
        return Tone.AMBER
    if result != CheckInResult.ADMITTED:
        return Tone.RED
    return Tone.AMBER if remaining > 0 or earlier > 0 else Tone.GREEN


@dataclass
class Decision:
    checkin: CheckIn
    party_size: int = 0
    remaining: int = 0
    previous: list[dict] = field(default_factory=list)  # [{at, gate, admitted}], oldest first
    day: dt.date | None = None  # the pass's day
    name: str = ""
    organisation: str = ""
    replayed: bool = False  # True when the client_id had been seen: the first answer, nothing new

    @property
    def result(self) -> str:
        return self.checkin.result

    @property
    def admitted(self) -> int:
        return self.checkin.admitted

    @property
    def tone(self) -> str:
        return tone(self.result, self.remaining, len(self.previous))

    @property
    def message(self) -> str:
        """The reason in plain words, in the active language."""
        result, last = self.result, self.previous[-1] if self.previous else None
        if result == CheckInResult.WRONG_DAY and self.day:
            return _("This pass is for %(day)s. Do not admit today.") % {"day": formats.date_format(self.day)}
        if result in (CheckInResult.ALREADY_ADMITTED, CheckInResult.REENTRY) and last:
            where = {"time": formats.time_format(timezone.localtime(last["at"])), "gate": last["gate"]}
            if result == CheckInResult.REENTRY:
                return _("Re-entry: first came in at %(time)s at %(gate)s.") % where
            return _("Already used today at %(time)s at %(gate)s. Do not admit.") % where
        if result == CheckInResult.ADMITTED and self.remaining:
            return _("Admitted %(n)s; %(rest)s of the group may still come.") % {
                "n": self.admitted,
                "rest": self.remaining,
            }
        if result == CheckInResult.ADMITTED and self.previous:
            return _("The rest of the group: everyone is in now.")
        return str(MESSAGES[result])


def parse_code(value: str) -> str | None:
    """The pass code in a bare code ("abcd efgh ...") or a pass URL of this site; None otherwise."""
    value = (value or "").strip()
    if "/" in value:
        parts = urlsplit(value if "://" in value else "https://" + value)
        if parts.netloc and parts.netloc.lower() != urlsplit(settings.BASE_URL).netloc.lower():
            return None  # a QR code of another site
        match = _PASS_PATH.match(parts.path)
        if not match:
            return None
        value = match.group(1)
    code = "".join(value.split()).upper()
    return code if _CODE.match(code) else None


def _fingerprint(**fields) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def check_in(
    *,
    code: str,
    event: EventPage,
    gate: Gate,
    client_id: str,
    user=None,
    device: str = "",
    scanned_at: dt.datetime | None = None,
    headcount: int | None = None,
    offline_result: str = "",
    method: str = CheckInMethod.SCAN,
    now: dt.datetime | None = None,
) -> Decision:
    """Decide whether the pass scanned at ``gate`` admits people now, and record the attempt.

    ``headcount`` admits fewer than the rest of a group (the others may come later).
    ``offline_result`` is what a phone decided while offline; a different server decision is
    kept and flagged for organisers. A ``client_id`` seen before returns the first answer.
    Raises CheckInError for requests that cannot be decided.
    """
    if gate.event_id != event.pk:
        raise CheckInError("unknown_gate")
    if headcount is not None and headcount < 1:
        raise CheckInError("invalid_headcount")
    # The request as the client sent it: the same client_id must always carry the same content.
    fingerprint = _fingerprint(
        code=code,
        event=event.pk,
        gate=gate.pk,
        headcount=headcount,
        scanned_at=scanned_at.isoformat() if scanned_at else None,
    )
    now = now or timezone.now()
    scanned_at = min(scanned_at or now, now)  # a phone clock ahead of ours cannot scan the future
    day = timezone.localdate(scanned_at)
    parsed = parse_code(code)
    try:
        with transaction.atomic():
            entry_pass = sql.lock_pass(parsed) if parsed else None
            # Read after the lock: a concurrent scan of this pass has committed by now.
            previous = sql.admissions(entry_pass.id, day) if entry_pass else []
            result, admitted, party, remaining = _decide(
                entry_pass, event, day, scanned_at, headcount, previous
            )
            answer = {
                "party_size": party,
                "remaining": remaining,
                "previous": [{**entry, "at": entry["at"].isoformat()} for entry in previous],
                "day": entry_pass.date.isoformat() if entry_pass else None,
            }
            row = {
                "event_id": event.pk,
                "gate_id": gate.pk,
                "entry_pass_id": entry_pass.id if entry_pass else None,
                "code": code[:300],
                "method": method,
                "result": result,
                "admitted": admitted,
                "day": day,
                "scanned_at": scanned_at,
                "received_at": now,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "device": device[:255],
                "client_id": client_id,
                "request_fingerprint": fingerprint,
                "offline_result": offline_result,
                "flagged": bool(offline_result) and offline_result != result,
                "answer": answer,
            }
            # A client_id seen before fails the insert (unique): no look-up on the common path.
            checkin_id = sql.insert_checkin(**row)
    except IntegrityError:  # the client_id was used before (a retry, or the same scan twice at once)
        existing = (
            CheckIn.objects.select_related("entry_pass__registration").filter(client_id=client_id).first()
        )
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    checkin = CheckIn(id=checkin_id, **row)
    checkin._state.adding, checkin._state.db = False, "default"
    checkin.event, checkin.gate = event, gate  # what the caller already holds: no look-up later
    return Decision(
        checkin,
        party_size=party,
        remaining=remaining,
        previous=previous,
        day=entry_pass.date if entry_pass else None,
        name=entry_pass.full_name if entry_pass else "",
        organisation=entry_pass.organisation if entry_pass else "",
    )


def _replay(existing: CheckIn, fingerprint: str) -> Decision:
    """The answer the first request with this client_id got, from what was stored with it."""
    if existing.request_fingerprint != fingerprint:
        raise CheckInError("client_id_conflict")
    answer = existing.answer
    registration = existing.entry_pass.registration if existing.entry_pass_id else None
    return Decision(
        existing,
        party_size=answer.get("party_size", 0),
        remaining=answer.get("remaining", 0),
        previous=[
            {**entry, "at": dt.datetime.fromisoformat(entry["at"])} for entry in answer.get("previous", [])
        ],
        day=dt.date.fromisoformat(answer["day"]) if answer.get("day") else None,
        name=registration.full_name if registration else "",
        organisation=registration.organisation if registration else "",
        replayed=True,
    )


def _decide(
    entry_pass: ScannedPass | None, event, day, scanned_at, headcount, previous
) -> tuple[str, int, int, int]:
    """(result, people admitted now, party size, people of the party still to come)."""
    if entry_pass is None or entry_pass.status in NOT_ISSUED:
        return CheckInResult.INVALID, 0, 0, 0
    party = entry_pass.party_size
    remaining = max(party - sum(admission["admitted"] for admission in previous), 0)
    if entry_pass.event_id != event.pk:
        return CheckInResult.WRONG_EVENT, 0, party, remaining
    if entry_pass.status == RegistrationStatus.CANCELLED:
        return CheckInResult.CANCELLED, 0, party, remaining
    if entry_pass.status == RegistrationStatus.WAITING:
        return CheckInResult.WAITING, 0, party, remaining
    if entry_pass.date != day:
        return CheckInResult.WRONG_DAY, 0, party, remaining
    if event.enforce_opening_hours and not event.opens_on(day) <= scanned_at < event.closes_on(day):
        return CheckInResult.NOT_OPEN, 0, party, remaining
    if remaining == 0:
        result = CheckInResult.REENTRY if event.allow_reentry else CheckInResult.ALREADY_ADMITTED
        return result, 0, party, 0
    admitted = min(headcount or remaining, remaining)
    return CheckInResult.ADMITTED, admitted, party, remaining - admitted


@dataclass
class Undone:
    kind: str  # "checkin" or "walkin"
    target: str  # the client_id of the action undone
    people: int
    undone_at: dt.datetime


def undo(
    *,
    event: EventPage,
    target: str = "",
    checkin_id: int | None = None,
    user=None,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Undone:
    """Undo a gate action of ``event``: an admission or a walk-in count, named by the client_id
    it was made with (``target``) or, for an admission, by its id.

    Only within UNDO_WINDOW of the action, measured on the device's clock when ``at`` (the
    device's time of the undo) is given, so an undo made offline still counts when uploaded.
    Recorded on the row with who undid it, never deleted; undoing twice changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        checkins = CheckIn.objects.select_for_update().filter(event=event)
        checkin = (
            checkins.filter(pk=checkin_id) if checkin_id else checkins.filter(client_id=target)
        ).first()
        if checkin is not None:
            if checkin.result != CheckInResult.ADMITTED:
                raise CheckInError("not_undoable")
            row, done_at, people = checkin, checkin.scanned_at, checkin.admitted
        else:
            row = (
                None
                if checkin_id
                else WalkIn.objects.select_for_update().filter(event=event, client_id=target).first()
            )
            if row is None:
                raise CheckInError("not_found")
            done_at, people = row.at, row.count
        if row.undone_at is None:
            if not _undoable(done_at, row.received_at, at, now):
                raise CheckInError("not_undoable")
            row.undone_at, row.undone_by = now, user if user is not None and user.is_authenticated else None
            row.save(update_fields=["undone_at", "undone_by"])
    kind = "checkin" if isinstance(row, CheckIn) else "walkin"
    return Undone(kind=kind, target=row.client_id, people=people, undone_at=row.undone_at)


def _undoable(
    done_at: dt.datetime, received_at: dt.datetime, at: dt.datetime | None, now: dt.datetime
) -> bool:
    if now - received_at > UNDO_UPLOAD_LIMIT:
        return False
    if at is None:  # decided now: measured on our clock from when we recorded the action
        return now - received_at <= UNDO_WINDOW
    return min(at, now) - done_at <= UNDO_WINDOW


def record_walk_ins(
    *,
    event: EventPage,
    gate: Gate,
    count: int,
    client_id: str,
    user=None,
    device: str = "",
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[WalkIn, bool]:
    """Count visitors without a pass. Idempotent by ``client_id``: returns (walk-in, created);
    the same client_id with another gate or count is a conflict."""
    if gate.event_id != event.pk:
        raise CheckInError("unknown_gate")
    if not 1 <= count <= 500:
        raise CheckInError("invalid_count")
    existing = WalkIn.objects.filter(client_id=client_id).first()
    if existing is None:
        now = now or timezone.now()
        at = min(at or now, now)
        try:
            with transaction.atomic():
                walk_in = WalkIn.objects.create(
                    event=event,
                    gate=gate,
                    count=count,
                    day=timezone.localdate(at),
                    at=at,
                    received_at=now,
                    user=user if user is not None and user.is_authenticated else None,
                    device=device[:255],
                    client_id=client_id,
                )
            return walk_in, True
        except IntegrityError:  # the same client_id inserted at the same moment by another request
            existing = WalkIn.objects.get(client_id=client_id)
    if (existing.event_id, existing.gate_id, existing.count) != (event.pk, gate.pk, count):
        raise CheckInError("client_id_conflict")
    return existing, False
