"""Who may use the portal, and the one way views reach a publisher's objects.

Every portal view is wrapped in ``publisher_required``, which sets ``request.publisher``; every
object a view touches is then fetched through a queryset scoped to that publisher, so an id
belonging to another publisher answers 404 exactly like an id that does not exist.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from publishers.models import Exhibitor, PublisherUser


def publisher_required(view):
    """Only a logged-in user who belongs to a publisher gets through; sets ``request.publisher``.

    Anonymous visitors go to the portal login; a logged-in user without a publisher (an
    organiser, say) gets a 403 page that says why, rather than a login loop.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("publisher_login"))
        membership = PublisherUser.objects.select_related("publisher").filter(user=request.user).first()
        if membership is None or not request.user.is_active:
            return render(request, "publishers/portal/forbidden.html", status=403)
        request.publisher = membership.publisher
        response = view(request, *args, **kwargs)
        # Private data: never kept by a shared cache or shown again by the back button after logout.
        add_never_cache_headers(response)
        return response

    return wrapper


def own_exhibitor(request, event_id: int) -> Exhibitor:
    """The publisher's exhibitor record at this event, or 404."""
    return get_object_or_404(
        Exhibitor.objects.filter(publisher=request.publisher).select_related("event", "publisher"),
        event_id=event_id,
    )
