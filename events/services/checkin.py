"""Check-in at the gates: the one place that decides admit or refuse.

Each decision is taken inside one transaction holding a row lock on the pass, so two gates
scanning the same pass at the same moment admit it once. A ``client_id`` chosen by the device
makes a retried request (or a re-uploaded offline scan) return the first answer and record
nothing new. Every attempt is recorded, refusals included.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import CheckInResult, RegistrationStatus
from events.models import CheckIn, EventPage, Gate, Pass, WalkIn
from events.models.registration import PASS_ALPHABET, PASS_CODE_LENGTH
from events.services import checkin_sql as sql
from events.services.checkin_sql import ScannedPass

UNDO_WINDOW = dt.timedelta(minutes=5)
_CODE = re.compile(rf"^[{PASS_ALPHABET}]{{{PASS_CODE_LENGTH}}}$")
_PASS_PATH = re.compile(r"^(?:/[a-z]{2})?/p/([^/]+)/?$")

MESSAGES = {
    CheckInResult.ADMITTED: _("Welcome!"),
    CheckInResult.ALREADY_ADMITTED: _("This pass has already been used today for the whole group."),
    CheckInResult.INVALID: _("This is not a Book Day pass."),
    CheckInResult.CANCELLED: _("This registration was cancelled."),
    CheckInResult.WAITING: _("On the waiting list: not confirmed."),
    CheckInResult.WRONG_EVENT: _("This pass is for another event."),
    CheckInResult.WRONG_DAY: _("This pass is for another day."),
    CheckInResult.NOT_OPEN: _("The fair is closed at this hour."),
}


class CheckInError(Exception):
    """A request that cannot be decided at all, with a stable machine ``code``."""

    messages = {
        "unknown_gate": _("This gate does not belong to the event."),
        "client_id_conflict": _("This client_id was already used for a different scan."),
        "invalid_headcount": _("The number of people to admit must be at least 1."),
        "invalid_count": _("Count between 1 and 500 people."),
        "not_undoable": _("Only an admission from the last few minutes can be undone."),
    }

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.messages[self.code])


@dataclass
class Decision:
    checkin: CheckIn
    party_size: int = 0
    remaining: int = 0
    previous: list[dict] = field(default_factory=list)
    replayed: bool = False  # True when the client_id had been seen: the first answer, nothing new

    @property
    def result(self) -> str:
        return self.checkin.result

    @property
    def admitted(self) -> int:
        return self.checkin.admitted

    @property
    def message(self) -> str:
        return str(MESSAGES[self.checkin.result])


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


def _previous(entry_pass: Pass | None, day: dt.date, exclude: int | None = None) -> list[dict]:
    """The pass's admissions that count on ``day``, oldest first: the people already in are
    their sum, so one query answers both."""
    if entry_pass is None:
        return []
    admissions = CheckIn.objects.counted().filter(entry_pass=entry_pass, day=day)
    if exclude:
        admissions = admissions.exclude(pk=exclude)
    return [
        {"at": at, "gate": gate, "admitted": admitted}
        for at, gate, admitted in admissions.order_by("scanned_at").values_list(
            "scanned_at", "gate__name", "admitted"
        )
    ]


def _replay(existing: CheckIn, fingerprint: str) -> Decision:
    if existing.request_fingerprint != fingerprint:
        raise CheckInError("client_id_conflict")
    party = existing.entry_pass.registration.party_size if existing.entry_pass_id else 0
    used = (
        CheckIn.objects.counted().filter(entry_pass=existing.entry_pass_id, day=existing.day).people()
        if existing.entry_pass_id
        else 0
    )
    return Decision(
        existing,
        party_size=party,
        remaining=max(party - used, 0),
        previous=_previous(existing.entry_pass, existing.day, exclude=existing.pk),
        replayed=True,
    )


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
) -> Decision:
    """Decide whether the pass scanned at ``gate`` admits people now, and record the attempt.

    ``headcount`` admits fewer than the rest of a group (the others may come later).
    ``offline_result`` is what a phone decided while offline; a different server decision is
    kept and flagged for organisers. Raises CheckInError for requests that cannot be decided.
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
    now = timezone.now()
    scanned_at = min(scanned_at or now, now)  # a phone clock ahead of ours cannot scan the future
    day = timezone.localdate(scanned_at)
    parsed = parse_code(code)
    fields = {
        "event_id": event.pk,
        "gate_id": gate.pk,
        "code": code[:300],
        "day": day,
        "scanned_at": scanned_at,
        "received_at": now,
        "user_id": user.pk if user is not None and user.is_authenticated else None,
        "device": device[:255],
        "client_id": client_id,
        "request_fingerprint": fingerprint,
        "offline_result": offline_result,
    }
    outcome = {}  # what decide() found beyond the row's columns

    def decide(entry_pass: ScannedPass | None, previous: list[dict]) -> dict:
        used = sum(admission["admitted"] for admission in previous)
        result, admitted, party, remaining = _decide(entry_pass, event, day, scanned_at, headcount, used)
        outcome.update(party=party, remaining=remaining)
        return {
            "entry_pass_id": entry_pass.id if entry_pass else None,
            "result": result,
            "admitted": admitted,
            "flagged": bool(offline_result) and offline_result != result,
        }

    try:
        # A client_id seen before fails the insert (unique): no look-up on the common path.
        checkin_id, previous = sql.scan(parsed, day, fields, decide)
    except IntegrityError:  # the client_id was used before (a retry, or the same scan twice at once)
        existing = (
            CheckIn.objects.select_related("entry_pass__registration", "gate")
            .filter(client_id=client_id)
            .first()
        )
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    checkin = CheckIn(id=checkin_id, **fields)
    checkin._state.adding, checkin._state.db = False, "default"
    checkin.event, checkin.gate = event, gate  # what the caller already holds: no look-up later
    return Decision(checkin, party_size=outcome["party"], remaining=outcome["remaining"], previous=previous)


def _decide(
    entry_pass: ScannedPass | None, event, day, scanned_at, headcount, used
) -> tuple[str, int, int, int]:
    """(result, people admitted now, party size, people of the party still to come)."""
    if entry_pass is None:
        return CheckInResult.INVALID, 0, 0, 0
    registration = entry_pass  # the registration's fields, read with the pass
    party = registration.party_size
    remaining = max(party - used, 0)
    if registration.event_id != event.pk:
        return CheckInResult.WRONG_EVENT, 0, party, remaining
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInResult.CANCELLED, 0, party, remaining
    if registration.status == RegistrationStatus.WAITING:
        return CheckInResult.WAITING, 0, party, remaining
    if registration.date != day:
        return CheckInResult.WRONG_DAY, 0, party, remaining
    if event.enforce_opening_hours and not event.opens_on(day) <= scanned_at < event.closes_on(day):
        return CheckInResult.NOT_OPEN, 0, party, remaining
    if remaining == 0:
        return CheckInResult.ALREADY_ADMITTED, 0, party, 0
    admitted = min(headcount or remaining, remaining)
    return CheckInResult.ADMITTED, admitted, party, remaining - admitted


def undo(*, checkin: CheckIn, user=None, now: dt.datetime | None = None) -> CheckIn:
    """Undo a mistaken admission of the last few minutes. Recorded on the row, never deleted."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.undone_at:
            return locked  # undoing twice changes nothing
        if locked.result != CheckInResult.ADMITTED or now - locked.received_at > UNDO_WINDOW:
            raise CheckInError("not_undoable")
        locked.undone_at, locked.undone_by = now, user
        locked.save(update_fields=["undone_at", "undone_by"])
    return locked


def record_walk_ins(
    *,
    event: EventPage,
    gate: Gate,
    count: int,
    client_id: str,
    user=None,
    device: str = "",
    at: dt.datetime | None = None,
) -> tuple[WalkIn, bool]:
    """Count visitors without a pass. Idempotent by ``client_id``: returns (walk-in, created)."""
    if gate.event_id != event.pk:
        raise CheckInError("unknown_gate")
    if not 1 <= count <= 500:
        raise CheckInError("invalid_count")
    existing = WalkIn.objects.filter(client_id=client_id).first()
    if existing:
        if (existing.gate_id, existing.count) != (gate.pk, count):
            raise CheckInError("client_id_conflict")
        return existing, False
    now = timezone.now()
    at = min(at or now, now)
    try:
        with transaction.atomic():
            walk_in = WalkIn.objects.create(
                event=event,
                gate=gate,
                count=count,
                day=timezone.localdate(at),
                at=at,
                user=user,
                device=device[:255],
                client_id=client_id,
            )
    except IntegrityError:
        return WalkIn.objects.get(client_id=client_id), False
    return walk_in, True
