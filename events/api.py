"""Public event endpoints of the JSON API."""

import datetime as dt

from ninja import Router, Schema

from events.models import EventPage

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    title: str
    slug: str
    url: str
    start_date: dt.date
    end_date: dt.date
    venue: str
    venue_address: str
    registration_open: bool


@router.get("/", response=list[EventOut], summary="List live events", by_alias=True)
def list_events(request):
    """Every published event, soonest first, with whether registration is open now."""
    events = EventPage.objects.live().public().order_by("start_date", "pk")
    return [
        EventOut(
            id=event.pk,
            title=event.title,
            slug=event.slug,
            url=event.absolute_url,
            start_date=event.start_date,
            end_date=event.end_date,
            venue=event.venue_name,
            venue_address=event.venue_address,
            registration_open=event.registration_open,
        )
        for event in events
    ]
