"""Portal: the publisher's stock at one event (list, add a title, edit, remove)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from publishers.models import StockListing, Title
from publishers.portal.access import own_exhibitor, publisher_required
from publishers.portal.forms import AddStockForm, StockForm
from publishers.portal.views_titles import search_titles
from publishers.services.titles import TitleError, add_sold, remove_listing, set_stock

PER_PAGE = 50


def own_listing(request, exhibitor, pk: int) -> StockListing:
    return get_object_or_404(
        StockListing.objects.for_publisher(request.publisher)
        .filter(exhibitor=exhibitor)
        .select_related("title"),
        pk=pk,
    )


@publisher_required
def stock(request, event_id: int):
    exhibitor = own_exhibitor(request, event_id)
    listings = (
        StockListing.objects.for_publisher(request.publisher)
        .filter(exhibitor=exhibitor)
        .select_related("title", "exhibitor")
        .with_available()
    )
    totals = listings.filter(copies__gt=0).totals()
    query = request.GET.get("q", "").strip()[:100]
    if query:
        titles = search_titles(Title.objects.for_publisher(request.publisher), query)
        listings = listings.filter(title__in=titles)
    # Vietnamese order of the title ("tập 3" before "tập 10"), from the stored sort key.
    page = Paginator(listings.order_by("title__sort_key", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "publishers/portal/stock.html",
        {
            "publisher": request.publisher,
            "exhibitor": exhibitor,
            "event": exhibitor.event,
            "page_obj": page,
            "totals": totals,
            "query": query,
            "querystring": urlencode({"q": query}) if query else "",
            # Where the quick "sold" form comes back to: this page of this search.
            "back": request.get_full_path(),
        },
    )


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@publisher_required
@require_http_methods(["POST"])
def stock_sold(request, event_id: int, pk: int):
    """The stock table's quick form: +1 / −1, or a new figure typed over the one shown.

    A typed figure is recorded as the difference from the figure the page showed, so a sale
    recorded meanwhile on another phone is kept, not overwritten.
    """
    exhibitor = own_exhibitor(request, event_id)
    listing = own_listing(request, exhibitor, pk)
    step, sold, shown = (_int(request.POST.get(name)) for name in ("step", "sold", "shown"))
    count = step if step in (-1, 1) else (sold - shown if sold is not None and shown is not None else None)
    if count is None:
        messages.error(request, _("Enter the number of copies sold."))
    elif count:
        try:
            listing = add_sold(listing=listing, count=count)
        except TitleError as error:
            messages.error(request, f"“{listing.title.title}”: {error.message}")
        else:
            messages.success(
                request,
                _("“%(title)s”: %(sold)s of %(copies)s copies sold.")
                % {"title": listing.title.title, "sold": listing.copies_sold, "copies": listing.copies},
            )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("publisher_stock", args=[event_id])
    return redirect(f"{back.split('#')[0]}#listing-{listing.pk}")


@publisher_required
@require_http_methods(["GET", "POST"])
def stock_add(request, event_id: int):
    exhibitor = own_exhibitor(request, event_id)
    form = AddStockForm(
        request.POST or None,
        titles=Title.objects.for_publisher(request.publisher),
        initial={"code": request.GET.get("code", "")[:40], "copies_sold": 0},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_stock(
                    exhibitor=exhibitor,
                    title=data["title"],
                    copies=data["copies"],
                    copies_sold=data["copies_sold"],
                    booth=data["booth"],
                )
            except TitleError as error:
                error.add_to(form)
            else:
                messages.success(request, _("“%(title)s” is in your stock.") % {"title": data["title"].title})
                return redirect("publisher_stock", event_id=event_id)
        status = 400
    return render(
        request,
        "publishers/portal/stock_form.html",
        {"publisher": request.publisher, "exhibitor": exhibitor, "event": exhibitor.event, "form": form},
        status=status,
    )


@publisher_required
@require_http_methods(["GET", "POST"])
def stock_edit(request, event_id: int, pk: int):
    exhibitor = own_exhibitor(request, event_id)
    listing = own_listing(request, exhibitor, pk)
    initial = {"copies": listing.copies, "copies_sold": listing.copies_sold, "booth": listing.booth}
    form = StockForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_stock(
                    exhibitor=exhibitor,
                    title=listing.title,
                    copies=data["copies"],
                    copies_sold=data["copies_sold"],
                    booth=data["booth"],
                )
            except TitleError as error:
                error.add_to(form)
            else:
                messages.success(request, _("“%(title)s” was updated.") % {"title": listing.title.title})
                return redirect("publisher_stock", event_id=event_id)
        status = 400
    return render(
        request,
        "publishers/portal/stock_form.html",
        {
            "publisher": request.publisher,
            "exhibitor": exhibitor,
            "event": exhibitor.event,
            "form": form,
            "listing": listing,
        },
        status=status,
    )


@publisher_required
@require_http_methods(["GET", "POST"])
def stock_remove(request, event_id: int, pk: int):
    """GET asks to confirm; POST removes (or, with sales, leaves none available)."""
    exhibitor = own_exhibitor(request, event_id)
    listing = own_listing(request, exhibitor, pk)
    if request.method == "POST":
        if remove_listing(listing=listing):
            messages.success(
                request, _("“%(title)s” was removed from your stock.") % {"title": listing.title.title}
            )
        else:
            messages.success(
                request,
                _("“%(title)s” has sales, so it stays in your figures with no copy left available.")
                % {"title": listing.title.title},
            )
        return redirect("publisher_stock", event_id=event_id)
    return render(
        request,
        "publishers/portal/stock_remove.html",
        {
            "publisher": request.publisher,
            "exhibitor": exhibitor,
            "event": exhibitor.event,
            "listing": listing,
        },
    )
