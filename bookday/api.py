"""The JSON API under /api/v1/: one NinjaAPI, routers from each app, errors always as JSON.

Every error body has a stable machine ``code`` and a ``message`` translated from the client's
Accept-Language; invalid input adds ``errors``: {field: [messages]}.
"""

import logging

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by endpoints for a refusal: HTTP status, machine code, translated message."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None):
        self.status, self.code, self.message, self.errors = status, code, message, errors
        super().__init__(code)


def invalid(errors: dict) -> ApiError:
    return ApiError(422, "invalid", _("The request is not valid."), errors)


api = NinjaAPI(
    title="Bookday API",
    version="1",
    description="Events, registrations and check-ins of a Book Day. Errors are JSON with a machine "
    "`code` and a `message` in the language of the Accept-Language header (Vietnamese by default).",
    urls_namespace="api",
)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


def _pydantic_message(error: dict) -> str:
    """Pydantic's English messages, replaced by translated ones people can act on."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Ensure this value is at least %(min)s.") % {"min": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Ensure this value is at most %(max)s.") % {"max": ctx.get("le", ctx.get("lt"))}
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind.startswith("date"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return _("Enter a valid value.")


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", [])]
        # ("body", "payload", "party_size") -> "party_size"; a whole-body error -> "__all__";
        # ("query", "page") -> "page"
        whole_body = location[:1] == ["body"] and len(location) <= 2
        field = location[-1] if len(location) >= 2 and not whole_body else "__all__"
        errors.setdefault(field, []).append(_pydantic_message(item))
    return error(request, 422, "invalid", _("The request is not valid."), errors=errors)


@api.exception_handler(ApiError)
def on_api_error(request, exc):
    extra = {"errors": exc.errors} if exc.errors else {}
    return error(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Authentication is required."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400:  # ninja could not parse the body
        return error(request, 400, "malformed", _("The request body is not valid JSON."))
    return error(request, exc.status_code, getattr(exc, "code", "error"), str(exc.message))


@api.exception_handler(Exception)
def on_server_error(request, exc):
    log.exception("API error on %s", request.path)
    return error(request, 500, "server_error", _("Something went wrong on our side. Please try again."))


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON too, never the HTML 404 page."""
    return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)


# Routers import ApiError from here, so they are added last.
from events.api import router as events_router  # noqa: E402
from events.api_checkin import router as checkin_router  # noqa: E402
from events.api_stats import router as stats_router  # noqa: E402
from publishers.api import router as catalogue_router  # noqa: E402

api.add_router("/events/", events_router)
api.add_router("/", checkin_router)
api.add_router("/", stats_router)
api.add_router("/", catalogue_router)
