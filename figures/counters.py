"""The four public counters of the event and home pages: visits, exhibitors, titles, copies.

Pages import this module inside ``get_context``; it imports no page module (the check-in models
and the publishers' models only), so the pages and their figures form no import circle.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from events.models.checkin import CheckIn, WalkIn
from figures.books import book_totals, listings_on_display
from publishers.models import Exhibitor

COUNTERS_MAX_AGE = 60  # public counters, page cache included


def headline(event) -> dict:
    """The four public counters of ``event`` (an EventPage): visits so far, exhibitors, titles,
    copies on display."""
    admitted = CheckIn.objects.counted().filter(event=event).aggregate(n=Sum("admitted", default=0))["n"]
    walk_ins = WalkIn.objects.counted().filter(event=event).aggregate(n=Sum("count", default=0))["n"]
    books = listings_on_display(event).aggregate(**book_totals())
    return {
        "visits": admitted + walk_ins,
        "exhibitors": Exhibitor.objects.for_event(event).count(),
        "titles": books["isbn_titles"] + books["sku_titles"],
        "copies": books["copies"],
    }


def counters(event) -> dict | None:
    """Public counters for a page, or None when there is nothing to show yet (or no event).

    A public page is itself cached for PAGE_CACHE_SECONDS; the counters are cached only for
    what is left of COUNTERS_MAX_AGE, so what a visitor sees is never older than a minute.
    """
    if event is None:
        return None
    seconds = max(COUNTERS_MAX_AGE - settings.PAGE_CACHE_SECONDS, 0)
    if seconds:
        values = cache.get_or_set(f"stats:counters:{event.pk}", lambda: headline(event), seconds)
    else:
        values = headline(event)
    return values if any(values.values()) else None
