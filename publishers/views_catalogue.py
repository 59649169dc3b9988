"""Public pages of an event's book fair: the catalogue ("where can I find this book?") and the
directory of exhibitors. Thin: they read publishers.services.catalogue and render."""

from django.shortcuts import render
from django.utils.http import urlencode

from events.views import live_event
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
            "exhibitors": catalogue.exhibitors(event),
        },
    )


def exhibitors_view(request, pk: int):
    event = live_event(pk)
    return render(
        request,
        "publishers/exhibitors.html",
        {"event": event, "exhibitors": catalogue.exhibitors(event)},
    )
