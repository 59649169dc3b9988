"""Rate limits on Redis (production's cache): one round trip per hit, counts shared by servers;
the cache backend keeps one client object."""

import pytest

from bookday.ratelimit import allow, allow_all


def test_the_limit_is_counted_on_redis_and_expires(redis_cache):
    assert [allow("ip:10.0.0.1", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert allow("ip:10.0.0.2", 3, 60)  # another address has its own count
    keys = redis_cache._cache.get_client().keys(f"{redis_cache.key_prefix}:*ratelimit:ip:10.0.0.1:*")
    assert len(keys) == 1 and 60 < redis_cache._cache.get_client().ttl(keys[0]) <= 65
    # A plain integer, as Django stores it: the cache API reads the same count.
    assert redis_cache.get(keys[0].decode().split(":", 2)[2]) == 5


def test_one_round_trip_per_hit(redis_cache, monkeypatch):
    import redis

    calls = []
    real = redis.client.Pipeline.execute
    monkeypatch.setattr(
        redis.client.Pipeline, "execute", lambda self, *a, **k: calls.append(1) or real(self, *a, **k)
    )
    monkeypatch.setattr(
        redis.Redis, "execute_command", lambda *a, **k: pytest.fail(f"a separate round trip: {a[1:]}")
    )
    assert allow("email:a@example.vn", 5, 3600)
    assert calls == [1]
    monkeypatch.undo()


def test_an_address_and_an_email_are_counted_in_one_round_trip(redis_cache, monkeypatch):
    import redis

    calls = []
    real = redis.client.Pipeline.execute
    monkeypatch.setattr(
        redis.client.Pipeline, "execute", lambda self, *a, **k: calls.append(1) or real(self, *a, **k)
    )
    results = [allow_all(("ip:10.0.0.9", 100, 60), ("email:b@example.vn", 2, 3600)) for _ in range(3)]
    assert results == [True, True, False]  # the email's limit decides; the address is far from its own
    assert calls == [1, 1, 1]
    monkeypatch.undo()
    # Both counters were hit every time, the address's too.
    assert [allow("ip:10.0.0.9", 3, 60), allow("ip:10.0.0.9", 3, 60)] == [False, False]


def test_the_cache_keeps_one_redis_client(redis_cache):
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client(write=True)
    redis_cache.set("test-key", {"a": 1}, 30)
    assert redis_cache.get("test-key") == {"a": 1}
    redis_cache.delete("test-key")
