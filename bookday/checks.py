"""Deployment checks of the project's own settings (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def proxy_count_set(app_configs, **kwargs):
    """Behind a proxy, every visitor's address is the proxy's unless PROXY_COUNT says how many
    proxies to look past: one client would then exhaust the rate limits for everyone."""
    if urlsplit(settings.BASE_URL).scheme == "https" and settings.PROXY_COUNT == 0:
        return [
            Error(
                "BASE_URL is HTTPS but PROXY_COUNT is 0: behind the TLS proxy every visitor would "
                "share one rate-limit counter.",
                hint="Set PROXY_COUNT to the number of proxies in front of the app (1 behind nginx).",
                id="bookday.E001",
            )
        ]
    return []
