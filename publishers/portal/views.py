"""Portal pages: home, profile and the publisher's applications. Thin: every object comes from
a queryset scoped to ``request.publisher`` and every write goes through a service."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication
from publishers.portal.access import publisher_required
from publishers.portal.forms import ProfileForm
from publishers.services.titles import PROFILE_FIELDS, TitleError, update_profile


@publisher_required
def home(request):
    """The publisher's events with booths, application status and stock totals per event."""
    publisher = request.publisher
    exhibitors = (
        Exhibitor.objects.filter(publisher=publisher)
        .select_related("event", "application")
        .annotate(
            titles_count=Count("listings", filter=Q(listings__copies__gt=0)),
            copies_total=Sum("listings__copies", default=0),
            sold_total=Sum("listings__copies_sold", default=0),
        )
        .order_by("-event__start_date")
    )
    # Applications still waiting or refused: approved ones show up as exhibitors above.
    open_applications = (
        ExhibitorApplication.objects.for_publisher(publisher)
        .filter(exhibitor__isnull=True)
        .exclude(status=ApplicationStatus.APPROVED)
        .select_related("event")
    )
    return render(
        request,
        "publishers/portal/home.html",
        {
            "publisher": publisher,
            "exhibitors": exhibitors,
            "open_applications": open_applications,
            "titles_count": publisher.titles.count(),
        },
    )


@publisher_required
def application_detail(request, pk: int):
    application = get_object_or_404(
        ExhibitorApplication.objects.for_publisher(request.publisher).select_related("event"), pk=pk
    )
    return render(
        request,
        "publishers/portal/application.html",
        {"publisher": request.publisher, "application": application},
    )


@publisher_required
@require_http_methods(["GET", "POST"])
def profile(request):
    publisher = request.publisher
    initial = {name: getattr(publisher, name) for name in PROFILE_FIELDS}
    initial["logo"] = publisher.logo
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                update_profile(publisher=publisher, data=form.cleaned_data)
            except TitleError as error:
                error.add_to(form)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("publisher_profile")
        status = 400
    return render(
        request, "publishers/portal/profile.html", {"publisher": publisher, "form": form}, status=status
    )
