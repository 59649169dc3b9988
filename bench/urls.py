"""The project's URLs with a bare Django view in front, used as the throughput baseline."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from bookday.urls import urlpatterns as project_urlpatterns

BARE_PATH = "/__bench__/bare/"
BARE_BODY = "<!DOCTYPE html><html><head><title>bare</title></head><body><p>bare</p></body></html>"


def bare_view(request: HttpRequest) -> HttpResponse:
    """No database, no template: what Django plus the project's middleware costs on its own."""
    return HttpResponse(BARE_BODY)


# Prepended so Wagtail's catch-all page route (last in the project's list) never sees it.
urlpatterns = [path(BARE_PATH.strip("/") + "/", bare_view), *project_urlpatterns]
