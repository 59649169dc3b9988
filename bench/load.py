"""A small closed-loop HTTP load generator: N threads, each with its own connection.

Threads and http.client are enough here: the server is the bottleneck we care about, the
generator's own CPU use is reported next to the results, and it adds no dependency.
Connections are kept alive when the server allows it (gunicorn's sync worker does not, so
each request then also pays for a TCP connect, equally for every target).

GET is the default. For writes, pass method="POST" and a `body` factory: it is called with
(thread index, request number within that thread) and returns the bytes to send, so every
request can carry distinct data (e.g. a unique email address) without any shared state.
The path may be such a factory too, for an API that names its resource in the URL (a pass code).

An optional `classify` callable, given (status, response body), returns a label counted per
response in LoadResult.labels (e.g. the `result` field of a JSON answer); it runs in the
client threads, outside the timed part of each request.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from bench.server import HOST

REQUEST_TIMEOUT = 30.0  # seconds; a stuck request ends its thread's loop at worst this late

BodyFactory = Callable[[int, int], bytes]  # (thread index, request number in the thread) -> body
PathFactory = Callable[[int, int], str]  # the same, -> path
Classifier = Callable[[int, bytes], str]  # (status, response body) -> label to count


@dataclass
class _ThreadStats:
    latencies_ms: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    body_bytes: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0  # connection errors: no status at all
    labels: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Request:
    method: str
    path: str | PathFactory
    headers: dict[str, str]
    body: BodyFactory | None
    ok_statuses: frozenset[int]
    classify: Classifier | None = None


@dataclass
class LoadResult:
    requests: int  # every attempt, including failures
    ok: int  # responses with an expected status (200 unless the caller said otherwise)
    errors: int  # other responses and connection failures
    elapsed: float  # seconds, until the last in-flight request finished
    latencies_ms: list[float]  # sorted, every response whatever its status
    body_bytes: int
    statuses: dict[int, int] = field(default_factory=dict)  # responses by HTTP status
    failures: int = 0  # connection failures (counted in errors, absent from statuses)
    labels: dict[str, int] = field(default_factory=dict)  # responses by `classify` label, if given

    @property
    def rps(self) -> float:
        """Only expected statuses count: fast error pages must not pass for throughput."""
        return self.ok / self.elapsed if self.elapsed else 0.0

    def status_rps(self, *statuses: int) -> float:
        """Responses per second with any of these statuses."""
        count = sum(self.statuses.get(status, 0) for status in statuses)
        return count / self.elapsed if self.elapsed else 0.0

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
    port: int,
    request: _Request,
    index: int,
    deadline: float,
    take_ticket: Callable[[], bool],
    stats: _ThreadStats,
) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        # Bounded twice: by the clock and by the shared request budget.
        for number in itertools.count():
            if not (time.perf_counter() < deadline and take_ticket()):
                break
            path = request.path(index, number) if callable(request.path) else request.path
            body = request.body(index, number) if request.body else None
            started = time.perf_counter()
            try:
                conn.request(request.method, path, body=body, headers=request.headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                stats.errors += 1
                stats.failures += 1
                conn.close()  # http.client reconnects on the next request
                continue
            stats.latencies_ms.append((time.perf_counter() - started) * 1000)
            stats.body_bytes += len(data)
            stats.statuses[response.status] += 1
            if request.classify is not None:
                stats.labels[request.classify(response.status, data)] += 1
            if response.status in request.ok_statuses:
                stats.ok += 1
            else:
                stats.errors += 1
    finally:
        conn.close()


def run_load(
    port: int,
    path: str | PathFactory,
    *,
    concurrency: int,
    duration: float,
    max_requests: int,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: BodyFactory | None = None,
    ok_statuses: Collection[int] = (200,),
    classify: Classifier | None = None,
) -> LoadResult:
    """Keep `concurrency` requests in flight for `duration` seconds (or `max_requests`)."""
    tickets = itertools.count()  # next() on it is atomic under the GIL: a lock-free budget
    take_ticket = lambda: next(tickets) < max_requests  # noqa: E731
    request = _Request(method, path, headers or {}, body, frozenset(ok_statuses), classify)
    stats = [_ThreadStats() for _ in range(concurrency)]
    start = time.perf_counter()
    deadline = start + duration
    threads = [
        threading.Thread(target=_worker, args=(port, request, i, deadline, take_ticket, s), daemon=True)
        for i, s in enumerate(stats)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - start
    ok = sum(s.ok for s in stats)
    errors = sum(s.errors for s in stats)
    statuses: Counter[int] = Counter()
    labels: Counter[str] = Counter()
    for s in stats:
        statuses.update(s.statuses)
        labels.update(s.labels)
    return LoadResult(
        requests=ok + errors,
        ok=ok,
        errors=errors,
        elapsed=elapsed,
        latencies_ms=sorted(itertools.chain.from_iterable(s.latencies_ms for s in stats)),
        body_bytes=sum(s.body_bytes for s in stats),
        statuses=dict(sorted(statuses.items())),
        failures=sum(s.failures for s in stats),
        labels=dict(labels.most_common()),
    )
