"""Who may call the scanner's endpoints (gates and session doors): gate staff and organisers,
with the scanner page's session or a device's bearer token (``manage.py scanner_token``)."""

import copy

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from bookday import hotcache
from bookday.api_errors import ApiError
from events.permissions import can_scan


def _allowed(request, found):
    if found and not can_scan(request.user):
        raise ApiError(403, "forbidden", _("Only gate staff and organisers may use the scanner."))
    return found


class ScannerToken(BearerTokenAuth):
    """Wagtail's token check, remembered for a few seconds per token (bookday.hotcache): a gate
    phone scans every few seconds, and a revoked token or a user taken out of the group is
    forgotten at once."""

    def authenticate(self, request, token):
        request.user = AnonymousUser()  # never the session's user, whatever happens below
        if not APIToken.validate_token_format(token):  # garbage costs no database look-up
            return None
        digests = tuple(APIToken.candidate_key_hashes(token))
        remembered, allowed = hotcache.remember(
            ("scanner-token", digests), lambda: _resolve(digests), request
        )
        if remembered is None:
            return None
        self._touch_last_used(remembered)
        # Copies: the remembered objects are shared by every request of this process.
        api_token, request.user = copy.copy(remembered), copy.copy(remembered.user)
        api_token.user = request.user
        if not allowed:
            raise ApiError(403, "forbidden", _("Only gate staff and organisers may use the scanner."))
        return api_token

    def _touch_last_used(self, api_token):
        """Like Wagtail's (one write a minute), remembering the time on the remembered token."""
        interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
        now = timezone.now()
        if interval is not None and (
            api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() >= interval
        ):
            APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)  # no signal: no forget
            api_token.last_used_at = now


def _resolve(digests: tuple[str, ...]):
    """(active token with its user, may scan) or (None, False)."""
    api_token = (
        APIToken.objects.select_related("user").filter(key_hash__in=digests, revoked_at__isnull=True).first()
    )
    if api_token is None or not api_token.user.is_active:
        return None, False
    return api_token, can_scan(api_token.user)


class ScannerSession(SessionAuth):
    """The logged-in scanner page (with its CSRF token)."""

    def authenticate(self, request, key):
        return _allowed(request, super().authenticate(request, key))


AUTH = [ScannerToken(), ScannerSession()]
ClientId = Field(
    ...,
    min_length=8,
    max_length=64,
    pattern=r"^[A-Za-z0-9._:-]+$",
    description="Chosen by the device, unique per action; a retry with it returns the first answer",
)
