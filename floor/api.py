"""GET /api/v1/events/{id}/floor/: an event's floor plan, in metres (floor.services.drawing)."""

from django.http import Http404
from ninja import Router, Schema

from events.models import EventPage
from floor.models import Floor
from floor.services.drawing import floor_json

router = Router(tags=["floor"])


class ZoneOut(Schema):
    name: str
    colour: str
    x: float
    y: float
    width: float
    height: float


class ExhibitorRef(Schema):
    name: str
    slug: str


class BoothOut(Schema):
    label: str
    x: float
    y: float
    width: float
    height: float
    zone: str | None
    exhibitor: ExhibitorRef | None


class PointOut(Schema):
    name: str
    x: float
    y: float


class ServiceOut(PointOut):
    kind: str


class FloorOut(Schema):
    width: float
    height: float
    zones: list[ZoneOut]
    booths: list[BoothOut]
    entrances: list[PointOut]
    services: list[ServiceOut]


@router.get("/events/{event_id}/floor/", response=FloorOut, summary="An event's floor plan")
def event_floor(request, event_id: int):
    """The floor in metres (x to the right, y down from the top-left corner): zones, booths
    with their exhibitor (or null when free), entrances (the event's gates) and services.
    404 when the event is not published or has no plan."""
    event = EventPage.objects.live().public().filter(pk=event_id).first()
    floor = Floor.objects.with_plan().filter(event=event).first() if event else None
    if floor is None:
        raise Http404
    return floor_json(floor)
