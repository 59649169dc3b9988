"""A publisher's own data from the portal: its titles, its stock at each event, its profile.

Every write of the portal goes through these functions, and every refusal is a ``TitleError``
with a stable ``code`` and a translated message; nothing is half-saved. The functions trust
the objects they are given to belong together only after checking it: a title is listed only
by its own publisher's exhibitor.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from bookday.text import slugify_vi
from publishers.enums import Language
from publishers.models import Category, Exhibitor, Publisher, StockListing, Title
from publishers.validators import normalize_isbn, normalize_vn_phone

MAX_COPIES = 1_000_000


class TitleError(ServiceError):
    """Why a title, a stock listing or the publisher's profile is refused."""

    messages = {
        "isbn_or_sku_required": _("Enter the ISBN, or a SKU of your own for a book without ISBN."),
        "isbn_invalid": _("Enter an ISBN of 10 or 13 digits, for example 978-604-2-12345-6."),
        "isbn_checksum": _("The ISBN check digit is wrong: check the number."),
        "duplicate_isbn": _("A title with this ISBN is already in your list: “%(title)s”."),
        "duplicate_sku": _("A title with this SKU is already in your list: “%(title)s”."),
        "title_required": _("Enter the title of the book."),
        "too_long": _("This text is too long: at most %(limit)s characters."),
        "year_invalid": _("Enter a publication year between 1800 and 2100."),
        "price_negative": _("A price cannot be negative."),
        "discount_invalid": _("Enter a discount between 0 and 100 %."),
        "price_and_discount": _("Enter either a fair price or a discount, not both."),
        "fair_above_list": _("The fair price is higher than the list price: check both prices."),
        "language_invalid": _("Pick a language from the list."),
        "not_found": _("This title is not in your list."),
        "copies_invalid": _("Enter a number of copies between 0 and 1,000,000."),
        "sold_exceeds_copies": _(
            "Copies sold (%(sold)s) cannot be more than the copies brought to the fair (%(copies)s)."
        ),
        "name_required": _("Enter the name of your organisation."),
        "phone_invalid": _("Enter a Vietnamese phone number, for example 024 3943 4730 or 0912 345 678."),
    }
    fields = {
        "isbn_or_sku_required": "isbn",
        "isbn_invalid": "isbn",
        "isbn_checksum": "isbn",
        "duplicate_isbn": "isbn",
        "duplicate_sku": "sku",
        "title_required": "title",
        "year_invalid": "year",
        "price_negative": "list_price",
        "discount_invalid": "discount_percent",
        "price_and_discount": "discount_percent",
        "fair_above_list": "fair_price",
        "language_invalid": "language",
        "copies_invalid": "copies",
        "sold_exceeds_copies": "copies_sold",
        "name_required": "name",
        "phone_invalid": "phone",
    }


TITLE_FIELDS = (
    "isbn",
    "sku",
    "title",
    "authors",
    "imprint",
    "year",
    "language",
    "list_price",
    "fair_price",
    "discount_percent",
    "description",
)


_LIMITS = (("sku", 40), ("title", 300), ("authors", 300), ("imprint", 200), ("description", 5000))


def _clean_title_data(data: dict) -> dict:
    """The title's fields in their stored form; raises TitleError on the first bad one."""
    clean = {name: data.get(name) for name in TITLE_FIELDS}
    for name in ("sku", "title", "authors", "imprint"):
        clean[name] = " ".join(str(clean[name] or "").split())  # no stray spaces or line breaks
    clean["description"] = str(clean["description"] or "").strip()
    for name, limit in _LIMITS:
        if len(clean[name]) > limit:
            raise TitleError("too_long", field=name, limit=limit)
    isbn = str(clean["isbn"] or "").strip()
    if isbn:
        try:
            isbn = normalize_isbn(isbn)
        except ValidationError as error:
            raise TitleError(error.code) from error
    clean["isbn"] = isbn
    if not isbn and not clean["sku"]:
        raise TitleError("isbn_or_sku_required")
    if not clean["title"]:
        raise TitleError("title_required")
    if clean["year"] in ("", None):
        clean["year"] = None
    else:
        try:
            clean["year"] = int(clean["year"])
        except (TypeError, ValueError) as error:
            raise TitleError("year_invalid") from error
        if not 1800 <= clean["year"] <= 2100:
            raise TitleError("year_invalid")
    clean["language"] = clean["language"] or Language.VIETNAMESE
    if clean["language"] not in Language.values:
        raise TitleError("language_invalid")
    for name in ("list_price", "fair_price"):
        if clean[name] is not None and clean[name] < 0:
            raise TitleError("price_negative", field=name)
    discount = clean["discount_percent"]
    if discount is not None and not 0 <= discount <= 100:
        raise TitleError("discount_invalid")
    if discount is not None and clean["fair_price"] is not None:
        raise TitleError("price_and_discount")
    fair, listed = clean["fair_price"], clean["list_price"]
    if fair is not None and listed is not None and fair > listed:
        raise TitleError("fair_above_list")
    return clean


def category_named(name: str) -> Category | None:
    """The category with this name (matched by its slug, so "Văn học" = "van hoc"), created if new."""
    name = " ".join(str(name or "").split())
    slug = slugify_vi(name, max_length=80)
    if not slug:
        return None
    category, _created = Category.objects.get_or_create(slug=slug, defaults={"name": name[:80]})
    return category


def save_title(*, publisher: Publisher, data: dict, title: Title | None = None) -> Title:
    """Create a title in ``publisher``'s list, or change ``title`` (which must be theirs).

    ``data`` holds the fields of TITLE_FIELDS plus ``category`` (a Category), or
    ``new_category`` (a name, created if unknown), and ``cover`` (an uploaded file; False clears
    it; None or missing keeps it). The ISBN is stored as ISBN-13; one publisher cannot have two
    titles with the same ISBN or SKU. Everything is checked before anything is written.
    """
    if title is not None and title.publisher_id != publisher.pk:
        raise TitleError("not_found")
    clean = _clean_title_data(data)
    others = Title.objects.for_publisher(publisher)
    if title is not None:
        others = others.exclude(pk=title.pk)
    if clean["isbn"] and (same := others.filter(isbn=clean["isbn"]).first()):
        raise TitleError("duplicate_isbn", title=same.title)
    if clean["sku"] and (same := others.filter(sku=clean["sku"]).first()):
        raise TitleError("duplicate_sku", title=same.title)

    with transaction.atomic():
        if title is None:
            title = Title(publisher=publisher)
        else:
            title = Title.objects.select_for_update().get(pk=title.pk)
        for name, value in clean.items():
            setattr(title, name, value)
        if data.get("new_category"):
            title.category = category_named(data["new_category"])
        elif "category" in data:
            title.category = data["category"]
        cover = data.get("cover")
        if cover is False:
            title.cover = ""
        elif cover:
            title.cover = cover
        try:
            # A savepoint, so a duplicate that slipped past the check above (two tabs saving at
            # once) leaves the surrounding transaction usable.
            with transaction.atomic():
                title.save()
        except IntegrityError as error:
            code = "duplicate_sku" if clean["sku"] and not clean["isbn"] else "duplicate_isbn"
            raise TitleError(code, title=clean["title"]) from error
    return title


def _copies(value, code: str = "copies_invalid", field: str = "copies") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise TitleError(code, field=field) from error
    if not 0 <= number <= MAX_COPIES:
        raise TitleError(code, field=field)
    return number


def set_stock(
    *, exhibitor: Exhibitor, title: Title, copies: int, copies_sold: int = 0, booth: str = ""
) -> StockListing:
    """Set how many copies of ``title`` the exhibitor brings and how many are sold: creates or
    updates the one listing of that title for the exhibitor.

    ``copies`` counts every copy brought to the fair, sold ones included, so copies sold can
    never exceed it (copies available = copies - copies sold). The listing row is locked while
    it changes, so two people updating sales at the booth do not overwrite each other halfway.
    """
    if title.publisher_id != exhibitor.publisher_id:
        raise TitleError("not_found", field="title")
    copies = _copies(copies)
    copies_sold = _copies(copies_sold, field="copies_sold")
    if copies_sold > copies:
        raise TitleError("sold_exceeds_copies", sold=copies_sold, copies=copies)
    booth = " ".join(str(booth or "").split())[:20]
    with transaction.atomic():
        listing = StockListing.objects.select_for_update().filter(exhibitor=exhibitor, title=title).first()
        if listing is None:
            try:
                with transaction.atomic():
                    return StockListing.objects.create(
                        exhibitor=exhibitor, title=title, copies=copies, copies_sold=copies_sold, booth=booth
                    )
            except IntegrityError:
                # Created by someone else a moment ago: update theirs under the lock instead.
                listing = StockListing.objects.select_for_update().get(exhibitor=exhibitor, title=title)
        listing.copies, listing.copies_sold, listing.booth = copies, copies_sold, booth
        listing.save(update_fields=["copies", "copies_sold", "booth", "updated_at"])
    return listing


def add_sold(*, listing: StockListing, count: int) -> StockListing:
    """Record ``count`` more copies sold (negative to correct a mistake) on a listing, as booth
    staff do from their phone after each sale.

    Added to the figure as it is now, under the listing's row lock, so two phones recording
    sales at the same booth both count. Refuses (TitleError ``sold_exceeds_copies`` or
    ``copies_invalid``) a result above the copies brought or below zero.
    """
    with transaction.atomic():
        locked = StockListing.objects.select_for_update().get(pk=listing.pk)
        sold = locked.copies_sold + int(count)
        if sold < 0:
            raise TitleError("copies_invalid", field="copies_sold")
        if sold > locked.copies:
            raise TitleError("sold_exceeds_copies", sold=sold, copies=locked.copies)
        locked.copies_sold = sold
        locked.save(update_fields=["copies_sold", "updated_at"])
    return locked


def remove_listing(*, listing: StockListing) -> bool:
    """Take a title off the exhibitor's stock. Returns True when the listing was deleted.

    A listing with sales is kept for the fair's sales figures: its copies are set to the number
    sold, so none is left available, and False is returned.
    """
    with transaction.atomic():
        locked = StockListing.objects.select_for_update().filter(pk=listing.pk).first()
        if locked is None:
            return True  # already gone (a second click): the outcome the user asked for
        if locked.copies_sold == 0:
            locked.delete()
            return True
        locked.copies = locked.copies_sold
        locked.save(update_fields=["copies", "updated_at"])
        return False


PROFILE_FIELDS = ("name", "contact_name", "email", "phone", "address", "website", "description")


def update_profile(*, publisher: Publisher, data: dict) -> Publisher:
    """Change the organisation's public profile and contact details (never its tax code).

    ``data`` holds PROFILE_FIELDS and optionally ``logo`` (an uploaded file; False clears it).
    The phone is stored as +84...; the slug stays, so links to the publisher keep working.
    """
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise TitleError("name_required")
    try:
        phone = normalize_vn_phone(data.get("phone") or "")
    except ValidationError as error:
        raise TitleError("phone_invalid") from error
    with transaction.atomic():
        locked = Publisher.objects.select_for_update().get(pk=publisher.pk)
        locked.name = name[:200]
        locked.phone = phone
        for field in ("contact_name", "email", "address", "website", "description"):
            setattr(locked, field, str(data.get(field) or "").strip())
        logo = data.get("logo")
        if logo is False:
            locked.logo = ""
        elif logo:
            locked.logo = logo
        locked.save()
    return locked
