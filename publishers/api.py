"""Public catalogue endpoint of the JSON API: thin, over publishers.services.catalogue."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode
from ninja import Field, Query, Router, Schema

from events.models import EventPage
from publishers.services import catalogue

router = Router(tags=["catalogue"])

# Public and the same for everyone: browsers and proxies may keep it a little while, no longer,
# because copies are sold all day.
CACHE_CONTROL = "public, max-age=60"


class MatchedOut(Schema):
    field: str = Field(
        ...,
        description="Where the search words were found, best first: title, authors, category, "
        "imprint, publisher, isbn, sku",
    )
    label: str = Field(..., description="The field's name in the request's language")
    value: str = Field(..., description="The text that matched, e.g. the imprint “NXB Văn học”")


class CatalogueItem(Schema):
    isbn: str | None = Field(..., description="ISBN-13, digits only; null for a book without ISBN")
    title: str
    authors: str
    publisher: str
    category: str | None
    booth: str = Field(..., description="Where to find the book at the fair")
    fair_price: int | None = Field(..., description="Price at the fair, in đồng")
    list_price: int | None = Field(..., description="Cover price, in đồng")
    copies_available: int = Field(..., description="Copies on display not sold yet")
    matched: MatchedOut | None = Field(
        ...,
        description="The field that explains the match (of each word's best field, the lowest ranked); "
        "null without q",
    )


class CataloguePage(Schema):
    count: int = Field(..., description="Listings matching, on every page")
    page: int
    pages: int
    next: str | None = Field(..., description="URL of the next page, or null")
    previous: str | None = Field(..., description="URL of the previous page, or null")
    results: list[CatalogueItem]


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


def _item(listing) -> CatalogueItem:
    title = listing.title
    return CatalogueItem(
        isbn=title.isbn or None,
        title=title.title,
        authors=title.authors,
        publisher=listing.exhibitor.publisher.name,
        category=title.category.name if title.category else None,
        booth=listing.booth_label,
        fair_price=title.effective_fair_price(),
        list_price=title.list_price,
        copies_available=listing.copies_available,
        matched=(
            MatchedOut(field=match.field, label=match.label, value=match.value)
            if (match := getattr(listing, "matched", None))
            else None
        ),
    )


def _page_url(request, number: int) -> str:
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    return request.build_absolute_uri(f"{request.path}?{urlencode({**params, 'page': number})}")


@router.get(
    "/events/{event_id}/catalogue/",
    response={200: CataloguePage, 404: ErrorOut, 422: ErrorOut},
    summary="Search the fair's catalogue",
)
def search_catalogue(
    request,
    response: HttpResponse,
    event_id: int,
    q: str = Query("", max_length=catalogue.MAX_QUERY_LENGTH, description="Title, author, ISBN or publisher"),
    category: str = Query("", max_length=80, description="Category slug"),
    publisher: str = Query("", max_length=80, description="Publisher slug"),
    page: int = Query(1, ge=1),
):
    """Books on display at the event from its approved exhibitors, with the booth to find them.

    Every word of `q` must match, without regard to case or Vietnamese diacritics ("van hoc"
    finds "Văn học"), in the title, authors, category, imprint, publisher, ISBN or SKU; an ISBN
    matches whether typed with or without hyphens, as ISBN-10 or ISBN-13. With `q`, results
    come by relevance (words in the title first, then the authors, the category, then imprint
    and publisher), each with the field that `matched`; then, as without `q`, in Vietnamese
    alphabetical order of the title. 404 `not_found` for an unknown or unpublished event; 422
    `invalid` for a page past the last one.
    """
    event = get_object_or_404(EventPage.objects.live().public(), pk=event_id)
    found = catalogue.search_page(event, q=q, category=category, publisher=publisher, page=page)
    response["Cache-Control"] = CACHE_CONTROL
    current = found.page
    return {
        "count": found.count,
        "page": current.number,
        "pages": found.pages,
        "next": _page_url(request, current.next_page_number()) if current.has_next() else None,
        "previous": _page_url(request, current.previous_page_number()) if current.has_previous() else None,
        "results": [_item(listing) for listing in current.object_list],
    }
