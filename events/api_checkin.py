"""Gate endpoints of the JSON API: check-ins, undo, walk-ins, the offline bundle and sync.

Devices authenticate with ``Authorization: Bearer <token>`` (Wagtail API tokens, made with
``manage.py scanner_token``); the scanner page uses the staff member's session. Either way the
user must be in the Gate staff or Organisers group.
"""

import datetime as dt
import hashlib
import logging
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime
from pydantic import ValidationError as PydanticValidationError

from bookday import api_errors, hotcache, ratelimit
from bookday.api_errors import ApiError
from bookday.errors import ServiceError
from bookday.validators import CleanLine, reject_control_characters
from events.api_auth import AUTH, ClientId
from events.api_session_door import SessionScanIn, scan_at_door
from events.enums import CheckInMethod, CheckInResult, RegistrationStatus, Tone
from events.models import EventPage, Gate
from events.services import lookup, totals
from events.services.checkin import check_in, record_walk_ins, undo
from events.services.scanner import scanner_bundle

log = logging.getLogger(__name__)
LOOKUPS_PER_MINUTE = 30


router = Router(tags=["check-in"], auth=AUTH)


class CheckInIn(Schema):
    code: CleanLine = Field(..., max_length=300, description="The pass code or the full pass URL from the QR")
    event_id: int
    gate: int = Field(..., description="Gate id (see the scanner bundle)")
    client_id: str = ClientId
    scanned_at: AwareDatetime | None = Field(
        None, description="The device's time of the scan, with its UTC offset (offline scans)"
    )
    headcount: int | None = Field(None, description="Admit fewer than the rest of a group")
    offline_result: CheckInResult | None = Field(None, description="What the phone decided while offline")
    method: CheckInMethod = Field(
        CheckInMethod.SCAN,
        description="scan (camera or scanner gun), typed (by hand), lookup (found by name)",
    )


class PreviousOut(Schema):
    at: dt.datetime
    gate: str
    admitted: int


class CheckInOut(Schema):
    result: CheckInResult
    tone: Tone = Field(..., description="green: let in; amber: let in and notice; red: do not let in")
    admitted: int
    remaining: int
    party_size: int
    day: dt.date | None = Field(..., description="The day the pass is for")
    name: str = Field(..., description="The registration's name, to greet or check")
    organisation: str
    previous: list[PreviousOut]
    checkin_id: int
    message: str = Field(..., description="The reason in the user's language, for the screen")


class UndoIn(Schema):
    target: str = Field(..., max_length=64, description="The client_id of the scan or walk-in to undo")
    at: AwareDatetime | None = Field(None, description="The device's time of the undo")


class UndoByIdIn(Schema):
    event_id: int


class UndoOut(Schema):
    target: str
    kind: Literal["checkin", "walkin"]
    people: int
    undone_at: dt.datetime


class WalkInIn(Schema):
    gate: int
    count: int = Field(..., description="1 to 500 people")
    client_id: str = ClientId
    at: AwareDatetime | None = None


class WalkInOut(Schema):
    walk_in_id: int
    count: int
    created: bool


class ErrorOut(Schema):
    code: str
    message: str


def _event(event_id: int, request=None) -> EventPage:
    # Remembered for a few seconds (bookday.hotcache): read on every scan, edited rarely;
    # unpublishing or editing it is seen at once.
    event = hotcache.remember(
        ("scan-event", event_id), lambda: EventPage.objects.live().filter(pk=event_id).first(), request
    )
    if event is None:
        raise ApiError(422, "unknown_event", _("No such event."))
    return event


def _gate(event: EventPage, gate_id: int, request=None) -> Gate:
    gate = hotcache.remember(
        ("scan-gate", event.pk, gate_id),
        lambda: Gate.objects.filter(pk=gate_id, event=event).first(),
        request,
    )
    if gate is None:
        raise ApiError(422, "unknown_gate", _("This gate does not belong to the event."))
    return gate


def _device(request) -> str:
    token = request.auth if hasattr(request.auth, "prefix") else None
    return str(token) if token else "web: " + request.headers.get("User-Agent", "")[:200]


def decide(request, payload: CheckInIn) -> dict:
    event = _event(payload.event_id, request)
    gate = _gate(event, payload.gate, request)
    # A CheckInError is answered by bookday.api_errors with the code's status (CheckInError.statuses).
    decision = check_in(
        code=payload.code,
        event=event,
        gate=gate,
        client_id=payload.client_id,
        user=request.user,
        device=_device(request),
        scanned_at=payload.scanned_at,
        headcount=payload.headcount,
        offline_result=payload.offline_result or "",
        method=payload.method,
    )
    return {
        "result": decision.result,
        "tone": decision.tone,
        "admitted": decision.admitted,
        "remaining": decision.remaining,
        "party_size": decision.party_size,
        "day": decision.day,
        "name": decision.name,
        "organisation": decision.organisation,
        "previous": decision.previous,
        "checkin_id": decision.checkin.pk,
        "message": decision.message,
    }


@router.post(
    "/checkins/",
    response={200: CheckInOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Scan a pass at a gate",
)
def create_checkin(request, payload: CheckInIn):
    """Decide admit or refuse for one scan, and record it. Refusals answer 200 with their `result`."""
    return decide(request, payload)


def _undo(request, event: EventPage, **target) -> dict:
    undone = undo(event=event, user=request.user, **target)
    return {
        "target": undone.target,
        "kind": undone.kind,
        "people": undone.people,
        "undone_at": undone.undone_at,
    }


@router.post(
    "/events/{event_id}/undo/",
    response={200: UndoOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Undo the last action: a mistaken admission or walk-in count",
)
def undo_action(request, event_id: int, payload: UndoIn):
    """The action is named by the client_id it was made with. Only within a few minutes of it
    (on the device's clock when `at` is given); recorded with who undid it, never deleted.
    Undoing twice answers the same."""
    return _undo(request, _event(event_id, request), target=payload.target, at=payload.at)


@router.post(
    "/checkins/{checkin_id}/undo/",
    response={200: UndoOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Undo a mistaken admission by its id",
)
def undo_checkin(request, checkin_id: int, payload: UndoByIdIn):
    """Only an admission of `event_id` from the last few minutes; recorded on the check-in."""
    if not 0 < checkin_id < 2**63:
        raise ApiError(404, "not_found", _("Not found."))
    return _undo(request, _event(payload.event_id, request), checkin_id=checkin_id)


def count_walk_ins(request, event: EventPage, payload: WalkInIn) -> dict:
    gate = _gate(event, payload.gate, request)
    walk_in, created = record_walk_ins(
        event=event,
        gate=gate,
        count=payload.count,
        client_id=payload.client_id,
        user=request.user,
        device=_device(request),
        at=payload.at,
    )
    return {"walk_in_id": walk_in.pk, "count": walk_in.count, "created": created}


@router.post(
    "/events/{event_id}/walkins/",
    response={200: WalkInOut, 409: ErrorOut, 422: ErrorOut},
    summary="Count visitors without a pass",
)
def create_walk_ins(request, event_id: int, payload: WalkInIn):
    return count_walk_ins(request, _event(event_id, request), payload)


@router.get("/events/{event_id}/scanner-bundle/", summary="Everything a scanner needs to decide offline")
def get_scanner_bundle(request, event_id: int):
    """Pass codes as salted hashes, party size, day, status and people already in; no names or
    emails. Send the ETag back in If-None-Match: an unchanged bundle answers 304."""
    event = _event(event_id, request)
    body = scanner_bundle(event)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


class SyncCheckIn(CheckInIn):
    type: Literal["checkin"]


class SyncWalkIn(WalkInIn):
    type: Literal["walkin"]
    event_id: int


class SyncUndo(UndoIn):
    type: Literal["undo"]
    client_id: str = ClientId
    event_id: int


class SyncSessionScan(SessionScanIn):
    type: Literal["session"]
    session_id: int


SYNC_TYPES = {"checkin": SyncCheckIn, "walkin": SyncWalkIn, "undo": SyncUndo, "session": SyncSessionScan}


class SyncIn(Schema):
    items: list[dict[str, Any]] = Field(
        ...,
        max_length=1000,
        description="Queued actions in the order they were made: `{type: checkin, ...}` as POST "
        "/checkins/, `{type: walkin, event_id, ...}` as POST /events/{id}/walkins/, `{type: undo, "
        "client_id, event_id, target, at}` as POST /events/{id}/undo/, `{type: session, session_id, "
        "...}` as POST /sessions/{id}/admissions/",
    )


class SyncResult(Schema):
    client_id: str
    ok: bool
    status: int
    final: bool = Field(
        ..., description="true: decided by the rules, never send it again; false: retry it later"
    )
    body: dict


def _sync_item(request, raw: dict) -> dict:
    """One queued action, answered as its own endpoint would; a rule's refusal is final."""
    kind = SYNC_TYPES.get(raw.get("type"))
    if kind is None:
        raise ApiError(422, "invalid", _("Unknown kind of action."))
    try:
        item = kind.model_validate(raw)
    except PydanticValidationError as error:
        fields = sorted({str(part["loc"][0]) for part in error.errors() if part.get("loc")})
        raise ApiError(
            422, "invalid", _("The request is not valid."), {name: [] for name in fields}
        ) from None
    if item.type == "checkin":
        return decide(request, item)
    if item.type == "session":
        return scan_at_door(request, item.session_id, item)
    if item.type == "walkin":
        return count_walk_ins(request, _event(item.event_id, request), item)
    return _undo(request, _event(item.event_id, request), target=item.target, at=item.at)


@router.post(
    "/sync/", response={200: list[SyncResult]}, summary="Upload scans, walk-ins and undos made offline"
)
def sync(request, payload: SyncIn):
    """Each item is applied on its own, in order, with its original time; one bad item does not
    stop the rest. Per item: `final` with what the single endpoint would have answered, or
    `final: false` (status 503, code `retry_later`) when the server could not decide now: the
    device keeps the item and sends it again later."""
    results = []
    for raw in payload.items:
        client_id = str(raw.get("client_id") or "")[:64]
        try:
            answer = {"ok": True, "status": 200, "final": True, "body": _sync_item(request, raw)}
        except (ApiError, ServiceError) as error:
            status, body = api_errors.answer(error)
            answer = {"ok": False, "status": status, "final": True, "body": body}
        except DatabaseError:
            # Not decided: the database failed (or went away) for this item. Never drop it.
            log.exception("sync: item %s not decided", client_id)
            body = {
                "code": "retry_later",
                "message": _("The server could not record this now; it will be sent again."),
            }
            answer = {"ok": False, "status": 503, "final": False, "body": body}
        results.append({"client_id": client_id, **answer})
    return results


class LookupMatch(Schema):
    code: str
    name: str
    organisation: str
    party_size: int
    status: RegistrationStatus
    remaining: int = Field(..., description="People of the party not in yet today (0 unless confirmed)")
    day: dt.date


class LookupOut(Schema):
    results: list[LookupMatch]


@router.get(
    "/events/{event_id}/lookup/",
    response={200: LookupOut, 422: ErrorOut, 429: ErrorOut},
    summary="Find today's registration of a visitor without their QR",
)
def lookup_registration(request, event_id: int, q: str = Query(..., max_length=100)):
    """By phone number (any spelling), by name without accents, or by the last 4-6 characters of
    the pass code: at most five registrations for today. Admit one with POST /checkins/ and
    `method: lookup`."""
    event = _event(event_id, request)
    if not ratelimit.allow(f"lookup:{request.user.pk}", LOOKUPS_PER_MINUTE):
        raise ApiError(429, "rate_limited", _("Too many searches. Wait a minute and try again."))
    try:
        reject_control_characters(q)
    except ValidationError as error:
        raise ApiError(422, "invalid", _("The request is not valid."), {"q": error.messages}) from None
    try:
        results = lookup.find(event=event, query=q, day=timezone.localdate())
    except ValueError:
        raise ApiError(
            422, "invalid", _("Type at least 3 characters."), {"q": [_("Type at least 3 characters.")]}
        ) from None
    return {"results": results}


class TotalsOut(Schema):
    day: dt.date
    gate_admitted: int = Field(..., description="People admitted with a pass at this gate today")
    gate_walk_ins: int
    event_admitted: int
    event_walk_ins: int
    event_visits: int = Field(..., description="Everyone in today: pass holders plus walk-ins")


@router.get(
    "/events/{event_id}/totals/", response=TotalsOut, summary="Today's totals for a gate and the event"
)
def gate_totals(request, event_id: int, gate: int):
    event = _event(event_id, request)
    return totals.gate_totals(event=event, gate=_gate(event, gate, request), day=timezone.localdate())
