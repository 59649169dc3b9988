"""Sessions with places in the JSON API: the programme with places left, and a pass's bookings.

The pass code is the credential here, as on the pass page: 129 random bits, never listed.
"""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from events.models import EventPage, Pass, ProgrammeItem, SessionBooking
from events.models.registration import PASS_CODE_LENGTH
from events.services.sessions import book, cancel_booking

router = Router(tags=["sessions"])


class SessionOut(Schema):
    id: int
    kind: str
    title: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time | None
    place: str = Field(..., description="Room, stage or booth")
    speakers: str
    places: int | None = Field(..., description="null: an open session, nothing to book")
    places_left: int | None = Field(..., description="null for an open session")
    allow_walk_ins: bool


# A database id: larger numbers are no session at all (and would overflow the column).
SessionId = Field(..., ge=1, le=2_147_483_647)


class BookingIn(Schema):
    session_id: int = SessionId
    people: int = Field(1, ge=1, le=500, description="Up to the pass's party size")
    join_waitlist: bool = Field(
        True, description="Join the waiting list when too few places are left (else 409 full)"
    )


class BookingOut(Schema):
    session_id: int
    title: str
    status: str = Field(..., description="booked or waiting")
    people: int
    queue_number: int | None = Field(..., description="Author signings: the place in the queue")


class CancelledOut(Schema):
    session_id: int
    status: str = Field("cancelled")


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


class CancelIn(Schema):
    session_id: int = SessionId


@router.get(
    "/events/{event_id}/programme/",
    response={200: list[SessionOut], 404: ErrorOut},
    summary="The programme of an event with places left",
)
def programme(request, event_id: int):
    """Every programme item in time order; sessions with places say how many are left."""
    event = EventPage.objects.live().public().filter(pk=event_id).first()
    if event is None:
        raise Http404
    left = event.session_places_left()
    items = ProgrammeItem.objects.filter(page=event).order_by("date", "start_time", "pk")
    return [
        SessionOut(
            id=item.pk,
            kind=item.kind,
            title=item.title,
            date=item.date,
            start_time=item.start_time,
            end_time=item.end_time,
            place=item.place,
            speakers=item.speakers,
            places=item.places,
            places_left=left.get(item.pk),
            allow_walk_ins=item.allow_walk_ins,
        )
        for item in items
    ]


def _pass(code: str) -> Pass:
    code = code.strip().upper()
    if len(code) != PASS_CODE_LENGTH:
        raise Http404  # garbage costs no database look-up
    found = (
        Pass.objects.filter(code=code, registration__anonymised_at__isnull=True)
        .select_related("registration__day")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _session(entry_pass: Pass, session_id: int) -> ProgrammeItem:
    """A session of the pass's event; another event's session is as unknown as none."""
    found = ProgrammeItem.objects.filter(pk=session_id, page_id=entry_pass.registration.event_id).first()
    if found is None:
        raise Http404
    return found


def _out(booking: SessionBooking) -> dict:
    return {
        "session_id": booking.session_id,
        "title": booking.session.title,
        "status": booking.status,
        "people": booking.people,
        "queue_number": booking.queue_number,
    }


@router.post(
    "/passes/{code}/sessions/",
    response={201: BookingOut, 200: BookingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Book places at a session with a pass",
)
def book_session(request, code: str, payload: BookingIn):
    """201: booked, or on the session's waiting list (`status`). 200: this pass already holds
    places there; nothing changed. 409 `full`, `clash`, `not_confirmed`, `wrong_day`,
    `no_places` (an open session), `over` (started). 422 `invalid` (e.g. more people than the
    pass admits, on `people`). 404: no such pass or session."""
    entry_pass = _pass(code)
    session = _session(entry_pass, payload.session_id)
    result = book(
        entry_pass=entry_pass, session=session, people=payload.people, join_waitlist=payload.join_waitlist
    )
    return Status(201 if result.created else 200, _out(result.booking))


@router.delete(
    "/passes/{code}/sessions/",
    response={200: CancelledOut, 404: ErrorOut, 409: ErrorOut},
    summary="Cancel a pass's places at a session",
)
def cancel_session(request, code: str, query: Query[CancelIn]):
    """Cancel the pass's booking at `session_id`; the places go to the waiting list at once.
    200 also when it was cancelled already. 404: no booking of this pass there. 409 `over`."""
    entry_pass = _pass(code)
    session = _session(entry_pass, query.session_id)
    booking = SessionBooking.objects.filter(entry_pass=entry_pass, session=session).order_by("-pk").first()
    if booking is None:
        raise Http404
    cancel_booking(booking=booking)
    return {"session_id": session.pk, "status": "cancelled"}
