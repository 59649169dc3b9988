"""Fixed-window rate limits kept in the cache (Redis in production, shared by every app server)."""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def allow(key: str, limit: int, window: int = 60) -> bool:
    """Count one hit on ``key``; False once it has been hit more than ``limit`` times this window."""
    return allow_all((key, limit, window))


def allow_all(*limits: tuple[str, int, int]) -> bool:
    """Count one hit on each ``(key, limit, window)``; False when any of them is over its limit.

    Every counter is hit, so a visitor blocked by one limit still counts towards the others.
    """
    now = time.time()
    counters = [(f"ratelimit:{key}:{int(now // window)}", window + 5) for key, _limit, window in limits]
    hits = _hits(counters)
    return all(count <= limit for count, (_key, limit, _window) in zip(hits, limits, strict=True))


def _hits(counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each (cache key, timeout) counter; the hits so far this window, in order."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip for all of them: Django's add() then incr() take three per counter
        # (incr checks EXISTS first). Counters are plain integers in Redis, as Django's
        # serializer stores ints; writes all go to the first server, so one client serves.
        keys = [(cache.make_and_validate_key(name), timeout) for name, timeout in counters]
        pipe = cache._cache.get_client(keys[0][0], write=True).pipeline(transaction=False)
        for key, timeout in keys:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
        return pipe.execute()[1::2]
    return [_hit_local(cache, name, timeout) for name, timeout in counters]


def _hit_local(cache, cache_key: str, timeout: int) -> int:
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
