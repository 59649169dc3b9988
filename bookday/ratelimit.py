"""Fixed-window rate limits kept in the cache (Redis in production, shared by every app server)."""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def allow(key: str, limit: int, window: int = 60) -> bool:
    """Count one hit on ``key``; False once it has been hit more than ``limit`` times this window."""
    return _hit(f"ratelimit:{key}:{int(time.time() // window)}", timeout=window + 5) <= limit


def _hit(cache_key: str, timeout: int) -> int:
    """Add one to the counter; the hits so far this window."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip: Django's add() then incr() take three (incr checks EXISTS first).
        # Counters are plain integers in Redis, as Django's serializer stores ints.
        key = cache.make_and_validate_key(cache_key)
        pipe = cache._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def client_ip(request) -> str:
    """The visitor's address; behind ``PROXY_COUNT`` trusted proxies, taken from X-Forwarded-For."""
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
