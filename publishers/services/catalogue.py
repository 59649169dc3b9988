"""The fair's catalogue: which books are on display at an event, found by what visitors type.

Read only. The website, the JSON API and the benchmark call ``search()``, so "what a visitor
may find" is decided here once: listings of the event's exhibitors (an Exhibitor row exists
only once approved) with at least one copy on display, matched word by word against the folded
``Title.search_text`` (indexed with pg_trgm on PostgreSQL) or the publisher's name.
"""

import re
from dataclasses import dataclass

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Q, QuerySet

from bookday.text import fold
from publishers.models import Category, Exhibitor, StockListing
from publishers.validators import isbn_search_form

PER_PAGE = 24
MAX_TERMS = 8  # a pasted paragraph is not a search; the first words are enough
MAX_QUERY_LENGTH = 200

# Digits with the hyphens or spaces people copy from a book's back cover: one ISBN (or part).
_ISBN_LIKE = re.compile(r"[\d\s\-]*\d[\d\s\-]*[xX]?")
_WORD = re.compile(r"[^\W_]+")
RELATED = ("title", "title__category", "exhibitor", "exhibitor__publisher")  # what a result shows


class CatalogueError(Exception):
    """A request the catalogue cannot answer; ``code`` is stable for the API."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def search_terms(text: str) -> list[str]:
    """What a search box text means: folded words, every one of which must match.

    "Văn  HỌC" -> ["van", "hoc"]; "978-604-2-12345-6" or "604212345X" -> ["9786042123456"]
    (an ISBN is one term in its stored ISBN-13 form); "978-604-2" -> ["9786042"].
    """
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return []
    isbn = isbn_search_form(text)
    if isbn:
        return [isbn]
    if _ISBN_LIKE.fullmatch(text) and sum(c.isdigit() for c in text) >= 5:
        return [re.sub(r"[\s\-]", "", text).lower()]
    terms: list[str] = []
    for word in _WORD.findall(fold(text)):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def on_display(event) -> QuerySet[StockListing]:
    """Every listing visitors of ``event`` may find, before any search or filter."""
    return StockListing.objects.for_event(event).on_display()


def search(event, *, q: str = "", category: str = "", publisher: str = "") -> QuerySet[StockListing]:
    """Listings on display at ``event`` matching every word of ``q``, in a stable order.

    A word matches a listing when it occurs in the title's folded search text (title, authors,
    imprint, ISBN, SKU) or in its publisher's folded name, so "kim dong doraemon" finds
    Doraemon at NXB Kim Đồng's booth. ``category`` and ``publisher`` are slugs; an unknown slug
    finds nothing. Ordered by folded title, then id, so pages never overlap.
    """
    # The event's exhibitors are few (tens, a few hundred): reading them first lets every
    # condition below stay on the listing and title tables, where PostgreSQL can combine indexes
    # (the trigram index OR the publisher index) instead of joining before filtering.
    stands = list(Exhibitor.objects.for_event(event).values_list("pk", "publisher_id", "publisher__name"))
    listings = StockListing.objects.filter(exhibitor_id__in=[pk for pk, _, _ in stands]).on_display()
    for term in search_terms(q):
        condition = Q(title__search_text__contains=term)
        # A listing's title belongs to the exhibiting publisher, so its name can be matched there.
        by_name = sorted({org for _, org, name in stands if term in fold(name)})
        if by_name:
            condition |= Q(title__publisher_id__in=by_name)
        listings = listings.filter(condition)
    if category:
        listings = listings.filter(title__category__slug=category)
    if publisher:
        listings = listings.filter(exhibitor__publisher__slug=publisher)
    return listings.with_available().select_related(*RELATED).order_by("title__search_text", "pk")


@dataclass
class Results:
    page: Page
    terms: list[str]

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def pages(self) -> int:
        return self.page.paginator.num_pages


def search_page(
    event,
    *,
    q: str = "",
    category: str = "",
    publisher: str = "",
    page=1,
    per_page: int = PER_PAGE,
    lenient: bool = False,
) -> Results:
    """One page of ``search()``. Raises CatalogueError("page_invalid") for a page that is not a
    whole number from 1 to the last page (page 1 of no results is a valid, empty page), unless
    ``lenient``: then the nearest page is given, as a followed stale link expects."""
    listings = search(event, q=q, category=category, publisher=publisher)
    # Count and sort on ids only (narrow rows), then read the page's rows in full.
    paginator = Paginator(listings.values_list("pk", flat=True), per_page)
    if lenient:
        current = paginator.get_page(page)
    else:
        try:
            current = paginator.page(int(page))
        except (TypeError, ValueError, EmptyPage, PageNotAnInteger):
            raise CatalogueError("page_invalid") from None
    ids = list(current.object_list)
    rows = StockListing.objects.with_available().select_related(*RELATED).in_bulk(ids)
    current.object_list = [rows[pk] for pk in ids]
    return Results(page=current, terms=search_terms(q))


def categories(event) -> QuerySet[Category]:
    """Categories that have at least one book on display at ``event``, for the filter."""
    return (
        Category.objects.filter(titles__listings__exhibitor__event=event, titles__listings__copies__gt=0)
        .distinct()
        .order_by("name")
    )


def exhibitors(event) -> QuerySet[Exhibitor]:
    """The event's exhibitors with ``titles_on_display``, ordered by booth then name."""
    return (
        Exhibitor.objects.for_event(event)
        .select_related("publisher")
        .annotate(titles_on_display=Count("listings", filter=Q(listings__copies__gt=0)))
        .order_by("booths", "publisher__name", "pk")
    )
