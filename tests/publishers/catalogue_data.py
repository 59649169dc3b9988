"""Small builders for catalogue tests: publishers, approved exhibitors and the books they list."""

import itertools

from stdnum import ean

from publishers.demo import tax_code
from publishers.enums import OrganisationType
from publishers.models import Category, Exhibitor, Publisher, StockListing, Title

_numbers = itertools.count(1)


def isbn13(n: int) -> str:
    body = f"978604{n:06d}"
    return body + ean.calc_check_digit(body)


def publisher(name: str, kind: str = OrganisationType.PUBLISHING_HOUSE, **fields) -> Publisher:
    n = next(_numbers)
    return Publisher.objects.create(
        name=name,
        kind=kind,
        tax_code=tax_code(500_000 + n),
        contact_name="Nguyễn Văn Ưng",
        email=f"lienhe{n}@example.vn",
        phone="+842439434730",
        **fields,
    )


def exhibitor(event, org: Publisher, booths: str = "") -> Exhibitor:
    return Exhibitor.objects.create(event=event, publisher=org, booths=booths or f"A{next(_numbers)}")


def category(name: str) -> Category:
    return Category.objects.get_or_create(name=name)[0]


def book(
    stand: Exhibitor,
    title: str,
    *,
    authors: str = "",
    isbn: str | None = None,
    copies: int = 10,
    sold: int = 0,
    category: Category | None = None,
    list_price: int | None = 100_000,
    fair_price: int | None = 85_000,
    booth: str = "",
) -> StockListing:
    """A title of the exhibitor's publisher listed at its event (``isbn=""``: a SKU instead)."""
    n = next(_numbers)
    item = Title.objects.create(
        publisher=stand.publisher,
        title=title,
        authors=authors,
        isbn=isbn13(n) if isbn is None else isbn,
        sku="" if isbn != "" else f"SKU-{n}",
        category=category,
        list_price=list_price,
        fair_price=fair_price,
    )
    return StockListing.objects.create(
        exhibitor=stand, title=item, copies=copies, copies_sold=sold, booth=booth
    )
