"""Issue 3: registration POSTs per second under gunicorn, without overselling a day.

The JSON API's registration endpoint is loaded by many clients at once, each request with its
own email address, against a bare JSON POST view (bench/urls.py) on the same server as the
baseline. Emails (and the PDF they attach) go to a Redis queue that no worker drains during
the run, so nothing but the registration itself happens in the request. A second, short phase
fires more requests than there are places at a day with `join_waitlist: false` and then
counts, in the database, that exactly the places left were given and not one more.

Every registration carries what a visitor's device sends: a solved ALTCHA proof of work (a
challenge from `/altcha/challenge/`, solved with the `altcha` library, as
deploy/rehearsal/load.py does) and answers to the organiser's questions. The challenges are
fetched and solved before each timed phase, so the load generator measures the server, not its
own hashing.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import itertools
import json
import math
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

import altcha

from bench import report
from bench.cpu import CpuSample, CpuUsage
from bench.environment import Site, choose_database, prepared_site
from bench.load import BodyFactory, LoadResult, run_load
from bench.server import HOST, Server, gunicorn, post_json

PG_DATABASE = "bookday_bench_registrations"  # its own database: never dropped under another benchmark
NAME = "registrations"
HEADING = "## Registrations under load (issue 3)"
GOAL_RPS = 300.0  # registrations per second with --registration-concurrency clients
# Tried in this order while the goal is not met; the first is --workers × --threads.
FALLBACK_CONFIGS = [(4, 1), (2, 4)]
PROBE_COUNT = 200  # registrations timed part by part in one process
CAPACITY = 1_000_000  # the measured day's capacity during the run: every registration confirmed
OVERSELL_TAKEN = [1, 2, 3, 4] * 5  # party sizes already confirmed on an oversell day beforehand
# The proof-of-work puzzle's size on the benchmark server. The server's side of a proof costs
# the same whatever its size (one SHA-256 and one HMAC to verify, one "used" mark in the cache);
# only the client's search grows with it. Production's 100,000 takes the client about 30 ms of
# CPU per registration, which would make a few hundred registrations/s a test of the load
# generator; 1,000 (the test settings' size) takes 0.3 ms.
ALTCHA_MAX_NUMBER = 1_000
MIN_PROOFS = 2_000  # solved challenges fetched for a timed phase, at least
FETCH_THREADS = 8  # clients fetching challenges before a phase

BARE_JSON_PATH = "/__bench__/bare-json/"  # same as bench.urls.BARE_JSON_PATH
EMAIL_TASK = "events.tasks.send_registration_email"
JSON_HEADERS = {"Content-Type": "application/json", "Accept-Language": "vi"}

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN_NAMES = ["Thị Hương", "Văn Nam", "Minh Châu", "Đức Anh", "Thu Trang", "Quang Huy", "Ngọc Lan"]

# Runs in `manage.py shell`: PARAMS (a JSON string) is prepended. Raises the measured day's
# capacity and builds a separate future event whose days each have exactly N places left.
_SETUP = """
import datetime as dt
import json
from django.db.models import Sum
from django.utils import timezone
from events.models import EventPage, Registration
from events.services.registration import register

params = json.loads(PARAMS)
now = timezone.now()
event = next(
    e for e in EventPage.objects.live().order_by("start_date")
    if e.registration_open and now < e.closes_on(e.end_date)
)
day = event.end_date  # the last day: still open whatever the time of day
before = Registration.objects.filter(day__event=event, day__date=day)
seeded = {
    "rows": before.count(),
    "people": before.filter(status="confirmed").aggregate(n=Sum("party_size"))["n"] or 0,
    "capacity": event.daily_capacity,
}
EventPage.objects.filter(pk=event.pk).update(daily_capacity=params["capacity"])

start = timezone.localdate() + dt.timedelta(days=60)
oversell = EventPage(
    title="Bench: kiểm tra không bán quá chỗ",
    slug="bench-oversell-check",
    intro="Created by bench/registrations.py.",
    start_date=start,
    end_date=start + dt.timedelta(days=params["oversell_days"] - 1),
    opening_time=dt.time(8),
    closing_time=dt.time(21),
    venue_name="Thư viện tỉnh Bắc Ninh",
    registration_opens_at=now - dt.timedelta(days=1),
    daily_capacity=params["capacity"],
)
event.get_parent().add_child(instance=oversell)
oversell.save_revision().publish()
for visit in oversell.days:
    for n, size in enumerate(params["taken"]):
        register(
            event=oversell, full_name="Khách Đặt Trước", email=f"pre-{visit:%Y%m%d}-{n}@example.vn",
            phone="+84912345678", visit_date=visit, party_size=size, consent=True, notify=False,
        )
taken = sum(params["taken"])
EventPage.objects.filter(pk=oversell.pk).update(daily_capacity=taken + params["places"])
# An answer to each of the organiser's questions, as a visitor would give (a required one
# missing is refused), chosen the way deploy/rehearsal/run.py does.
def _answer(question):
    if question.kind == "yes_no":
        return True
    if question.kind == "choices":
        return question.choice_list[:1]
    if question.kind == "choice":
        return question.choice_list[0]
    return "Lớp 6A"
answers = {question.key: _answer(question) for question in event.questions.all()}
print(json.dumps({
    "event": [event.pk, event.title, day.isoformat()],
    "answers": answers,
    "required": [q.label for q in event.questions.all() if q.required],
    "seeded": seeded,
    "oversell": [oversell.pk, [d.isoformat() for d in oversell.days], taken, taken + params["places"]],
}))
"""

# Runs in `manage.py shell` after the load: what the database holds, per day and per phase.
_CHECK = """
import json
from django.db.models import Count, Sum
from events.models import EventPage, Pass, Registration

params = json.loads(PARAMS)
out = {"days": [], "tags": {}}
for event_id, date in params["days"]:
    rows = Registration.objects.filter(day__event_id=event_id, day__date=date).order_by()
    out["days"].append({
        "capacity": EventPage.objects.get(pk=event_id).daily_capacity,
        "confirmed_people": rows.filter(status="confirmed").aggregate(n=Sum("party_size"))["n"] or 0,
        "rows": dict(rows.values_list("status").annotate(n=Count("pk"))),
    })
for tag in params["tags"]:
    rows = Registration.objects.filter(email__startswith=f"bench-{tag}-").order_by()
    passes = Pass.objects.filter(registration__in=rows)
    out["tags"][tag] = {
        "rows": dict(rows.values_list("status").annotate(n=Count("pk"))),
        "passes": passes.count(),
        "pdfs": passes.exclude(pdf="").count(),
        "emailed": rows.filter(email_attempts__gt=0).count(),
    }
print(json.dumps(out))
"""

# Runs in `manage.py shell` with the server's environment (Redis queue): registrations through
# Django's test client, one at a time, timing the parts that matter for throughput. The EventDay
# row lock is held from `_day()` (SELECT ... FOR UPDATE) until COMMIT; every registration for
# that day waits for it, so 1000 / (ms held) bounds one day's registrations/s on any server.
_PROBE = """
import json
import random
import statistics
import time
import altcha
from django.db import connection
from django.db.backends.base import base as db_base
from django.test import Client
from django_tasks.base import Task
from bookday.altcha import new_challenge
from events.services import registration as service

params = json.loads(PARAMS)
url = f"/api/v1/events/{params['event']}/registrations/"
client = Client()
state = {"locked": None, "sql": 0.0}
samples = {k: [] for k in ("wall", "cpu", "held", "sql", "commit", "email", "other")}
other_in_lock = 0
other_tasks = set()

real_day = service._day
def locked_day(event, date):
    day = real_day(event, date)
    state["locked"], state["sql"] = time.perf_counter(), 0.0
    return day
service._day = locked_day

real_commit = db_base.BaseDatabaseWrapper.commit
def commit(self):
    started = time.perf_counter()
    real_commit(self)
    if state["locked"] is not None:
        samples["commit"].append((time.perf_counter() - started) * 1000)
        samples["held"].append((time.perf_counter() - state["locked"]) * 1000)
        samples["sql"].append(state["sql"])
        state["locked"] = None
db_base.BaseDatabaseWrapper.commit = commit

real_enqueue = Task.enqueue
def enqueue(self, *args, **kwargs):
    global other_in_lock
    started = time.perf_counter()
    result = real_enqueue(self, *args, **kwargs)
    key = "email" if self.func.__name__ == "send_registration_email" else "other"
    if key == "other":
        other_tasks.add(f"{self.func.__module__}.{self.func.__name__}")
    samples[key].append((time.perf_counter() - started) * 1000)
    if key == "other" and state["locked"] is not None:
        other_in_lock += 1
    return result
Task.enqueue = enqueue

def timer(execute, sql, sql_params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, sql_params, many, context)
    finally:
        if state["locked"] is not None:
            state["sql"] += (time.perf_counter() - started) * 1000

def solved():
    c = new_challenge()
    found = altcha.solve_challenge(c.challenge, c.salt, c.algorithm, c.max_number)
    return altcha.Payload(c.algorithm, c.challenge, found.number, c.salt, c.signature).to_base64()

# Solved before the timed loop, as the load generator does: the visitor's device does this work.
proofs = [solved() for _ in range(params["warmup"] + params["count"])]

def post(n):
    body = {
        "full_name": "Nguyễn Thị Hương", "email": f"bench-probe-{n}@example.vn",
        "phone": f"+849{random.randrange(10**8):08d}", "visit_date": params["day"], "party_size": 1,
        "organisation": "", "consent": True, "answers": params["answers"], "altcha": proofs[n],
    }
    response = client.post(url, json.dumps(body), content_type="application/json", HTTP_HOST="127.0.0.1")
    assert response.status_code == 201, (response.status_code, response.content[:300])

for n in range(params["warmup"]):
    post(n)
for values in samples.values():
    values.clear()
other_in_lock = 0
with connection.execute_wrapper(timer):
    for n in range(params["warmup"], params["warmup"] + params["count"]):
        wall, cpu = time.perf_counter(), time.process_time()
        post(n)
        samples["wall"].append((time.perf_counter() - wall) * 1000)
        samples["cpu"].append((time.process_time() - cpu) * 1000)
out = {k: statistics.median(v) if v else None for k, v in samples.items()}
out["count"] = params["count"]
out["other_per_registration"] = len(samples["other"]) / params["count"]
out["other_in_lock_per_registration"] = other_in_lock / params["count"]
out["other_tasks"] = sorted(other_tasks)
print(json.dumps(out))
"""

# Runs in `manage.py shell` between server configurations: every configuration starts from the
# same day (the benchmark's rows deleted, the table vacuumed and analysed), so they compare fairly.
_RESET = """
import json
from django.db import connection
from events.models import Registration

params = json.loads(PARAMS)
rows = Registration.objects.filter(
    day__event_id=params["event"], day__date=params["day"], email__startswith="bench-"
)
deleted = rows.count()
rows.delete()
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute("VACUUM ANALYZE events_registration")
        cursor.execute("VACUUM ANALYZE events_pass")
print(json.dumps({"deleted": deleted}))
"""

INTRO = f"""\
Registrations per second through the JSON API (`POST /api/v1/events/{{id}}/registrations/`)
with many concurrent clients, each request with a new email address and a valid Vietnamese
mobile number, for the last day of the demo event (its capacity raised for the run so every
registration is confirmed). The baseline is a bare JSON POST view (`{BARE_JSON_PATH}` in
`bench/urls.py`: parses the body, answers 201, no database) on the same server in the same
run. Goal: at least {GOAL_RPS:.0f} registrations/s, zero oversell, and no PDF or email work in
the request.

Every request carries what a visitor's device sends since the API asks for it: a solved ALTCHA
proof of work and an answer to the organiser's required question. The challenges come from the
server's own `/altcha/challenge/` and are solved with the `altcha` library (as
`deploy/rehearsal/load.py` does), all before the timed phase: solving production's 100,000-sized
puzzle takes about 30 ms of client CPU, which inside the timed phase would measure the load
generator. The server runs with `ALTCHA_MAX_NUMBER={ALTCHA_MAX_NUMBER:,}` so that pre-solving
thousands of them takes seconds, not minutes; checking a proof costs the server the same at any
size (one SHA-256, one HMAC, and the "used" mark in the cache that refuses a replay).

The server runs with `REDIS_URL` pointing at an otherwise unused Redis database, so the
confirmation email (which renders the PDF) is enqueued with django-tasks' RQ backend after the
transaction commits; no worker runs during the measurement, the jobs only pile up in Redis
(flushed before and after). `RATE_LIMIT_PER_IP` is raised for the run, since every request
comes from one address. The first server configuration is `--workers` × `--threads`; when it
misses the goal, 4 sync workers and then 2 workers × 4 threads are tried in the same run, each
starting from the same day (the previous configuration's rows deleted, the table vacuumed).

After the throughput phase, an oversell phase sends more requests than there are places left
on a fresh day of a separate future event (already holding {sum(OVERSELL_TAKEN)} confirmed people
in small groups) with `join_waitlist: false`; every request is for one person. It passes when
the 201 responses equal the places left, every other answer is 409 `full`, and the database's
confirmed people for that day equal the capacity exactly. Req/s counts 201 and 200 only.

Last, a few hundred registrations are timed part by part in one process (Django's test client,
no HTTP server, no contention): how long the day's row lock is held, and what happens inside
it. Every registration for a day waits for that lock, so 1000 / (ms held) is the most
registrations per second one day can take, however many workers or cores serve it."""


@dataclass
class Phase:
    load: LoadResult
    cpu: CpuUsage | None = None
    jobs: dict[str, int] = dataclasses.field(default_factory=dict)  # queued after it, by task
    proofs: int = 0  # solved ALTCHA challenges it had; it stops when they run out

    @property
    def email_jobs(self) -> int:
        return self.jobs.get(EMAIL_TASK, 0)

    @property
    def other_jobs(self) -> int:
        return sum(n for task, n in self.jobs.items() if task != EMAIL_TASK)

    @property
    def server_ms_per_request(self) -> float:
        responses = len(self.load.latencies_ms)
        if self.cpu is None or not responses:
            return float("nan")
        return self.cpu.server_seconds * 1000 / responses


@dataclass
class ConfigRun:
    server: str
    label: str  # "2 × 1"
    index: int
    bare: Phase
    registrations: Phase
    oversell: Phase
    oversell_day: str
    errors_log: str = ""  # gunicorn log tail when a response was a 5xx
    db: dict = dataclasses.field(default_factory=dict)  # _CHECK's answer for this configuration


# --- Redis -----------------------------------------------------------------------------------
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def flush_redis(url: str) -> int:
    """Empty the benchmark's Redis database; return how many keys it held."""
    conn = _redis(url)
    keys = conn.dbsize()
    conn.flushdb()
    return keys


def queued_jobs(url: str) -> dict[str, int]:
    """Jobs waiting in the RQ queue the site enqueues on ("default"), counted by task."""
    conn = _redis(url)
    pipe = conn.pipeline()
    for job_id in conn.lrange("rq:queue:default", 0, -1):
        pipe.hget(b"rq:job:" + job_id, "description")  # "events.tasks.send_registration_email(42)"
    tasks = Counter((d or b"?").decode().split("(", 1)[0] for d in pipe.execute())
    return dict(tasks.most_common())


# --- requests --------------------------------------------------------------------------------
class Proofs:
    """Solved ALTCHA challenges, handed out one per request: the server takes each only once."""

    def __init__(self, payloads: list[str], seconds: float):
        self.payloads = payloads
        self.seconds = seconds  # spent fetching and solving them, before the phase
        self._next = itertools.count()  # next() is atomic under the GIL

    def __len__(self) -> int:
        return len(self.payloads)

    def take(self) -> str:
        return self.payloads[next(self._next)]


def _solve(challenge: dict) -> str:
    found = altcha.solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    if found is None:
        raise RuntimeError(f"ALTCHA challenge without a solution: {challenge}")
    payload = altcha.Payload(
        challenge["algorithm"],
        challenge["challenge"],
        found.number,
        challenge["salt"],
        challenge["signature"],
    )
    return payload.to_base64()


def fetch_proofs(server: Server, count: int) -> Proofs:
    """`count` challenges from the server's `/altcha/challenge/`, solved as a visitor's device does."""
    started = time.perf_counter()
    payloads: list[str] = []
    lock = threading.Lock()
    errors: list[str] = []

    def fetch(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        mine = []
        try:
            for _ in range(n):
                conn.request("GET", "/altcha/challenge/")
                response = conn.getresponse()
                data = response.read()
                if response.status != 200:
                    errors.append(f"{response.status}: {data[:200]!r}")
                    return
                mine.append(_solve(json.loads(data)))
        finally:
            conn.close()
            with lock:
                payloads.extend(mine)

    shares = [count // FETCH_THREADS + (i < count % FETCH_THREADS) for i in range(FETCH_THREADS)]
    threads = [threading.Thread(target=fetch, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors or len(payloads) != count:
        raise RuntimeError(f"fetched {len(payloads)} of {count} ALTCHA challenges: {errors[:3]}")
    return Proofs(payloads, time.perf_counter() - started)


def registration_body(
    visit_date: str, tag: str, proofs: Proofs, answers: dict, *, join_waitlist: bool = True
) -> BodyFactory:
    """A factory of distinct, valid registrations: the email carries the phase, thread and count;
    each request spends a proof of work of its own."""

    def body(thread: int, number: int) -> bytes:
        payload = {
            "full_name": f"{random.choice(FAMILY_NAMES)} {random.choice(GIVEN_NAMES)}",
            "email": f"bench-{tag}-t{thread}-n{number}@example.vn",
            "phone": f"+849{random.randrange(10**8):08d}",
            "visit_date": visit_date,
            "party_size": 1,
            "organisation": "",
            "consent": True,
            "join_waitlist": join_waitlist,
            "answers": answers,
            "altcha": proofs.take(),
        }
        return json.dumps(payload).encode()

    return body


def check(server: Server, reg_path: str, visit_date: str, answers: dict) -> None:
    """One bare POST, one registration and the same again (with a new proof of work): 201,
    201 confirmed, 200 already."""
    status, data = post_json(server, BARE_JSON_PATH, b'{"email": "x@example.vn"}', JSON_HEADERS)
    if status != 201:
        raise RuntimeError(f"bare JSON view answered {status}: {data}")
    bodies = registration_body(visit_date, f"check{server.port}", fetch_proofs(server, 2), answers)
    status, data = post_json(server, reg_path, bodies(0, 0), JSON_HEADERS)
    if status != 201 or data.get("status") != "confirmed" or not data.get("code"):
        raise RuntimeError(f"registration answered {status}: {data}")
    status, data = post_json(server, reg_path, bodies(0, 0), JSON_HEADERS)
    if status != 200 or data.get("status") != "already_registered":
        raise RuntimeError(f"repeated registration answered {status}: {data}")


def _load(server: Server, path: str, options: argparse.Namespace, body: BodyFactory, **kwargs) -> LoadResult:
    return run_load(
        server.port,
        path,
        concurrency=options.registration_concurrency,
        method="POST",
        headers=JSON_HEADERS,
        body=body,
        **kwargs,
    )


def measure(server: Server, path: str, body: BodyFactory, warmup: BodyFactory, options) -> Phase:
    limits = {"max_requests": options.max_requests, "ok_statuses": (200, 201)}
    if options.warmup > 0:
        _load(server, path, options, warmup, duration=options.warmup, **limits)
    flush_redis(options.redis_url)  # so the queue holds this phase's jobs only
    before = CpuSample.take(server.pid)
    result = _load(server, path, options, body, duration=options.duration, **limits)
    cpu = CpuUsage.between(before, CpuSample.take(server.pid))
    return Phase(result, cpu, queued_jobs(options.redis_url))


def measure_registrations(server: Server, path: str, visit_date: str, index: int, answers: dict, options):
    """Warm up, then measure, each phase with proofs of work solved beforehand. The measured
    phase gets twice what the warm-up's rate would need (at least MIN_PROOFS) and stops early,
    counted, if it runs out."""
    limits = {"ok_statuses": (200, 201)}
    warm_rps = 0.0
    if options.warmup > 0:
        proofs = fetch_proofs(server, MIN_PROOFS)
        warm = _load(
            server,
            path,
            options,
            registration_body(visit_date, f"w{index}", proofs, answers),
            duration=options.warmup,
            max_requests=min(options.max_requests, len(proofs)),
            **limits,
        )
        warm_rps = warm.status_rps(200, 201)
    proofs = fetch_proofs(server, max(MIN_PROOFS, math.ceil(2 * warm_rps * options.duration)))
    print(
        f"[{NAME}]   {len(proofs):,} ALTCHA challenges fetched and solved in {proofs.seconds:.1f} s "
        "(before the timed phase)",
        flush=True,
    )
    flush_redis(options.redis_url)  # so the queue holds this phase's jobs only
    body = registration_body(visit_date, f"m{index}", proofs, answers)
    before = CpuSample.take(server.pid)
    result = _load(
        server,
        path,
        options,
        body,
        duration=options.duration,
        max_requests=min(options.max_requests, len(proofs)),
        **limits,
    )
    cpu = CpuUsage.between(before, CpuSample.take(server.pid))
    phase = Phase(result, cpu, queued_jobs(options.redis_url))
    phase.proofs = len(proofs)
    return phase


def oversell_phase(server: Server, path: str, visit_date: str, tag: str, options) -> Phase:
    proofs = fetch_proofs(server, options.oversell_requests)
    flush_redis(options.redis_url)
    # The oversell event has no questions of its own: nothing to answer.
    body = registration_body(visit_date, tag, proofs, {}, join_waitlist=False)
    # Bounded by the request count, not the clock: every one of them must be answered.
    result = _load(server, path, options, body, duration=600, max_requests=options.oversell_requests)
    return Phase(result, None, queued_jobs(options.redis_url))


def bare_body(thread: int, number: int) -> bytes:
    return json.dumps({"email": f"bare-t{thread}-n{number}@example.vn"}).encode()


def run_config(site: Site, setup: dict, workers: int, threads: int, index: int, options) -> ConfigRun:
    event_id, _title, visit_date = setup["event"]
    reg_path = f"/api/v1/events/{event_id}/registrations/"
    oversell_id, oversell_days, _taken, _capacity = setup["oversell"]
    log = ""
    with gunicorn(site, workers=workers, threads=threads) as server:
        label = f"{workers} × {threads}"
        print(f"[{NAME}] {server.description}", flush=True)
        check(server, reg_path, visit_date, setup["answers"])
        print(f"[{NAME}]   bare JSON POST {BARE_JSON_PATH} ...", flush=True)
        bare = measure(server, BARE_JSON_PATH, bare_body, bare_body, options)
        print(f"[{NAME}]   registrations {reg_path} ...", flush=True)
        regs = measure_registrations(server, reg_path, visit_date, index, setup["answers"], options)
        print(
            f"[{NAME}]   {regs.load.status_rps(200, 201):.1f} registrations/s; oversell phase ...", flush=True
        )
        over_path = f"/api/v1/events/{oversell_id}/registrations/"
        oversell = oversell_phase(server, over_path, oversell_days[index], f"o{index}", options)
        description = server.description
    if any(status >= 500 for phase in (bare, regs, oversell) for status in phase.load.statuses):
        log = (site.workdir / "gunicorn.log").read_text(errors="replace")[-3000:]
        print(f"[{NAME}] 5xx responses; gunicorn log tail:\n{log}", flush=True)
    return ConfigRun(description, label, index, bare, regs, oversell, oversell_days[index], log)


# --- report ----------------------------------------------------------------------------------
def _statuses(load: LoadResult) -> str:
    parts = [f"{status}: {count:,}" for status, count in load.statuses.items()]
    if load.failures:
        parts.append(f"no answer: {load.failures:,}")
    return ", ".join(parts) or "none"


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1%}" if baseline else "n/a"


def throughput_table(runs: list[ConfigRun], reg_path: str) -> str:
    rows = []
    for run in runs:
        baseline = run.bare.load.status_rps(200, 201)
        for name, phase in (
            (f"bare JSON POST `{BARE_JSON_PATH}`", run.bare),
            (f"registration `{reg_path}`", run.registrations),
        ):
            load = phase.load
            rps = load.status_rps(200, 201)
            rows.append(
                [
                    run.label,
                    name,
                    f"{load.requests:,}",
                    f"{rps:.1f}",
                    f"{load.percentile(50):.1f}",
                    f"{load.percentile(90):.1f}",
                    f"{load.percentile(99):.1f}",
                    _statuses(load),
                    _ratio(rps, baseline),
                ]
            )
    headers = [
        *("Workers × threads", "Target", "Requests", "Req/s (201+200)", "p50 ms", "p90 ms", "p99 ms"),
        *("Responses by status", "Req/s vs bare"),
    ]
    return report.table(headers, rows, text_columns=2)


def cpu_table(runs: list[ConfigRun]) -> str:
    rows = []
    for run in runs:
        for name, phase in (("bare JSON POST", run.bare), ("registration", run.registrations)):
            cpu = phase.cpu
            rows.append(
                [
                    run.label,
                    name,
                    f"{phase.server_ms_per_request:.2f}",
                    f"{cpu.server:.0%}",
                    f"{cpu.generator:.0%}",
                    f"{cpu.rest:.0%}",
                ]
            )
    headers = [
        *("Workers × threads", "Target", "Worker CPU ms/req", "Workers CPU"),
        *("Load generator CPU", "Rest of machine CPU (PostgreSQL, Redis, kernel)"),
    ]
    return report.table(headers, rows, text_columns=2)


def _other_jobs(phase: Phase) -> str:
    others = [f"{n:,} `{task}`" for task, n in phase.jobs.items() if task != EMAIL_TASK]
    return ", ".join(others) or "0"


def integrity_table(runs: list[ConfigRun]) -> tuple[str, bool]:
    rows, ok = [], True
    for run in runs:
        answered = run.registrations.load.statuses
        created = answered.get(201, 0)
        repeated = answered.get(200, 0)
        tag = run.db["tags"][f"m{run.index}"]
        db_rows = sum(tag["rows"].values())
        good = (
            db_rows == created
            and tag["passes"] == created
            and run.registrations.email_jobs == created + repeated
            and tag["pdfs"] == 0
            and tag["emailed"] == 0
        )
        ok &= good
        rows.append(
            [
                run.label,
                f"{created:,}",
                f"{repeated:,}",
                f"{db_rows:,} ({', '.join(f'{k} {v:,}' for k, v in tag['rows'].items()) or '-'})",
                f"{tag['passes']:,}",
                f"{run.registrations.email_jobs:,}",
                _other_jobs(run.registrations),
                f"{tag['pdfs']} / {tag['emailed']}",
                f"{sum(run.db['days'][0]['rows'].values()):,}",
                "yes" if good else "**NO**",
            ]
        )
    headers = [
        *("Workers × threads", "201 responses", "200 responses", "Registrations in DB", "Passes in DB"),
        *("Email jobs in Redis", "Other jobs in Redis", "PDFs rendered / emails sent"),
        *("Day's registrations after", "All match"),
    ]
    return report.table(headers, rows), ok


def oversell_table(runs: list[ConfigRun], setup: dict) -> tuple[str, bool]:
    _id, _days, taken, capacity = setup["oversell"]
    places = capacity - taken
    rows, ok = [], True
    for run in runs:
        day = run.db["days"][1]
        load = run.oversell.load
        created, full = load.statuses.get(201, 0), load.statuses.get(409, 0)
        other = load.requests - created - full
        waiting = day["rows"].get("waiting", 0)
        good = (
            created == places
            and full == load.requests - places
            and other == 0
            and day["confirmed_people"] == day["capacity"]
            and waiting == 0
            and run.oversell.email_jobs == created
        )
        ok &= good
        rows.append(
            [
                run.label,
                run.oversell_day,
                f"{load.requests:,}",
                f"{places:,}",
                f"{created:,}",
                f"{full:,}",
                f"{other:,}",
                f"{day['confirmed_people']:,} / {day['capacity']:,}",
                f"{waiting:,}",
                f"{run.oversell.email_jobs:,}",
                "pass" if good else "**FAIL**",
            ]
        )
    headers = [
        *("Workers × threads", "Day", "Requests", "Places left", "201", "409 full", "Other"),
        *("Confirmed people / capacity after", "Waiting rows", "Email jobs", "Result"),
    ]
    return report.table(headers, rows, text_columns=2), ok


def run(options: argparse.Namespace) -> report.Section:
    """Run the benchmark against a fresh site; return its section for docs/benchmarks.md."""
    db = choose_database(options.db)
    how = "chosen automatically" if options.db == "auto" else "requested"
    print(f"[{NAME}] database: {db} ({how}); preparing a fresh site ...", flush=True)
    configs = [(options.workers, options.threads)]
    configs += [c for c in FALLBACK_CONFIGS if c not in configs]
    stale = flush_redis(options.redis_url)
    if stale:
        print(f"[{NAME}] flushed {stale} leftover keys from {options.redis_url}", flush=True)
    try:
        with prepared_site(db, pg_database=PG_DATABASE) as site:
            params = {
                "capacity": CAPACITY,
                "oversell_days": len(configs),
                "taken": OVERSELL_TAKEN,
                "places": options.oversell_places,
            }
            setup = site.run_script(_SETUP, params)
            server_site = dataclasses.replace(
                site,
                env={
                    **site.env,
                    "REDIS_URL": options.redis_url,  # Redis cache and, with it, TASK_QUEUE=redis
                    "RATE_LIMIT_PER_IP": "100000000",
                    "ALTCHA_MAX_NUMBER": str(ALTCHA_MAX_NUMBER),
                },
            )
            print(f"[{NAME}] site ready on {site.database}; event {setup['event']}", flush=True)
            event_id, _title, visit_date = setup["event"]
            day = {"event": event_id, "day": visit_date}
            runs: list[ConfigRun] = []
            for index, (workers, threads) in enumerate(configs):
                site.run_script(_RESET, day)
                config = run_config(server_site, setup, workers, threads, index, options)
                days = [[event_id, visit_date], [setup["oversell"][0], config.oversell_day]]
                config.db = site.run_script(_CHECK, {"days": days, "tags": [f"m{index}"]})
                runs.append(config)
                if config.registrations.load.status_rps(200, 201) >= GOAL_RPS:
                    break
            site.run_script(_RESET, day)
            print(f"[{NAME}] timing the parts of a registration in one process ...", flush=True)
            flush_redis(options.redis_url)
            probe_params = {**day, "warmup": 30, "count": PROBE_COUNT, "answers": setup["answers"]}
            probe = server_site.run_script(_PROBE, probe_params)
    finally:
        flush_redis(options.redis_url)
    return section(options, site, setup, runs, probe)


def probe_table(probe: dict) -> str:
    def ms(key: str) -> str:
        return "n/a" if probe.get(key) is None else f"{probe[key]:.2f}"

    held = probe.get("held")
    ceiling = f"{1000 / held:.0f}" if held else "n/a"
    rows = [
        ["whole request, wall clock", ms("wall")],
        ["whole request, CPU of the process", ms("cpu")],
        ["EventDay row lock held (`SELECT … FOR UPDATE` to `COMMIT`)", ms("held")],
        ["… SQL statements while locked", ms("sql")],
        ["… `COMMIT`", ms("commit")],
        [
            f"… other tasks enqueued to Redis while locked ({probe['other_in_lock_per_registration']:.1f} "
            f"per registration: {', '.join(f'`{t}`' for t in probe['other_tasks']) or 'none'})",
            ms("other"),
        ],
        ["email task enqueued to Redis after `COMMIT` (outside the lock)", ms("email")],
        ["ceiling for one day: 1000 / ms held = registrations/s", ceiling],
    ]
    return report.table(["Part of one registration (medians)", "ms"], rows)


NOISE = 0.5  # cores used by other programs during the bare phase that make a run suspect


def noise_warning(runs: list[ConfigRun]) -> str:
    """The bare phase normally leaves the rest of the machine nearly idle; if not, say so."""
    noisy = [f"{run.label} ({run.bare.cpu.rest:.0%})" for run in runs if run.bare.cpu.rest > NOISE]
    if not noisy:
        return ""
    return (
        "**Warning: other programs were busy during this run** (rest of machine CPU during the bare "
        f"phase: {', '.join(noisy)}); those configurations' numbers are too low. Run it again on a "
        "quiet machine.\n\n"
    )


def cpu_budget(best: ConfigRun, probe: dict) -> str:
    """What the CPU alone allows on this machine, from the best configuration's measurement."""
    phase = best.registrations
    rps = phase.load.status_rps(200, 201)
    if phase.cpu is None or not rps:
        return ""
    worker = phase.server_ms_per_request
    rest = phase.cpu.rest * 1000 / rps  # PostgreSQL, Redis and the kernel, per registration
    cores = os.cpu_count() or 1
    ceiling = cores * 1000 / (worker + rest)
    held = probe.get("held")
    lock = f"{1000 / held:.0f}/s" if held else "n/a"
    return (
        f"CPU budget ({best.label}): each registration costs {worker:.1f} ms of worker CPU plus "
        f"{rest:.1f} ms elsewhere (PostgreSQL, Redis, kernel), so {cores} cores cannot serve more than "
        f"about {ceiling:.0f} registrations/s even with a free load generator; the day's row lock "
        f"allows at most {lock}. {GOAL_RPS:.0f}/s needs at most {cores * 1000 / GOAL_RPS:.1f} ms of CPU per "
        f"registration in all, and the lock held for less than {1000 / GOAL_RPS:.1f} ms."
    )


def section(options, site: Site, setup: dict, runs: list[ConfigRun], probe: dict) -> report.Section:
    best = max(runs, key=lambda run: run.registrations.load.status_rps(200, 201))
    best_rps = best.registrations.load.status_rps(200, 201)
    integrity, integrity_ok = integrity_table(runs)
    oversell, oversell_ok = oversell_table(runs, setup)
    errors = sum(
        count
        for run in runs
        for phase in (run.bare, run.registrations, run.oversell)
        for status, count in phase.load.statuses.items()
        if status >= 500
    )
    met = best_rps >= GOAL_RPS and integrity_ok and oversell_ok and errors == 0
    main_day = runs[0].db["days"][0]
    _event_id, title, visit_date = setup["event"]
    _id, _days, taken, capacity = setup["oversell"]
    if len(runs) == 1:
        why = f"the first configuration ({best.label}) reached the goal, so no other was tried"
    elif best_rps >= GOAL_RPS:
        why = f"{runs[0].label} missed the goal; {best.label} is the first configuration that reached it"
    else:
        why = f"no configuration reached the goal; the best was {best.label}"
    machine = report.machine_info()
    body = "\n".join(
        [
            f"- Date: {report.now_iso()}; code: {report.code_version()}",
            f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
            f"- OS: {machine['OS']}; Python {machine['Python']}",
            f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`)",
            f"- Queue and cache: Redis `{options.redis_url}` (`TASK_QUEUE=redis`, django-tasks RQ "
            "backend; no worker running), `RATE_LIMIT_PER_IP=100000000`",
            f"- Server: gunicorn, settings `bookday.settings.production` (through `bench/settings.py`, "
            f"`DEBUG=false`); configurations tried: {', '.join(run.server for run in runs)}",
            f"- Load: {options.registration_concurrency} concurrent clients, {options.warmup:g} s warm-up "
            f"then {options.duration:g} s per target; load generator on the same machine",
            f"- Measured day: {visit_date} of “{title}” (the demo's last day: {setup['seeded']['rows']:,} "
            f"demo registrations for {setup['seeded']['people']:,} people; capacity raised from "
            f"{setup['seeded']['capacity']:,} to {main_day['capacity']:,}). Each configuration starts from "
            "that state: the benchmark's rows are deleted and the table vacuumed in between",
            f"- Oversell days: a future event with {taken} people confirmed per day beforehand and capacity "
            f"{capacity}, i.e. {capacity - taken} places left; {options.oversell_requests} requests each",
            "",
            throughput_table(runs, f"/api/v1/events/{setup['event'][0]}/registrations/"),
            "",
            cpu_table(runs),
            "",
            "Rows written by the measured phase (warm-up excluded), and what the request left for later:",
            "",
            integrity,
            "",
            "Oversell check (`join_waitlist: false`, one person per request):",
            "",
            oversell,
            "",
            f"Where the time goes: {probe['count']} more registrations for the same day, one at a time in "
            "one process through Django's test client (no HTTP server, no contention), with the server's "
            "settings and Redis queue:",
            "",
            probe_table(probe),
            "",
            cpu_budget(best, probe),
            "",
            noise_warning(runs)
            + f"**Goal (≥ {GOAL_RPS:.0f} registrations/s with {options.registration_concurrency} clients, "
            f"zero oversell, PDF and email outside the request): {'met' if met else 'NOT met'}. "
            f"Best: {best_rps:.0f} registrations/s with {best.server} "
            f"({_ratio(best_rps, best.bare.load.status_rps(200, 201))} of the bare JSON POST); "
            f"oversell check {'passed' if oversell_ok else 'FAILED'} on {len(runs)} day(s); "
            f"rows and queued email jobs {'match' if integrity_ok else 'DO NOT match'} the responses; "
            f"{errors} server errors.** Configuration: {why}.",
        ]
    )
    if any(run.errors_log for run in runs):
        tail = next(run.errors_log for run in runs if run.errors_log)
        body += f"\n\ngunicorn log tail after 5xx responses:\n\n```text\n{tail.strip()}\n```"
    return report.Section(HEADING, INTRO, body, subheading=f"### {site.database.split()[0]}")
