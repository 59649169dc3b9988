"""Fixed-window rate limits kept in the cache (Redis in production, shared by every app server)."""

import time

from django.conf import settings
from django.core.cache import cache


def allow(key: str, limit: int, window: int = 60) -> bool:
    """Count one hit on ``key``; False once it has been hit more than ``limit`` times this window."""
    cache_key = f"ratelimit:{key}:{int(time.time() // window)}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 5)
        return True


def client_ip(request) -> str:
    """The visitor's address; behind ``PROXY_COUNT`` trusted proxies, taken from X-Forwarded-For."""
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
