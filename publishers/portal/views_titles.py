"""Portal: the publisher's list of titles (search, add, edit)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from publishers.models import Exhibitor, Title, folded_words
from publishers.portal.access import publisher_required
from publishers.portal.forms import TitleForm
from publishers.services.titles import TitleError, save_title
from publishers.validators import isbn_search_form

PER_PAGE = 25


def search_titles(titles, query: str):
    """Titles matching every word of the query (accents and case ignored), or the ISBN typed."""
    isbn = isbn_search_form(query)
    if isbn:
        return titles.filter(isbn=isbn)
    for word in folded_words(query):  # search_text holds words only, no punctuation
        titles = titles.filter(search_text__contains=word)
    return titles


@publisher_required
def title_list(request):
    query = request.GET.get("q", "").strip()[:100]
    titles = Title.objects.for_publisher(request.publisher).select_related("category")
    if query:
        titles = search_titles(titles, query)
    page = Paginator(titles.order_by("sort_key", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "publishers/portal/title_list.html",
        {
            "publisher": request.publisher,
            "page_obj": page,
            "query": query,
            "querystring": urlencode({"q": query}) if query else "",
        },
    )


@publisher_required
@require_http_methods(["GET", "POST"])
def title_edit(request, pk: int | None = None):
    publisher = request.publisher
    title = get_object_or_404(Title.objects.for_publisher(publisher), pk=pk) if pk else None
    initial = TitleForm.initial_for(title) if title else None
    form = TitleForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save_title(publisher=publisher, data=form.cleaned_data, title=title)
            except TitleError as error:
                error.add_to(form)
            else:
                messages.success(request, _("“%(title)s” was saved.") % {"title": saved.title})
                return redirect("publisher_title_edit", pk=saved.pk)
        status = 400
    listings = title.listings.select_related("exhibitor__event") if title else []
    return render(
        request,
        "publishers/portal/title_form.html",
        {
            "publisher": publisher,
            "form": form,
            "title_obj": title,
            "listings": listings,
            "exhibitors": Exhibitor.objects.filter(publisher=publisher).select_related("event"),
        },
        status=status,
    )
