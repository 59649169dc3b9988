"""The JSON API under /api/v1/: one NinjaAPI, routers from each app, errors always as JSON.

Errors (``ApiError``, ``invalid()``) and their handlers live in bookday.api_errors, which is
what routers import: this module imports the routers, never the other way round.
"""

from ninja import NinjaAPI

from bookday import api_errors
from bookday.api_errors import not_found
from events.api import router as events_router
from events.api_checkin import router as checkin_router
from events.api_session_door import router as session_door_router
from events.api_sessions import router as sessions_router
from figures.api import router as stats_router
from floor.api import router as floor_router
from publishers.api import router as catalogue_router

__all__ = ["api", "not_found"]

api = NinjaAPI(
    title="Bookday API",
    version="1",
    description="Events, registrations and check-ins of a Book Day. Errors are JSON with a machine "
    "`code` and a `message` in the language of the Accept-Language header (Vietnamese by default).",
    urls_namespace="api",
)
api_errors.install(api)

api.add_router("/events/", events_router)
api.add_router("/", checkin_router)
api.add_router("/", stats_router)
api.add_router("/", catalogue_router)
api.add_router("/", floor_router)
api.add_router("/", sessions_router)
api.add_router("/", session_door_router)
