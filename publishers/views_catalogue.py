"""Public pages of an event's book fair: the catalogue ("where can I find this book?") and the
directory of exhibitors. Thin: they read publishers.services.catalogue and render."""

from django.shortcuts import render
from django.utils.http import urlencode

from events.views import live_event
from publishers.enums import OrganisationType
from publishers.services import catalogue


def _text(request, name: str, limit: int) -> str:
    return request.GET.get(name, "").strip()[:limit]


def catalogue_view(request, pk: int):
    event = live_event(pk)
    q = _text(request, "q", catalogue.MAX_QUERY_LENGTH)
    category = _text(request, "category", 80)
    publisher = _text(request, "publisher", 80)
    found = catalogue.search_page(
        event, q=q, category=category, publisher=publisher, page=request.GET.get("page"), lenient=True
    )
    filters = {
        key: value for key, value in (("q", q), ("category", category), ("publisher", publisher)) if value
    }
    return render(
        request,
        "publishers/catalogue.html",
        {
            "event": event,
            "q": q,
            "category": category,
            "publisher": publisher,
            "filtered": bool(filters),
            "query": urlencode(filters),  # kept by the pagination links
            "results": found.page,
            "count": found.count,
            "categories": catalogue.categories(event),
            "exhibitors": catalogue.exhibitors_by_name(event),
        },
    )


def exhibitors_view(request, pk: int):
    event = live_event(pk)
    q = _text(request, "q", 100)
    kind = _text(request, "kind", 20)
    kind = kind if kind in catalogue.EXHIBITOR_KINDS else ""
    zones = catalogue.zones(event)
    zone = _text(request, "zone", 10).upper()
    zone = zone if zone in zones else ""
    everyone = catalogue.exhibitors(event)
    shown = catalogue.filter_exhibitors(everyone, q=q, kind=kind, zone=zone)
    return render(
        request,
        "publishers/exhibitors.html",
        {
            "event": event,
            "exhibitors": shown,
            "total": len(everyone),
            "filtered": bool(q or kind or zone),
            "q": q,
            "kind": kind,
            "zone": zone,
            "kinds": [(value, OrganisationType(value).label) for value in catalogue.EXHIBITOR_KINDS],
            "zones": zones,
        },
    )
