"""The API's errors: what routers raise, and how every error becomes JSON.

Routers import ``ApiError`` and ``invalid`` from here, never from ``bookday.api``: the API
object imports the routers, so a router importing it back would only work when the API had
been imported first (an import cycle). ``bookday.api`` calls ``install()`` on its NinjaAPI.

Every error body has a stable machine ``code`` and a ``message`` translated from the client's
Accept-Language; invalid input adds ``errors``: {field: [messages]}. A service's refusal
(bookday.errors.ServiceError) raised through an endpoint is answered here too, by ``refused()``:
endpoints call services and let their refusals through.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from bookday.errors import ServiceError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by endpoints for a refusal: HTTP status, machine code, translated message."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None):
        self.status, self.code, self.message, self.errors = status, code, message, errors
        super().__init__(code)


def invalid(errors: dict) -> ApiError:
    return ApiError(422, "invalid", _("The request is not valid."), errors)


def refused(error: ServiceError) -> ApiError:
    """A service's refusal as the API answers it: a code the service gives an HTTP status
    (``statuses``) as itself, anything else as 422 ``invalid`` with the message on its field."""
    status = error.statuses.get(error.code)
    if status is None:
        return invalid({error.field or "__all__": [error.message]})
    return ApiError(status, error.api_codes.get(error.code, error.code), error.message)


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


# Each handler says which error an exception is: (HTTP status, JSON body). install() has the
# API render it, so the answer goes through the API's renderer like any other.
def _body(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, **extra}


def on_validation_error(request, exc: ValidationError) -> tuple[int, dict]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", [])]
        # ("body", "payload", "party_size") -> "party_size"; a whole-body error -> "__all__";
        # ("query", "page") -> "page"
        whole_body = location[:1] == ["body"] and len(location) <= 2
        field = location[-1] if len(location) >= 2 and not whole_body else "__all__"
        errors.setdefault(field, []).append(_pydantic_message(item))
    return 422, _body("invalid", _("The request is not valid."), errors=errors)


def answer(error: ApiError | ServiceError) -> tuple[int, dict]:
    """A refusal as every endpoint answers it (and the offline sync, item by item)."""
    if isinstance(error, ServiceError):
        error = refused(error)
    extra = {"errors": error.errors} if error.errors else {}
    return error.status, _body(error.code, error.message, **extra)


def on_refusal(request, exc: ApiError | ServiceError) -> tuple[int, dict]:
    return answer(exc)


def on_not_found(request, exc: Http404) -> tuple[int, dict]:
    return 404, _body("not_found", _("Not found."))


def on_unauthenticated(request, exc: AuthenticationError) -> tuple[int, dict]:
    return 401, _body("unauthenticated", _("Authentication is required."))


def on_http_error(request, exc: HttpError) -> tuple[int, dict]:
    if exc.status_code == 400:  # ninja could not parse the body
        return 400, _body("malformed", _("The request body is not valid JSON."))
    return exc.status_code, _body(getattr(exc, "code", "error"), str(exc.message))


def on_too_large(request, exc: RequestDataTooBig) -> tuple[int, dict]:
    return 413, _body("too_large", _("The request is too large."))


def on_overflow(request, exc: OverflowError) -> tuple[int, dict]:
    # An id beyond what the database can hold (SQLite raises before asking): no such thing.
    return 404, _body("not_found", _("Not found."))


def on_server_error(request, exc: Exception) -> tuple[int, dict]:
    log.exception("API error on %s", request.path)
    return 500, _body("server_error", _("Something went wrong on our side. Please try again."))


HANDLERS = {
    ValidationError: on_validation_error,
    ApiError: on_refusal,
    ServiceError: on_refusal,
    Http404: on_not_found,
    AuthenticationError: on_unauthenticated,
    HttpError: on_http_error,
    RequestDataTooBig: on_too_large,
    OverflowError: on_overflow,
    Exception: on_server_error,
}


def install(api) -> None:
    """Make ``api`` answer every error above as JSON, through its own renderer."""

    def render(handler):
        def handle(request, exc):
            status, body = handler(request, exc)
            return api.create_response(request, body, status=status)

        return handle

    for exception, handler in HANDLERS.items():
        api.add_exception_handler(exception, render(handler))


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON too, never the HTML 404 page."""
    return JsonResponse(_body("not_found", _("Not found.")), status=404)
