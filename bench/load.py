"""A small closed-loop HTTP load generator: N threads, each with its own connection.

Threads and http.client are enough here: the server is the bottleneck we care about, the
generator's own CPU use is reported next to the results, and it adds no dependency.
Connections are kept alive when the server allows it (gunicorn's sync worker does not, so
each request then also pays for a TCP connect, equally for every target).
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.server import HOST

REQUEST_TIMEOUT = 30.0  # seconds; a stuck request ends its thread's loop at worst this late


@dataclass
class _ThreadStats:
    latencies_ms: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    body_bytes: int = 0


@dataclass
class LoadResult:
    requests: int  # every attempt, including failures
    ok: int  # 200 responses
    errors: int  # non-200 responses and connection failures
    elapsed: float  # seconds, until the last in-flight request finished
    latencies_ms: list[float]  # sorted, every response whatever its status
    body_bytes: int

    @property
    def rps(self) -> float:
        """Only 200s count: fast error pages must not pass for throughput."""
        return self.ok / self.elapsed if self.elapsed else 0.0

    @property
    def mean_body_kib(self) -> float:
        responses = len(self.latencies_ms)
        return self.body_bytes / responses / 1024 if responses else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies_ms:
            return float("nan")
        rank = max(1, round(p / 100 * len(self.latencies_ms)))
        return self.latencies_ms[min(rank, len(self.latencies_ms)) - 1]


def _worker(
    port: int, path: str, deadline: float, take_ticket: Callable[[], bool], stats: _ThreadStats
) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        # Bounded twice: by the clock and by the shared request budget.
        while time.perf_counter() < deadline and take_ticket():
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                stats.errors += 1
                conn.close()  # http.client reconnects on the next request
                continue
            stats.latencies_ms.append((time.perf_counter() - started) * 1000)
            stats.body_bytes += len(body)
            if response.status == 200:
                stats.ok += 1
            else:
                stats.errors += 1
    finally:
        conn.close()


def run_load(port: int, path: str, *, concurrency: int, duration: float, max_requests: int) -> LoadResult:
    """Keep `concurrency` requests in flight for `duration` seconds (or `max_requests`)."""
    tickets = itertools.count()  # next() on it is atomic under the GIL: a lock-free budget
    take_ticket = lambda: next(tickets) < max_requests  # noqa: E731
    stats = [_ThreadStats() for _ in range(concurrency)]
    start = time.perf_counter()
    deadline = start + duration
    threads = [
        threading.Thread(target=_worker, args=(port, path, deadline, take_ticket, s), daemon=True)
        for s in stats
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - start
    ok = sum(s.ok for s in stats)
    errors = sum(s.errors for s in stats)
    return LoadResult(
        requests=ok + errors,
        ok=ok,
        errors=errors,
        elapsed=elapsed,
        latencies_ms=sorted(itertools.chain.from_iterable(s.latencies_ms for s in stats)),
        body_bytes=sum(s.body_bytes for s in stats),
    )
