"""Facts read on every scan and registration, remembered in each process for a few seconds.

A gate phone's token and whether its user may scan, an event and its rules, a gate: the hot
paths read them on every request, and they change a few times a day. Each process keeps them
in memory for at most ``HOT_CACHE_SECONDS``, and only while one shared version in the default
cache (Redis in production, shared by every app server) is unchanged. Saving or deleting any
model they come from (a token revoked, a user deactivated or taken out of a group, an event
edited or unpublished, a gate removed) sets a new version, so every process forgets everything
at its next request: a revoked token is refused at once. With a cache that is not shared
between processes (locmem: development, tests) the process that made the change forgets at
once, the others within ``HOT_CACHE_SECONDS``.

Each request reads the version once (one cache round trip), however many facts it uses.
"""

import logging
import secrets
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)
T = TypeVar("T")

VERSION_KEY = "hotcache:version"
MAX_ENTRIES = 10_000  # a bound, never reached in practice: tokens, events and gates are few
_entries: dict[object, tuple[str, float, object]] = {}
_UNREAD = object()


def _read_version() -> str | None:
    """The shared version; None when the cache cannot be reached (then nothing is remembered)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, or the cache was emptied: start a version nobody has seen
            cache.add(VERSION_KEY, secrets.token_hex(8), None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception as error:  # noqa: BLE001 - a cache outage must not stop the gates
        log.warning("Hot cache version unreadable, reading from the database: %s", error)
        return None


def version(request=None) -> str | None:
    """The version for this request, read once per request when ``request`` is given."""
    if request is None:
        return _read_version()
    found = getattr(request, "_hotcache_version", _UNREAD)
    if found is _UNREAD:
        found = _read_version()
        request._hotcache_version = found
    return found


def remember(key: object, compute: Callable[[], T], request=None) -> T:
    """compute(), or what it returned for ``key`` under the current version in the last few seconds."""
    current = version(request)
    seconds = settings.HOT_CACHE_SECONDS
    if current is None or seconds <= 0:
        return compute()
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] == current and entry[1] > now:
        return entry[2]
    value = compute()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (current, now + seconds, value)
    return value


def _bump() -> None:
    _entries.clear()
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), None)
    except Exception as error:  # noqa: BLE001 - the change itself must not fail for this
        log.warning("Hot cache version not bumped: %s", error)


def forget(**kwargs) -> None:
    """Make every process forget (a signal receiver: connected in events.apps).

    Bumped at once and again after the commit: a request that read the database between the
    two (the change not yet visible) remembered old facts under the first new version only."""
    _bump()
    transaction.on_commit(_bump)
