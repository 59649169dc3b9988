import hashlib

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import cache
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import has_vary_header


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Pages take their language from the URL (Vietnamese at /, English at /en/).

    The JSON API has no language prefix, so its messages follow the client's
    Accept-Language header instead, falling back to Vietnamese.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


class PublicPageCacheMiddleware:
    """Whole-page cache for anonymous visitors of Wagtail pages, for at most PAGE_CACHE_SECONDS.

    A Book Day's public pages are read thousands of times between edits. Only responses that
    are the same for everyone are kept: served by Wagtail, 200, HTML, setting no cookie, not
    varying on Cookie (a CSRF token or a session would) and not marked private. Visitors with a
    session (editors, logged-in staff) always get a fresh page; publishing clears the cache.
    """

    VERSION_KEY = "pagecache:version"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._eligible(request):
            return self.get_response(request)
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if self._cacheable(request, response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _eligible(request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    def _key(self, request) -> str:
        version = cache.get_or_set(self.VERSION_KEY, 1, None)
        digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        return f"pagecache:{version}:{digest}"

    @staticmethod
    def _cacheable(request, response) -> bool:
        match = getattr(request, "resolver_match", None)
        return (
            match is not None
            and match.url_name == "wagtail_serve"
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
            and not has_vary_header(response, "Cookie")
            and "private" not in response.get("Cache-Control", "")
        )

    @classmethod
    def clear(cls, **kwargs) -> None:
        """Forget every cached page (on publish and unpublish)."""
        try:
            cache.incr(cls.VERSION_KEY)
        except ValueError:
            cache.set(cls.VERSION_KEY, 1, None)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the relaxed ADMIN_CONTENT_SECURITY_POLICY for the Wagtail
    admin and the API docs, whose third-party front ends set inline styles (see settings)."""

    @staticmethod
    def _relaxed(request) -> bool:
        return request.path_info.startswith((reverse("wagtailadmin_home"), reverse("api:openapi-view")))

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and self._relaxed(request):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts
