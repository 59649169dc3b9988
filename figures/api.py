"""The event's figures as JSON for organisers: ``GET /api/v1/events/{id}/stats/``.

Same Bearer tokens as the gate API (``manage.py scanner_token``), or an organiser's admin
session; only Organisers (and superusers) get figures, everyone else a 403.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth

from bookday.api_errors import ApiError
from events.models import EventPage
from events.permissions import is_organiser
from figures.stats import cached_figures


def _organisers_only(request, found):
    if found and not is_organiser(request.user):
        raise ApiError(403, "forbidden", _("Only organisers may see the event's figures."))
    return found


class OrganiserToken(BearerTokenAuth):
    def authenticate(self, request, token):
        return _organisers_only(request, super().authenticate(request, token))


class OrganiserSession(SessionAuth):
    def authenticate(self, request, key):
        return _organisers_only(request, super().authenticate(request, key))


router = Router(tags=["figures"], auth=[OrganiserToken(), OrganiserSession()])


class ByType(Schema):
    individual: int
    school: int
    group: int


class DayOut(Schema):
    date: dt.date
    visits: int = Field(..., description="People admitted with a pass plus walk-ins")
    admitted: int = Field(..., description="People admitted with a pass (undone admissions excluded)")
    walk_ins: int
    re_entries: int = Field(..., description="Scans refused because the whole party was already in")
    registrations: int = Field(..., description="Registrations for this day, cancelled ones excluded")
    registered_people: int = Field(..., description="People of the confirmed registrations")
    waiting: int = Field(..., description="Registrations on the waiting list")
    passes_used: int = Field(..., description="Passes for this day that admitted someone")
    registrations_by_type: ByType


class HourOut(Schema):
    hour: int = Field(..., description="Hour of the day in the fair's time zone (Asia/Ho_Chi_Minh)")
    visits: int
    admitted: int
    walk_ins: int


class GateOut(Schema):
    gate_id: int
    name: str
    visits: int
    admitted: int
    walk_ins: int
    re_entries: int


class PublisherOut(Schema):
    publisher_id: int
    name: str
    kind: str = Field(..., description="publishing_house, distributor, bookshop, library or other")
    booths: str
    titles: int
    copies: int
    copies_sold: int


class CategoryOut(Schema):
    category_id: int | None
    name: str
    titles: int
    copies: int
    copies_sold: int


class StatsOut(Schema):
    visits: int = Field(..., description="People admitted with a pass plus walk-ins; a group of 40 counts 40")
    walk_ins: int = Field(..., description="People counted at the gates without a pass")
    registrations: int = Field(
        ...,
        description="Confirmed and waiting registrations (not cancelled, not awaiting email confirmation)",
    )
    registered_people: int = Field(..., description="People of the confirmed registrations")
    passes_used: int = Field(..., description="Passes that admitted someone at least once")
    no_show_rate: float = Field(
        ..., description="Share (0 to 1) of confirmed registrations for days begun that never came"
    )
    re_entries: int = Field(..., description="Scans refused because the whole party was already in that day")
    exhibitors: int = Field(..., description="Approved exhibitors")
    titles: int = Field(..., description="Distinct titles on display: by ISBN-13, else publisher + SKU")
    copies: int = Field(..., description="Copies on display, all exhibitors")
    copies_sold: int = Field(..., description="Copies sold, as publishers report them")
    by_day: list[DayOut]
    by_hour: list[HourOut]
    by_gate: list[GateOut]
    by_publisher: list[PublisherOut]
    by_category: list[CategoryOut]


class ErrorOut(Schema):
    code: str
    message: str


class StatsQuery(Schema):
    day: dt.date | None = Field(
        None, description="Only this day (YYYY-MM-DD); books figures are the whole event's"
    )


@router.get(
    "/events/{event_id}/stats/",
    response={200: StatsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="An event's attendance and books figures",
    # The id it had when this router was events.api_stats: clients generated from the schema know it.
    operation_id="events_api_stats_event_stats",
)
def event_stats(request, event_id: int, filters: Query[StatsQuery]):
    """Live figures, at most 15 seconds old; definitions in docs/figures.md."""
    event = EventPage.objects.filter(pk=event_id).first()
    if event is None:
        raise ApiError(404, "not_found", _("No such event."))
    if filters.day and filters.day not in event.days:
        raise ApiError(422, "invalid_day", _("This day is not a day of the event."))
    figures = cached_figures(event, day=filters.day).as_dict()
    return {key: figures[key] for key in StatsOut.model_fields}
