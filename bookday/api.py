"""The JSON API under /api/v1/: one NinjaAPI, routers from each app, errors always as JSON.

Every error body has a stable machine ``code`` and a translated ``message``.
"""

import logging

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from events.api import router as events_router

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Bookday API",
    version="1",
    description="Events, registrations and check-ins of a Book Day.",
    urls_namespace="api",
)
api.add_router("/events/", events_router)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = [
        {
            "field": ".".join(str(part) for part in e.get("loc", [])[1:]) or None,
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    return error(request, 422, "invalid", _("The request is not valid."), errors=errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Authentication is required."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, getattr(exc, "code", "error"), str(exc.message))


@api.exception_handler(Exception)
def on_server_error(request, exc):
    log.exception("API error on %s", request.path)
    return error(request, 500, "server_error", _("Something went wrong on our side. Please try again."))


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON too, never the HTML 404 page."""
    return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
