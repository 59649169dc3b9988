"""The fair's catalogue: which books are on display at an event, found by what visitors type.

Read only. The website, the JSON API and the benchmark call ``search()``, so "what a visitor
may find" is decided here once: listings of the event's exhibitors (an Exhibitor row exists
only once approved) with at least one copy on display, matched word by word against the folded
words of the title (copied onto each listing, indexed on PostgreSQL), the category's name or the
publisher's name. Matches rank by where the words were found: title, then authors, then
category, then imprint, publisher, ISBN or SKU (``FIELD_RANKS``); then in Vietnamese
alphabetical order (the stored ``sort_key``, bookday.text.vi_sort_key).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, Expression, IntegerField, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy, pgettext_lazy

from bookday.errors import ServiceError
from bookday.text import fold, vi_sort_key
from publishers.enums import OrganisationType
from publishers.models import Category, Exhibitor, StockListing, folded_words
from publishers.validators import isbn_search_form

PER_PAGE = 24
MAX_TERMS = 8  # a pasted paragraph is not a search; the first words are enough
MAX_QUERY_LENGTH = 200
NAME_MATCHES_IN_INDEX = 8  # see search()

# Digits with the hyphens or spaces people copy from a book's back cover: one ISBN (or part).
_ISBN_LIKE = re.compile(r"[\d\s\-]*\d[\d\s\-]*[xX]?")
_WORD = re.compile(r"[^\W_]+")
RELATED = ("title", "title__category", "exhibitor", "exhibitor__publisher")  # what a result shows

# Where a search word was found, best first; the SQL of ``Rank`` and ``matched_field()`` follow it.
FIELD_RANKS = {"title": 0, "authors": 1, "category": 2, "imprint": 3, "publisher": 3, "isbn": 3, "sku": 3}
FIELD_LABELS = {
    "title": pgettext_lazy("matched field", "title"),
    "authors": pgettext_lazy("matched field", "authors"),
    "category": pgettext_lazy("matched field", "category"),
    "imprint": pgettext_lazy("matched field", "imprint"),
    "publisher": pgettext_lazy("matched field", "exhibitor"),
    "isbn": pgettext_lazy("matched field", "ISBN"),
    "sku": pgettext_lazy("matched field", "SKU"),
}


class CatalogueError(ServiceError):
    """A request the catalogue cannot answer."""

    messages = {"page_invalid": gettext_lazy("There is no such page of results.")}
    fields = {"page_invalid": "page"}


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


class Matches(Expression):
    """The listing matches every search term: a word of its ``search_text`` starts with the term,
    or its exhibitor is one of those whose publisher's name has such a word, or its category one
    of those whose name has such a word.

    ``terms``: (folded [a-z0-9]+ term, exhibitor ids whose publisher name matches it, category
    ids whose name matches it). PostgreSQL: ONE text-search query on the GIN index
    ``publishers_listing_words``, which indexes the words and the tokens ``/x<exhibitor id>`` and
    ``/c<category id>`` (lexemes no typed word can be a prefix of): "lich su" with "su" in one
    publisher's name is ``lich:* & (su:* | '/x14')``. GIN answers it exactly, so no row is tested
    again (computing to_tsvector per row costs ~10 µs). SQLite: LIKE on the words with a space
    before them, OR the exhibitor ids, OR the category ids. Both read the same words, because
    ``search_text`` holds only [a-z0-9]+ words separated by spaces.
    """

    def __init__(self, terms: list[tuple[str, list[int], list[int]]]):
        super().__init__(output_field=BooleanField())
        self.terms = terms
        self.alias = None

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        text, stand = f'{table}."search_text"', f'{table}."exhibitor_id"'
        shelf = f'{table}."category_id"'
        if connection.vendor == "postgresql":
            parts = []
            for term, stands, shelves in self.terms:
                either = [
                    f"{term}:*",
                    *(f"'/x{int(pk)}'" for pk in stands),
                    *(f"'/c{int(pk)}'" for pk in shelves),
                ]
                parts.append(either[0] if len(either) == 1 else f"({' | '.join(either)})")
            # The index's expression exactly, so the planner uses the index.
            document = (
                f"to_tsvector('simple', {text} || ' /x' || {stand}::text "
                f"|| ' /c' || coalesce({shelf}, 0)::text)"
            )
            return f"{document} @@ to_tsquery('simple', %s)", [" & ".join(parts)]
        clauses, params = [], []
        for term, stands, shelves in self.terms:
            either = [f"(' ' || {text}) LIKE %s"]
            params.append(f"% {term}%")
            if stands:
                either.append(f"{stand} IN ({', '.join(str(int(pk)) for pk in stands)})")
            if shelves:
                either.append(f"{shelf} IN ({', '.join(str(int(pk)) for pk in shelves)})")
            clauses.append(either[0] if len(either) == 1 else f"({' OR '.join(either)})")
        return f"({' AND '.join(clauses)})", params


class Rank(Expression):
    """How well a listing matches, lower first: every word in the title 0, every word in the
    authors 1, in the category's name 2, every word elsewhere (imprint, publisher, ISBN, SKU) 3;
    words spread over several fields after all of those, 4 + the sum of each word's best field
    (title 0 ... else 3). So "văn học" lists the books called so, by such an author, on that
    shelf, of that imprint, before "Bí quyết tự học" by Phạm Văn Long.

    Evaluated only on the rows ``Matches`` found (the words copied onto the listing:
    ``title_words``, ``author_words``), never to find them. ``matched_field()`` is its twin.
    """

    def __init__(self, terms: list[tuple[str, list[int], list[int]]]):
        super().__init__(output_field=IntegerField())
        self.terms = terms
        self.alias = None

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def as_sql(self, compiler, connection):
        if not self.terms:
            return "0", []
        table = compiler.quote_name_unless_alias(self.alias)
        in_title, in_authors, on_shelf, elsewhere, best, likes = [], [], [], [], [], []
        for term, _stands, shelves in self.terms:
            likes.append(f"% {term}%")
            title = f"(' ' || {table}.\"title_words\") LIKE %s"
            authors = f"(' ' || {table}.\"author_words\") LIKE %s"
            ids = ", ".join(str(int(pk)) for pk in shelves)
            # coalesce: a book without category must test false, not NULL, under NOT.
            shelf = f'coalesce({table}."category_id", 0) IN ({ids})' if shelves else "1 = 0"
            in_title.append(title)
            in_authors.append(authors)
            on_shelf.append(shelf)
            elsewhere.append(f"NOT ({title} OR {authors} OR {shelf})")
            best.append(
                f"CASE WHEN {title} THEN {FIELD_RANKS['title']} WHEN {authors} THEN {FIELD_RANKS['authors']} "
                f"WHEN {shelf} THEN {FIELD_RANKS['category']} ELSE {FIELD_RANKS['imprint']} END"
            )
        # In the order of the placeholders: titles, authors, then (title, authors) per term twice.
        twice = [like for like in likes for like in (like, like)]
        params = [*likes, *likes, *twice, *twice]
        sql = (
            f"CASE WHEN {' AND '.join(in_title)} THEN 0 WHEN {' AND '.join(in_authors)} THEN 1 "
            f"WHEN {' AND '.join(on_shelf)} THEN 2 WHEN {' AND '.join(elsewhere)} THEN 3 "
            f"ELSE 4 + {' + '.join(best)} END"
        )
        return f"({sql})", params


def search(event, *, q: str = "", category: str = "", publisher: str = "") -> QuerySet[StockListing]:
    """Listings on display at ``event`` matching every word of ``q``, in a stable order.

    A word matches a listing when one of the words of its title's folded search text (title,
    authors, imprint, ISBN, SKU) or of its publisher's folded name starts with it, so "kim dong
    doraemon" finds Doraemon at NXB Kim Đồng's booth, and "978604" every ISBN starting so.
    ``category`` and ``publisher`` are slugs; an unknown slug finds nothing.
    A category slug also matches by its name ("thieu nhi" finds the books on that shelf).
    Ordered by ``match_rank`` (where the words were found, see ``Rank``) when searching, then in
    Vietnamese alphabetical order of the title (``sort_key``), then id, so pages never overlap.

    Every condition is on the listing's own columns (event, category and words are copied
    there by triggers, migration publishers/0004), so PostgreSQL answers from one table's
    indexes: the first page of a broad search in index order, a narrow one from the GIN index.
    """
    # The event's exhibitors are few (tens, a few hundred): reading them first turns a publisher
    # name or slug into exhibitor ids, so no join is needed.
    stands = list(Exhibitor.objects.for_event(event).values_list("pk", "publisher__slug", "publisher__name"))
    names = {pk: folded_words(name) for pk, _, name in stands}
    listings = StockListing.objects.filter(event=event).on_display()
    terms = search_terms(q)
    if terms:
        # Categories are few (tens): their names are matched here, like the publishers' names.
        shelves = {pk: folded_words(name) for pk, name in Category.objects.values_list("pk", "name")}
        precise, ranked = [], []
        for term in terms:
            by_name = sorted(pk for pk, name in names.items() if any(w.startswith(term) for w in name))
            by_shelf = sorted(pk for pk, name in shelves.items() if any(w.startswith(term) for w in name))
            ranked.append((term, by_name, by_shelf))
            if len(by_name) <= NAME_MATCHES_IN_INDEX:
                precise.append((term, by_name, by_shelf))
            else:
                # A word in many publishers' names ("nha" of "Nhà sách ..."): a long OR in the
                # index query costs PostgreSQL's GIN far more (200 ms) than testing the
                # exhibitor of the rows the other words found, which is checked first.
                listings = listings.filter(Q(exhibitor_id__in=by_name) | Q(Matches([(term, [], by_shelf)])))
        if precise:
            listings = listings.filter(Matches(precise))
        listings = listings.annotate(match_rank=Rank(ranked))
    if category:
        slug = Category.objects.filter(slug=category).order_by().values("pk")[:1]
        listings = listings.filter(category_id=Subquery(slug))
    if publisher:
        listings = listings.filter(exhibitor_id__in=[pk for pk, slug, _ in stands if slug == publisher])
    order = ("match_rank", "sort_key", "pk") if terms else ("sort_key", "pk")
    return listings.with_available().select_related(*RELATED).order_by(*order)


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


MAX_PAGE = 100_000  # 2.4 million listings at PER_PAGE: more than any fair shows


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
    terms = search_terms(q)
    try:
        wanted = int(page)
    except (TypeError, ValueError):
        if not lenient:
            raise CatalogueError("page_invalid") from None
        wanted = 1
    if wanted > MAX_PAGE:  # past any catalogue, and past what a database offset can hold
        if not lenient:
            raise CatalogueError("page_invalid")
        wanted = MAX_PAGE
    ids = None
    if terms and wanted >= 1:
        ids, total = _matches(listings, offset=(wanted - 1) * per_page, limit=per_page)
        if total is None:  # no row on that page: the count needs its own query
            total = listings.count()
    else:
        # Browsing or filtering: PostgreSQL counts from the narrow index publishers_listing_count
        # without visiting the table, then reads the page in index order.
        total = listings.count()
    paginator = Paginator(range(total), per_page)
    if lenient:
        current = paginator.get_page(wanted)
    else:
        try:
            current = paginator.page(wanted)
        except (EmptyPage, PageNotAnInteger):
            raise CatalogueError("page_invalid") from None
    if ids is None or current.number != wanted:
        offset = (current.number - 1) * per_page
        ids = list(listings.values_list("pk", flat=True)[offset : offset + per_page])
    rows = StockListing.objects.with_available().select_related(*RELATED).in_bulk(ids)
    current.object_list = [rows[pk] for pk in ids]
    for listing in current.object_list:
        listing.matched = matched_field(listing, terms)
    return Results(page=current, terms=terms)


@dataclass(frozen=True)
class Matched:
    """Where a result's search words were found: ``field`` (a FIELD_RANKS key) and its text."""

    field: str
    value: str

    @property
    def label(self) -> str:
        return str(FIELD_LABELS[self.field])


def matched_field(listing: StockListing, terms: list[str]) -> Matched | None:
    """The field that explains why ``listing`` matched ``terms``: the best field holding every
    term ("van hoc" on a book of the imprint NXB Văn học: the imprint); when the terms are
    spread over fields, of each term's best field the last ("kim dong doraemon": the publisher
    NXB Kim Đồng). None without terms. Python twin of ``Rank`` for the one page shown."""
    if not terms:
        return None
    title = listing.title
    fields = {
        "title": title.title,
        "authors": title.authors,
        "category": title.category.name if title.category else "",
        "imprint": title.imprint,
        "publisher": listing.exhibitor.publisher.name,
        "isbn": title.isbn,
        "sku": title.sku,
    }
    words = {name: folded_words(value or "") for name, value in fields.items()}

    def holds(name: str, term: str) -> bool:
        if name in ("isbn", "sku"):
            return fold(fields[name]).startswith(term)
        return any(word.startswith(term) for word in words[name])

    # Every word in one field: that field, the best first (as Rank's first four cases).
    for name in FIELD_RANKS:
        if all(holds(name, term) for term in terms):
            return Matched(name, fields[name])
    # Words spread over fields: of each word's best field, the last, which explains the match.
    worst = None
    for term in terms:
        best = next((name for name in FIELD_RANKS if holds(name, term)), None)
        if best is not None and (worst is None or FIELD_RANKS[best] > FIELD_RANKS[worst]):
            worst = best
    return Matched(worst, fields[worst]) if worst else None


def _matches(listings: QuerySet[StockListing], *, offset: int, limit: int) -> tuple[list[int], int | None]:
    """Ids of one page of a word search and the number of all matches, in one pass.

    The matches are collected first (a materialized CTE: on PostgreSQL a bitmap scan of the
    words index, whatever the ORDER BY), then counted and sorted. Without the fence PostgreSQL
    15 may read the event's listings in title order and test every row until 24 match, which
    takes seconds for a word whose first match in title order is far down ("tiếng": the titles
    "Tiếng Anh ..." sort near the end). ``None`` for the count when the page has no row.
    """
    try:
        sql, params = listings.order_by().values_list("pk", "match_rank", "sort_key").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an unknown publisher or category)
        return [], 0
    fence = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH m (id, match_rank, sort_key) AS {fence}({sql}) "
            "SELECT id, count(*) OVER () FROM m ORDER BY match_rank, sort_key, id LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        found = cursor.fetchall()
    return [pk for pk, _ in found], (found[0][1] if found else None)


def categories(event) -> list[Category]:
    """Categories that have at least one book on display at ``event``, for the filter, in
    Vietnamese alphabetical order."""
    shelves = Category.objects.filter(
        titles__listings__exhibitor__event=event, titles__listings__copies__gt=0
    ).distinct()
    return sorted(shelves, key=lambda shelf: vi_sort_key(shelf.name))


# Kinds the exhibitors page filters by, in the order it offers them.
EXHIBITOR_KINDS = (
    OrganisationType.PUBLISHING_HOUSE,
    OrganisationType.DISTRIBUTOR,
    OrganisationType.BOOKSHOP,
    OrganisationType.LIBRARY,
)
_ZONE = re.compile(r"[^\W\d_]+")


def booth_zone(booths: str) -> str:
    """The zone of a booth number, its leading letters: "A12, A13" -> "A", "KV2-05" -> "KV"."""
    found = _ZONE.match((booths or "").strip())
    return found.group(0).upper() if found else ""


def exhibitors(event) -> list[Exhibitor]:
    """The event's exhibitors with ``titles_on_display``, ordered by booth (A2 before A10, those
    without a booth last), then by name in Vietnamese order."""
    stands = (
        Exhibitor.objects.for_event(event)
        .select_related("publisher")
        .annotate(titles_on_display=Count("listings", filter=Q(listings__copies__gt=0)))
    )
    return sorted(stands, key=exhibitor_order)


def exhibitors_by_name(event) -> list[Exhibitor]:
    """The event's exhibitors in Vietnamese alphabetical order of their names (for a list to
    choose from)."""
    return sorted(exhibitors(event), key=lambda stand: (vi_sort_key(stand.publisher.name), stand.pk))


def filter_exhibitors(stands: list[Exhibitor], *, q: str = "", kind: str = "", zone: str = "") -> list:
    """Those of ``stands`` whose publisher's name has every word of ``q`` (accents optional,
    "kim dong"), of the OrganisationType ``kind``, in the booth ``zone`` (``booth_zone``).
    In Python: an event has tens of exhibitors, a few hundred at most."""
    terms = folded_words(q or "")[:MAX_TERMS]
    return [
        stand
        for stand in stands
        if (not terms or _name_matches(stand.publisher.name, terms))
        and (not kind or stand.publisher.kind == kind)
        and (not zone or booth_zone(stand.booths) == zone.upper())
    ]


def _name_matches(name: str, terms: list[str]) -> bool:
    words = folded_words(name)
    return all(any(word.startswith(term) for word in words) for term in terms)


def _name_matches(name: str, terms: list[str]) -> bool:
    words = folded_words(name)
    return all(any(word.startswith(term) for word in words) for term in terms)


def exhibitor_order(stand: Exhibitor) -> tuple:
    return (not stand.booths, vi_sort_key(stand.booths), vi_sort_key(stand.publisher.name), stand.pk)


def zones(event) -> list[str]:
    """The booth zones of an event's exhibitors, in order; empty when booths have no letters."""
    found = {
        booth_zone(booths) for booths in Exhibitor.objects.for_event(event).values_list("booths", flat=True)
    }
    return sorted((zone for zone in found if zone), key=vi_sort_key)
