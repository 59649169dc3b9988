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
