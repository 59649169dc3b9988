"""Gate endpoints of the JSON API: check-ins, undo, walk-ins, the offline bundle and sync.

Devices authenticate with ``Authorization: Bearer <token>`` (Wagtail API tokens, made with
``manage.py scanner_token``); the scanner page uses the staff member's session. Either way the
user must be in the Gate staff or Organisers group.
"""

import copy
import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from bookday import hotcache
from bookday.api_errors import ApiError
from events.enums import CheckInResult
from events.models import CheckIn, EventPage, Gate
from events.permissions import can_scan
from events.services import stats
from events.services.checkin import CheckInError, check_in, record_walk_ins, undo
from events.services.scanner import scanner_bundle


def _allowed(request, found):
    if found and not can_scan(request.user):
        raise ApiError(403, "forbidden", _("Only gate staff and organisers may use the scanner."))
    return found


class ScannerToken(BearerTokenAuth):
    """Wagtail's token check, remembered for a few seconds per token (bookday.hotcache): a gate
    phone scans every few seconds, and a revoked token or a user taken out of the group is
    forgotten at once."""

    def authenticate(self, request, token):
        request.user = AnonymousUser()  # never the session's user, whatever happens below
        if not APIToken.validate_token_format(token):  # garbage costs no database look-up
            return None
        digests = tuple(APIToken.candidate_key_hashes(token))
        remembered, allowed = hotcache.remember(
            ("scanner-token", digests), lambda: _resolve(digests), request
        )
        if remembered is None:
            return None
        self._touch_last_used(remembered)
        # Copies: the remembered objects are shared by every request of this process.
        api_token, request.user = copy.copy(remembered), copy.copy(remembered.user)
        api_token.user = request.user
        if not allowed:
            raise ApiError(403, "forbidden", _("Only gate staff and organisers may use the scanner."))
        return api_token

    def _touch_last_used(self, api_token):
        """Like Wagtail's (one write a minute), remembering the time on the remembered token."""
        interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
        now = timezone.now()
        if interval is not None and (
            api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() >= interval
        ):
            APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)  # no signal: no forget
            api_token.last_used_at = now


def _resolve(digests: tuple[str, ...]):
    """(active token with its user, may scan) or (None, False)."""
    api_token = (
        APIToken.objects.select_related("user").filter(key_hash__in=digests, revoked_at__isnull=True).first()
    )
    if api_token is None or not api_token.user.is_active:
        return None, False
    return api_token, can_scan(api_token.user)


class ScannerSession(SessionAuth):
    """The logged-in scanner page (with its CSRF token)."""

    def authenticate(self, request, key):
        return _allowed(request, super().authenticate(request, key))


AUTH = [ScannerToken(), ScannerSession()]
router = Router(tags=["check-in"], auth=AUTH)
ClientId = Field(
    ...,
    min_length=8,
    max_length=64,
    pattern=r"^[A-Za-z0-9._:-]+$",
    description="Chosen by the device, unique per action; a retry with it returns the first answer",
)


class CheckInIn(Schema):
    code: str = Field(..., max_length=300, description="The pass code or the full pass URL from the QR")
    event_id: int
    gate: int = Field(..., description="Gate id (see the scanner bundle)")
    client_id: str = ClientId
    scanned_at: dt.datetime | None = Field(None, description="The device's time of the scan (offline scans)")
    headcount: int | None = Field(None, description="Admit fewer than the rest of a group")
    offline_result: CheckInResult | None = Field(None, description="What the phone decided while offline")


class PreviousOut(Schema):
    at: dt.datetime
    gate: str
    admitted: int


class CheckInOut(Schema):
    result: CheckInResult
    admitted: int
    remaining: int
    party_size: int
    previous: list[PreviousOut]
    checkin_id: int
    message: str = Field(..., description="The reason in the user's language, for the screen")


class UndoOut(Schema):
    checkin_id: int
    undone_at: dt.datetime


class WalkInIn(Schema):
    gate: int
    count: int = Field(..., description="1 to 500 people")
    client_id: str = ClientId
    at: dt.datetime | None = None


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


def _refuse(error: CheckInError):
    status = 409 if error.code in {"client_id_conflict", "not_undoable"} else 422
    raise ApiError(status, error.code, error.message)


def decide(request, payload: CheckInIn) -> dict:
    event = _event(payload.event_id, request)
    gate = _gate(event, payload.gate, request)
    try:
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
        )
    except CheckInError as error:
        _refuse(error)
    return {
        "result": decision.result,
        "admitted": decision.admitted,
        "remaining": decision.remaining,
        "party_size": decision.party_size,
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


@router.post(
    "/checkins/{checkin_id}/undo/",
    response={200: UndoOut, 404: ErrorOut, 409: ErrorOut},
    summary="Undo a mistaken admission",
)
def undo_checkin(request, checkin_id: int):
    """Only an admission of the last few minutes; the undo is recorded on the check-in."""
    checkin = get_object_or_404(CheckIn, pk=checkin_id)
    try:
        checkin = undo(checkin=checkin, user=request.user)
    except CheckInError as error:
        _refuse(error)
    return {"checkin_id": checkin.pk, "undone_at": checkin.undone_at}


def count_walk_ins(request, event: EventPage, payload: WalkInIn) -> dict:
    gate = _gate(event, payload.gate, request)
    try:
        walk_in, created = record_walk_ins(
            event=event,
            gate=gate,
            count=payload.count,
            client_id=payload.client_id,
            user=request.user,
            device=_device(request),
            at=payload.at,
        )
    except CheckInError as error:
        _refuse(error)
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


class SyncItem(Schema):
    type: str = Field(..., pattern="^(checkin|walkin)$")
    client_id: str = Field(..., max_length=64)
    event_id: int
    gate: int
    code: str | None = Field(None, max_length=300)
    scanned_at: dt.datetime | None = None
    headcount: int | None = None
    offline_result: CheckInResult | None = None
    count: int | None = None
    at: dt.datetime | None = None


class SyncIn(Schema):
    items: list[SyncItem] = Field(..., max_length=1000)


class SyncResult(Schema):
    client_id: str
    ok: bool
    status: int
    body: dict


@router.post("/sync/", response={200: list[SyncResult]}, summary="Upload scans and walk-ins made offline")
def sync(request, payload: SyncIn):
    """Each item is applied on its own, with its original time; one bad item does not stop the rest.
    The answer lists, per item, what `/checkins/` or `/walkins/` would have answered."""
    results = []
    for item in payload.items:
        try:
            if item.type == "checkin":
                body = decide(
                    request,
                    CheckInIn(
                        code=item.code or "",
                        event_id=item.event_id,
                        gate=item.gate,
                        client_id=item.client_id,
                        scanned_at=item.scanned_at,
                        headcount=item.headcount,
                        offline_result=item.offline_result,
                    ),
                )
            else:
                body = count_walk_ins(
                    request,
                    _event(item.event_id, request),
                    WalkInIn(gate=item.gate, count=item.count or 0, client_id=item.client_id, at=item.at),
                )
            results.append({"client_id": item.client_id, "ok": True, "status": 200, "body": body})
        except ApiError as error:
            results.append(
                {
                    "client_id": item.client_id,
                    "ok": False,
                    "status": error.status,
                    "body": {"code": error.code, "message": error.message},
                }
            )
        except Exception as error:  # noqa: BLE001 - validation of one item must not lose the others
            results.append(
                {
                    "client_id": item.client_id,
                    "ok": False,
                    "status": 422,
                    "body": {"code": "invalid", "message": str(error)[:200]},
                }
            )
    return results


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
    return stats.gate_totals(event=event, gate=_gate(event, gate, request), day=timezone.localdate())
