"""The session door in the JSON API: staff scan a pass at a signing or a workshop.

The same staff and tokens as the gates (events.api_auth.AUTH).
"""

from django.http import Http404
from ninja import Field, Router, Schema
from pydantic import AwareDatetime

from bookday.validators import CleanLine
from events.api_auth import AUTH, ClientId
from events.enums import SessionEntryResult, Tone
from events.models import ProgrammeItem
from events.services.session_door import admit

router = Router(tags=["check-in"], auth=AUTH)


class SessionScanIn(Schema):
    code: CleanLine = Field(..., max_length=300, description="The pass code or the full pass URL from the QR")
    client_id: str = ClientId
    scanned_at: AwareDatetime | None = Field(None, description="The device's time of the scan")
    offline_result: SessionEntryResult | None = Field(
        None, description="What the phone decided while offline"
    )


class SessionScanOut(Schema):
    result: SessionEntryResult
    tone: Tone = Field(..., description="green: booked; amber: a walk-in on a free place; red: do not let in")
    admitted: int
    label: str = Field(..., description="The booking as the pass shows it, with a signing's queue number")
    name: str
    message: str
    admission_id: int


class ErrorOut(Schema):
    code: str
    message: str


@router.post(
    "/sessions/{session_id}/admissions/",
    response={200: SessionScanOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Scan a pass at a session's door",
)
def session_scan(request, session_id: int, payload: SessionScanIn):
    """Let in a pass with places booked at the session (or a walk-in on a free place, when the
    organiser allows it). Idempotent by `client_id`. 422 `no_places`: an open session. Scans
    made without network are uploaded through POST /sync/ as `{type: session, session_id, ...}`."""
    return scan_at_door(request, session_id, payload)


def scan_at_door(request, session_id: int, payload: SessionScanIn) -> dict:
    if not 1 <= session_id <= 2_147_483_647:
        raise Http404  # no database id that large
    session = ProgrammeItem.objects.select_related("page").filter(pk=session_id).first()
    if session is None or not session.page.live:
        raise Http404
    decision = admit(
        code=payload.code,
        session=session,
        client_id=payload.client_id,
        user=request.user,
        device=request.headers.get("User-Agent", ""),
        scanned_at=payload.scanned_at,
        offline_result=payload.offline_result or "",
    )
    admission = decision.admission
    registration = admission.entry_pass.registration if admission.entry_pass_id else None
    return {
        "result": decision.result,
        "tone": decision.tone,
        "admitted": admission.admitted,
        "label": decision.label,
        "name": registration.full_name if registration else "",
        "message": decision.message,
        "admission_id": admission.pk,
    }
