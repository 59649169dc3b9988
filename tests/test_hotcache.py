"""bookday.hotcache: facts remembered per process while a shared version stands."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from bookday import hotcache


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


def test_remembers_until_another_process_sets_a_new_version():
    compute = Counter()
    assert hotcache.remember("k", compute) == hotcache.remember("k", compute) == 1
    cache.set(hotcache.VERSION_KEY, "set-by-another-process", None)  # its forget(), seen through Redis
    assert hotcache.remember("k", compute) == 2


@pytest.mark.django_db
def test_forget_is_seen_at_once_and_an_emptied_cache_starts_a_new_version():
    compute = Counter()
    hotcache.remember("k", compute)
    hotcache.forget()
    assert hotcache.remember("k", compute) == 2
    cache.clear()  # a version nobody has seen: nothing remembered before counts
    assert hotcache.remember("k", compute) == 3


def test_remembers_for_a_few_seconds_at_most():
    compute = Counter()
    with mock.patch("bookday.hotcache.time.monotonic", return_value=1000.0):
        hotcache.remember("k", compute)
    with mock.patch("bookday.hotcache.time.monotonic", return_value=1004.0):
        assert hotcache.remember("k", compute) == 1
    with mock.patch("bookday.hotcache.time.monotonic", return_value=1006.0):
        assert hotcache.remember("k", compute) == 2
    with override_settings(HOT_CACHE_SECONDS=0):
        assert hotcache.remember("k", compute) == 3


def test_a_cache_outage_reads_the_database_every_time():
    compute = Counter()
    with mock.patch.object(cache, "get", side_effect=ConnectionError("redis down")):
        assert hotcache.remember("k", compute) == 1
        assert hotcache.remember("k", compute) == 2


def test_the_version_is_read_once_per_request():
    class Request:
        pass

    request = Request()
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        hotcache.remember("a", Counter(), request)
        hotcache.remember("b", Counter(), request)
    assert get.call_count <= 2  # the first read may find no version and start one
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        hotcache.remember("c", Counter(), request)
    assert get.call_count == 0


def test_on_redis_a_change_made_by_another_process_is_seen_at_once(redis_cache):
    """Two app servers, one Redis: the version lives in Redis, so what another process forgets
    (a token revoked there) is forgotten here at the next request, not seconds later."""
    from tests.conftest import TEST_REDIS_URL
    from tests.test_settings import run

    compute = Counter()
    assert hotcache.remember("k", compute) == hotcache.remember("k", compute) == 1
    before = redis_cache.get(hotcache.VERSION_KEY)
    assert before  # kept in Redis, where every process reads it

    other_server = (
        "import django\ndjango.setup()\n"
        "from django.test.utils import override_settings\n"
        f"backend = {{'BACKEND': 'bookday.cache.RedisCache', 'LOCATION': {TEST_REDIS_URL!r},"
        f" 'KEY_PREFIX': {redis_cache.key_prefix!r}}}\n"
        "with override_settings(CACHES={'default': backend}):\n"
        "    from bookday import hotcache\n"
        "    hotcache.forget()\n"
    )
    result = run(other_server, "bookday.settings.test")
    assert result.returncode == 0, result.stderr

    assert redis_cache.get(hotcache.VERSION_KEY) != before
    assert hotcache.remember("k", compute) == 2
