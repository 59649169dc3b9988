"""The project's URLs with bare Django views in front, used as throughput baselines."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bookday.urls import urlpatterns as project_urlpatterns

BARE_PATH = "/__bench__/bare/"
BARE_BODY = "<!DOCTYPE html><html><head><title>bare</title></head><body><p>bare</p></body></html>"
BARE_JSON_PATH = "/__bench__/bare-json/"


def bare_view(request: HttpRequest) -> HttpResponse:
    """No database, no template: what Django plus the project's middleware costs on its own."""
    return HttpResponse(BARE_BODY)


@csrf_exempt  # like the JSON API, which takes no CSRF token
def bare_json_view(request: HttpRequest) -> JsonResponse:
    """A JSON POST parsed and answered with a small JSON body: no database, no validation.

    The floor under any JSON write endpoint: Django, the project's middleware and a JSON round
    trip. It answers 201 like the registration endpoint does.
    """
    if request.method != "POST":
        return JsonResponse({"code": "method_not_allowed"}, status=405)
    try:
        data = json.loads(request.body)
    except ValueError:
        return JsonResponse({"code": "invalid"}, status=422)
    return JsonResponse({"code": "bare", "status": "confirmed", "email": data.get("email", "")}, status=201)


# Prepended so Wagtail's catch-all page route (last in the project's list) never sees them.
urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare_view),
    path(BARE_JSON_PATH.strip("/") + "/", bare_json_view),
    *project_urlpatterns,
]
