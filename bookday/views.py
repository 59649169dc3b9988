"""Project-level views: health check, the locked-out sign-in page."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for the proxy and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def login_username(request, credentials=None) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: the same account
    whatever the case or spaces typed (publishers sign in with their email)."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(typed).strip().lower()[:254]


def locked_out(request, credentials=None, *args, **kwargs):
    """What a locked-out sign-in gets, in the site's language and design (HTTP 429)."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "locked_out.html", {"minutes": minutes}, status=429)
