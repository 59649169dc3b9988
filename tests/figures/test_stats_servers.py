"""Live figures behind a load balancer: two app servers, one Redis.

Each server is a separate Python process whose time.monotonic() is shifted as if its machine
had booted at another time; they share nothing but the Redis cache. event_figures is replaced
in each by a stand-in that says which server computed it and how often, so the test sees who
computed the figures every server answers with.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/14"
FRESH_SECONDS = 2  # STATS_CACHE_SECONDS in the servers, so that staleness comes quickly

SERVER = """
import json, os, sys, time

import django
from django.test.utils import override_settings

name, monotonic_offset, redis_url, prefix, fresh_seconds = sys.argv[1:]
real_monotonic = time.monotonic
time.monotonic = lambda: real_monotonic() + float(monotonic_offset)  # another machine's boot
os.environ["DJANGO_SETTINGS_MODULE"] = "bookday.settings.test"
django.setup()
override_settings(
    CACHES={"default": {"BACKEND": "bookday.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}}
).enable()

from figures import stats

stats.STATS_CACHE_SECONDS = int(fresh_seconds)
computed, slow = [], []


def event_figures(event, day=None):
    computed.append(1)
    if slow:
        print(json.dumps({"computing": True}), flush=True)
        time.sleep(float(slow[0]))
    return {"computed_by": name, "computation": len(computed)}


stats.event_figures = event_figures


class Event:
    pk = 4242


print(json.dumps({"ready": name}), flush=True)
for line in sys.stdin:
    slow[:] = [line.split()[1]] if line.startswith("slow") else []
    figures = stats.cached_figures(Event())
    print(json.dumps({**figures, "computed_here": len(computed)}), flush=True)
"""


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def prefix():
    if not redis_reachable():
        message = "needs Redis at 127.0.0.1:6379"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must run the Redis paths (.ci/run starts it)")
        pytest.skip(message)
    import redis

    prefix = f"test-stats-servers-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


class Server:
    def __init__(self, name: str, monotonic_offset: float, prefix: str):
        arguments = [name, str(monotonic_offset), REDIS_URL, prefix, str(FRESH_SECONDS)]
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, *arguments],
            cwd=Path(__file__).resolve().parents[2],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        assert self.answer() == {"ready": name}

    def send(self, command: str = "read") -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict:
        line = self.process.stdout.readline()
        assert line, f"the server stopped (exit code {self.process.poll()})"
        return json.loads(line)

    def read(self) -> dict:
        self.send()
        return self.answer()

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def servers(prefix):
    # Machines booted days apart: their monotonic clocks are a million seconds from each other.
    started = [Server("a", 0, prefix), Server("b", 1_000_000, prefix)]
    yield started
    for server in started:
        server.stop()


def wait_until_stale() -> None:
    time.sleep(FRESH_SECONDS + 0.3)


def test_app_servers_share_fresh_figures_and_recompute_once_they_are_stale(servers):
    a, b = servers
    assert a.read() == {"computed_by": "a", "computation": 1, "computed_here": 1}
    # The other server answers with those figures while they are fresh: it computes nothing.
    assert b.read() == {"computed_by": "a", "computation": 1, "computed_here": 0}
    assert a.read()["computed_here"] == 1

    wait_until_stale()
    assert b.read() == {"computed_by": "b", "computation": 1, "computed_here": 1}
    assert a.read() == {"computed_by": "b", "computation": 1, "computed_here": 1}
    assert b.read()["computed_here"] == 1


def test_while_one_server_recomputes_the_others_answer_with_the_last_figures(servers):
    a, b = servers
    a.read()
    wait_until_stale()
    a.send("slow 1.5")
    assert a.answer() == {"computing": True}
    # Stale, but someone is already computing: the last figures (not the ones being computed,
    # so it did not wait for them), and no second computation.
    assert b.read() == {"computed_by": "a", "computation": 1, "computed_here": 0}
    assert a.answer() == {"computed_by": "a", "computation": 2, "computed_here": 2}
    assert b.read() == {"computed_by": "a", "computation": 2, "computed_here": 0}
