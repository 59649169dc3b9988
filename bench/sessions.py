"""Issue 15: bookings per second for one popular session, without booking one place too many.

`POST /api/v1/passes/{code}/sessions/` `{session_id, people}` is loaded by many clients at once,
each request booking one place with a different confirmed pass for the session's day, against
the bare JSON POST view (bench/urls.py) on the same server in the same run. The session is an
author signing with plenty of places, so every booking is decided under the session's row lock
and given the next queue number. A second, short phase sends more bookings than a small
signing has places and counts in the database that exactly its places were given, the rest on
the waiting list. The passes are written in bulk before anything is timed.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
from dataclasses import dataclass

from bench import report
from bench.cpu import CpuSample, CpuUsage
from bench.environment import Site, choose_database, prepared_site
from bench.load import LoadResult, run_load
from bench.server import Server, gunicorn, post_json

NAME = "sessions"
HEADING = "## Session bookings and the floor map (issue 15)"
PG_DATABASE = "bookday_bench_sessions"  # its own database: never dropped under another benchmark
CONFIGS = [(2, 1), (4, 1), (2, 4)]  # gunicorn workers × threads: the registration benchmark's
CONCURRENCY = 32
PASS_COUNT = 20_000  # confirmed one-person passes for the session's day, for the throughput phase
HOT_PLACES = 100_000  # the popular signing: every booking of the throughput phase gets a place
OVERSELL_PLACES = 100
OVERSELL_REQUESTS = 150  # each from its own pass: 50 more than the places
PROBE_COUNT = 200  # bookings timed part by part in one process
REGISTRATION_HEADING = "## Registrations under load (issue 3)"  # bench/registrations.py's section

BARE_JSON_PATH = "/__bench__/bare-json/"  # same as bench.urls.BARE_JSON_PATH
JSON_HEADERS = {"Content-Type": "application/json", "Accept-Language": "vi"}

# Runs in `manage.py shell`: the demo event's last day, a popular signing on it with HOT_PLACES
# places, one small signing per configuration for the oversell phase, and the passes (written in
# bulk, as bench/checkins.py does) that book them.
_SETUP = """
import datetime as dt
import json
from django.db.models import Sum
from django.utils import timezone
from events.enums import ProgrammeKind
from events.models import EventPage, Pass, ProgrammeItem, Registration
from events.models.registration import EventDay, new_pass_code

params = json.loads(PARAMS)
now = timezone.now()
events = list(EventPage.objects.live().order_by("start_date"))
event = next(e for e in events if e.end_date >= timezone.localdate())
date = event.end_date  # its last day: the sessions on it have not started yet, whatever the hour
day = EventDay.objects.get(event=event, date=date)
before = Registration.objects.filter(day=day, status="confirmed").aggregate(n=Sum("party_size"))["n"] or 0
total = params["passes"] + params["oversell_requests"] * params["configs"]
# The passes below are confirmed for this day: make room for them, as an organiser would.
EventPage.objects.filter(pk=event.pk).update(daily_capacity=max(event.daily_capacity, before + total))
rows = Registration.objects.bulk_create(
    [
        Registration(
            event=event, day=day, full_name="Khách Ký Tặng", email=f"bench-session-{n}@example.vn",
            phone="+84912345678", party_size=1, status="confirmed", consent_at=now, confirmed_at=now,
        )
        for n in range(total)
    ],
    batch_size=2000,
)
codes = [p.code for p in Pass.objects.bulk_create(
    [Pass(registration=r, code=new_pass_code()) for r in rows], batch_size=2000
)]

def signing(title, start, places):
    return ProgrammeItem.objects.create(
        page=event, kind=ProgrammeKind.SIGNING, title=title, date=date, start_time=start,
        end_time=(dt.datetime.combine(date, start) + dt.timedelta(minutes=50)).time(),
        place="Sân khấu chính", speakers="Nguyễn Nhật Ánh", places=places,
    )

hot = signing("Bench: ký tặng đông người", dt.time(9), params["hot_places"])
small = [
    signing(f"Bench: ký tặng ít chỗ {n + 1}", dt.time(10 + n), params["oversell_places"])
    for n in range(params["configs"])
]
n = params["passes"]
print(json.dumps({
    "event": [event.pk, event.title, date.isoformat()],
    "hot": hot.pk,
    "small": [s.pk for s in small],
    "codes": codes[:n],
    "oversell_codes": [
        codes[n + i * params["oversell_requests"]: n + (i + 1) * params["oversell_requests"]]
        for i in range(params["configs"])
    ],
}))
"""

# Runs in `manage.py shell`: what the database holds for some sessions.
_COUNT = """
import json
from django.db.models import Count, Max, Sum
from events.models import ProgrammeItem, SessionBooking

params = json.loads(PARAMS)
out = {}
for pk in params["sessions"]:
    rows = SessionBooking.objects.filter(session_id=pk).order_by()
    booked = rows.filter(status="booked")
    numbers = booked.aggregate(n=Count("queue_number", distinct=True), top=Max("queue_number"))
    out[str(pk)] = {
        "places": ProgrammeItem.objects.get(pk=pk).places,
        "rows": dict(rows.values_list("status").annotate(n=Count("pk"))),
        "booked_people": booked.aggregate(n=Sum("people"))["n"] or 0,
        "queue_numbers": numbers["n"],
        "top_queue_number": numbers["top"] or 0,
    }
print(json.dumps(out))
"""

# Runs in `manage.py shell` between configurations: the popular signing starts empty again (its
# bookings deleted, the table vacuumed and analysed), so the configurations compare fairly.
_RESET = """
import json
from django.db import connection
from events.models import SessionBooking

params = json.loads(PARAMS)
deleted, _ = SessionBooking.objects.filter(session_id=params["session"]).delete()
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute("VACUUM ANALYZE events_sessionbooking")
print(json.dumps({"deleted": deleted}))
"""

# Runs in `manage.py shell` with the server's settings: bookings through Django's test client,
# one at a time (no HTTP server, no contention), timing the parts. The session's row lock is
# held from `lock_session` (SELECT ... FOR UPDATE) until COMMIT; every booking of that session
# waits for it, so 1000 / (ms held) bounds one session's bookings per second on any server.
_PROBE = """
import json
import statistics
import time
from django.db import connection
from django.db.backends.base import base as db_base
from django.test import Client
from events.services import sessions as service

params = json.loads(PARAMS)
client = Client()
body = json.dumps({"session_id": params["session"], "people": 1})
state = {"locked": None, "statements": None}
samples = {k: [] for k in ("wall", "cpu", "held", "sql", "sql_locked", "count", "count_locked")}
by_position = {}

real_lock = service.lock_session
def lock_session(session):
    state["locked"] = time.perf_counter()
    return real_lock(session)
service.lock_session = lock_session

real_commit = db_base.BaseDatabaseWrapper.commit
def commit(self):
    real_commit(self)
    if state["locked"] is not None:
        samples["held"].append((time.perf_counter() - state["locked"]) * 1000)
        state["locked"] = None
db_base.BaseDatabaseWrapper.commit = commit

def timer(execute, sql, sql_params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, sql_params, many, context)
    finally:
        if state["statements"] is not None:
            elapsed = (time.perf_counter() - started) * 1000
            state["statements"].append((sql, elapsed, state["locked"] is not None))

def post(code):
    response = client.post(
        f"/api/v1/passes/{code}/sessions/", body, content_type="application/json", HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 201, (response.status_code, response.content[:300])

codes = params["codes"]
for code in codes[: params["warmup"]]:
    post(code)
samples["held"].clear()
with connection.execute_wrapper(timer):
    for code in codes[params["warmup"]:]:
        state["statements"] = []
        wall, cpu = time.perf_counter(), time.process_time()
        post(code)
        samples["wall"].append((time.perf_counter() - wall) * 1000)
        samples["cpu"].append((time.process_time() - cpu) * 1000)
        statements = state["statements"]
        samples["sql"].append(sum(ms for _s, ms, _l in statements))
        samples["sql_locked"].append(sum(ms for _s, ms, locked in statements if locked))
        samples["count"].append(len(statements))
        samples["count_locked"].append(sum(1 for *_x, locked in statements if locked))
        for n, (sql, ms, locked) in enumerate(statements):
            by_position.setdefault(n, [sql, locked, []])[2].append(ms)
state["statements"] = None
out = {k: statistics.median(v) for k, v in samples.items()}
out["count_requests"] = len(samples["wall"])
out["statements"] = [
    [sql[:150], locked, statistics.median(times), len(sql)] for sql, locked, times in by_position.values()
]
print(json.dumps(out))
"""


INTRO = f"""\
What one popular author signing costs when its booking opens (say at 09:00) and hundreds of
visitors book at once, and what the public floor map costs a visitor's phone.

**Bookings.** `POST /api/v1/passes/{{code}}/sessions/` `{{session_id, people: 1}}` with
{CONCURRENCY} concurrent clients, each request with a different confirmed pass for the
session's day ({PASS_COUNT:,} one-person registrations and their passes written in bulk before
anything is timed). The session is an author signing with {HOT_PLACES:,} places, so every
booking is given a place and the next queue number, decided under the session's row lock
(`events.services.sessions.book`). The baseline is the bare JSON POST view (`{BARE_JSON_PATH}`
in `bench/urls.py`: parses the body, answers 201, no database) on the same server in the same
run, 2 s of warm-up then 10 s each. Goal (issue 15): at least the registration benchmark's share
of the bare view (read from its section above, configuration by configuration), with zero
oversell. The registration benchmark's gunicorn configurations are measured (2 × 1, 4 × 1 and
2 × 4 workers × threads); each starts from an empty signing (the previous one's bookings
deleted, the table vacuumed). Then {OVERSELL_REQUESTS} bookings, each from its own pass, race
for a signing with {OVERSELL_PLACES} places ({CONCURRENCY} at a time, `join_waitlist` left at
its default, true); it passes when the database holds exactly {OVERSELL_PLACES} people booked
with queue numbers 1 to {OVERSELL_PLACES}, and the rest on the waiting list.

**The floor map.** `/events/{{id}}/map/` for an event whose floor has 200 booths, most of them
with an exhibitor, timed one request at a time through gunicorn (warm, many samples)
against the bare Django view and the event page rendered past the page cache, and its size
as sent and gzipped (`bench/floor.py`).

The load generator, gunicorn and PostgreSQL share the machine's 2 cores, and another engineer's
test suite may run at the same time: each run says what else was busy. Compare the ratios
within one run, not the absolute figures."""


@dataclass
class Phase:
    load: LoadResult
    cpu: CpuUsage | None = None

    @property
    def ok_rps(self) -> float:
        return self.load.status_rps(200, 201)

    @property
    def server_ms_per_request(self) -> float:
        responses = len(self.load.latencies_ms)
        if self.cpu is None or not responses:
            return float("nan")
        return self.cpu.server_seconds * 1000 / responses


@dataclass
class ConfigRun:
    label: str  # "2 × 1"
    server: str
    bare: Phase
    bookings: Phase
    oversell: Phase
    warm_created: int  # 201s of the warm-up and the check: bookings in the table before measuring
    db: dict = dataclasses.field(default_factory=dict)  # _COUNT's answer after the configuration
    errors_log: str = ""


class Codes:
    """Pass codes handed out in order, one per request, from a shared counter."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        self._next = itertools.count()  # next() is atomic under the GIL
        self.taken = 0

    def path(self, thread: int, number: int) -> str:
        n = next(self._next)
        self.taken = n + 1
        return f"/api/v1/passes/{self.codes[n % len(self.codes)]}/sessions/"

    @property
    def wrapped(self) -> bool:
        return self.taken > len(self.codes)


def _status_label(status: int, body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return str(status)
    return f"{status} {data.get('status') or data.get('code')}"


def _load(server: Server, path, body: bytes, **kwargs) -> LoadResult:
    return run_load(
        server.port,
        path,
        concurrency=CONCURRENCY,
        method="POST",
        headers=JSON_HEADERS,
        body=lambda thread, number: body,
        ok_statuses=(200, 201),
        classify=_status_label,
        **kwargs,
    )


def bare_body(thread: int, number: int) -> bytes:
    return json.dumps({"email": f"bare-t{thread}-n{number}@example.vn"}).encode()


def run_config(site: Site, setup: dict, workers: int, threads: int, index: int, options) -> ConfigRun:
    hot, small = setup["hot"], setup["small"][index]
    body = json.dumps({"session_id": hot, "people": 1}).encode()
    codes = Codes(setup["codes"])
    with gunicorn(site, workers=workers, threads=threads) as server:
        print(f"[{NAME}] {server.description}", flush=True)
        status, data = post_json(server, codes.path(0, 0), body, JSON_HEADERS)
        if status != 201 or data.get("status") != "booked" or data.get("queue_number") != 1:
            raise RuntimeError(f"booking answered {status}: {data}")
        status, again = post_json(server, f"/api/v1/passes/{codes.codes[0]}/sessions/", body, JSON_HEADERS)
        if status != 200 or again.get("queue_number") != 1:
            raise RuntimeError(f"the same booking again answered {status}: {again}")

        print(f"[{NAME}]   bare JSON POST {BARE_JSON_PATH} ...", flush=True)
        limits = {"max_requests": options.max_requests, "ok_statuses": (200, 201)}
        if options.warmup > 0:
            run_load(
                server.port,
                BARE_JSON_PATH,
                concurrency=CONCURRENCY,
                method="POST",
                headers=JSON_HEADERS,
                body=bare_body,
                duration=options.warmup,
                **limits,
            )
        before = CpuSample.take(server.pid)
        load = run_load(
            server.port,
            BARE_JSON_PATH,
            concurrency=CONCURRENCY,
            method="POST",
            headers=JSON_HEADERS,
            body=bare_body,
            duration=options.duration,
            **limits,
        )
        bare = Phase(load, CpuUsage.between(before, CpuSample.take(server.pid)))

        print(f"[{NAME}]   bookings for session {hot} ...", flush=True)
        warm_created = 1
        if options.warmup > 0:
            warm = _load(server, codes.path, body, duration=options.warmup, max_requests=options.max_requests)
            warm_created += warm.statuses.get(201, 0)
        before = CpuSample.take(server.pid)
        load = _load(server, codes.path, body, duration=options.duration, max_requests=options.max_requests)
        bookings = Phase(load, CpuUsage.between(before, CpuSample.take(server.pid)))
        if codes.wrapped:
            print(
                f"[{NAME}]   warning: the {len(codes.codes):,} passes ran out; some bookings repeat",
                flush=True,
            )
        print(f"[{NAME}]   {bookings.ok_rps:.1f} bookings/s; oversell phase ...", flush=True)

        over_body = json.dumps({"session_id": small, "people": 1}).encode()
        over_codes = Codes(setup["oversell_codes"][index])
        # Bounded by the request count, not the clock: every one of them must be answered.
        load = _load(server, over_codes.path, over_body, duration=600, max_requests=len(over_codes.codes))
        oversell = Phase(load)
        description = server.description
    log = ""
    if any(status >= 500 for phase in (bare, bookings, oversell) for status in phase.load.statuses):
        log = (site.workdir / "gunicorn.log").read_text(errors="replace")[-3000:]
        print(f"[{NAME}] 5xx responses; gunicorn log tail:\n{log}", flush=True)
    return ConfigRun(
        f"{workers} × {threads}", description, bare, bookings, oversell, warm_created, errors_log=log
    )


def run(options: argparse.Namespace) -> report.Section:
    """Run the benchmark against a fresh site; return its section for docs/benchmarks.md."""
    db = choose_database(options.db)
    if db != "postgres":
        raise SystemExit(f"[{NAME}] needs PostgreSQL (the session's row lock is the point); got {db}")
    print(f"[{NAME}] preparing a fresh site on PostgreSQL ...", flush=True)
    with prepared_site(db, pg_database=PG_DATABASE) as site:
        params = {
            "passes": PASS_COUNT,
            "hot_places": HOT_PLACES,
            "oversell_places": OVERSELL_PLACES,
            "oversell_requests": OVERSELL_REQUESTS,
            "configs": len(CONFIGS),
        }
        setup = site.run_script(_SETUP, params)
        server_site = dataclasses.replace(site, env={**site.env, "RATE_LIMIT_PER_IP": "100000000"})
        print(f"[{NAME}] site ready; event {setup['event']}, signing {setup['hot']}", flush=True)
        load_before = os.getloadavg()
        runs = []
        for index, (workers, threads) in enumerate(CONFIGS):
            site.run_script(_RESET, {"session": setup["hot"]})
            config = run_config(server_site, setup, workers, threads, index, options)
            config.db = site.run_script(_COUNT, {"sessions": [setup["hot"], setup["small"][index]]})
            runs.append(config)
        load_after = os.getloadavg()
        print(f"[{NAME}] timing the parts of a booking in one process ...", flush=True)
        probe = server_site.run_script(
            _PROBE, {"session": setup["hot"], "codes": setup["codes"][-PROBE_COUNT - 30 :], "warmup": 30}
        )
    return section(site, setup, runs, probe, load_before, load_after, options)


# --- report ----------------------------------------------------------------------------------
def registration_shares() -> dict[str, float]:
    """The registration benchmark's share of the bare JSON view by configuration ("2 × 1"), as its
    last run wrote it in docs/benchmarks.md: what the issue compares bookings with."""
    text = report.DOCS.read_text() if report.DOCS.exists() else ""
    _before, found, rest = text.partition(REGISTRATION_HEADING)
    shares = {}
    for line in rest.split("\n## ", 1)[0].splitlines() if found else []:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) > 2 and cells[1].startswith("registration `") and cells[-1].endswith("%"):
            shares[cells[0]] = float(cells[-1].rstrip("%")) / 100
    return shares


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1%}" if baseline else "n/a"


def _labels(load: LoadResult) -> str:
    parts = [f"{label}: {count:,}" for label, count in load.labels.items()]
    if load.failures:
        parts.append(f"no answer: {load.failures:,}")
    return ", ".join(parts) or "none"


def throughput_table(runs: list[ConfigRun], session: int) -> str:
    rows = []
    for run in runs:
        baseline = run.bare.ok_rps
        for name, phase in (
            (f"bare JSON POST `{BARE_JSON_PATH}`", run.bare),
            (f"booking `/api/v1/passes/{{code}}/sessions/` (session {session})", run.bookings),
        ):
            load = phase.load
            rows.append(
                [
                    run.label,
                    name,
                    f"{load.requests:,}",
                    f"{phase.ok_rps:.1f}",
                    f"{load.percentile(50):.1f}",
                    f"{load.percentile(90):.1f}",
                    f"{load.percentile(99):.1f}",
                    _labels(load) if phase is run.bookings else f"201: {load.statuses.get(201, 0):,}",
                    _ratio(phase.ok_rps, baseline),
                    f"{phase.server_ms_per_request:.2f}",
                    f"{phase.cpu.server:.0%} / {phase.cpu.generator:.0%} / {phase.cpu.rest:.0%}",
                ]
            )
    headers = [
        *("Workers × threads", "Target", "Requests", "Req/s (201+200)", "p50 ms", "p90 ms", "p99 ms"),
        *("Responses", "Req/s vs bare", "Worker CPU ms/req"),
        "CPU: workers / load generator / rest (PostgreSQL, kernel, other programs)",
    ]
    return report.table(headers, rows, text_columns=2)


def integrity_table(runs: list[ConfigRun], session: int) -> tuple[str, bool]:
    rows, ok = [], True
    for run in runs:
        hot = run.db[str(session)]
        created = run.bookings.load.statuses.get(201, 0)
        expected = run.warm_created + created
        booked = hot["rows"].get("booked", 0)
        good = (
            booked == expected
            and hot["booked_people"] == expected
            and hot["queue_numbers"] == expected
            and hot["top_queue_number"] == expected
            and sum(hot["rows"].values()) == booked
        )
        ok &= good
        rows.append(
            [
                run.label,
                f"{run.warm_created:,} + {created:,}",
                f"{booked:,} ({hot['booked_people']:,} people)",
                f"{hot['queue_numbers']:,} distinct, highest {hot['top_queue_number']:,}",
                "yes" if good else "**NO**",
            ]
        )
    headers = [
        "Workers × threads",
        "201 booked (check and warm-up + measured)",
        "Booked rows in DB",
        "Queue numbers",
        "All match",
    ]
    return report.table(headers, rows), ok


def oversell_table(runs: list[ConfigRun], setup: dict) -> tuple[str, bool]:
    rows, ok = [], True
    for index, run in enumerate(runs):
        small = run.db[str(setup["small"][index])]
        load = run.oversell.load
        booked_answers = load.labels.get("201 booked", 0)
        waiting_answers = load.labels.get("201 waiting", 0)
        waiting_rows = small["rows"].get("waiting", 0)
        good = (
            small["booked_people"] == small["places"]
            and small["rows"].get("booked", 0) == small["places"]
            and booked_answers == small["places"]
            and waiting_answers == load.requests - small["places"]
            and waiting_rows == waiting_answers
            and small["queue_numbers"] == small["places"]
            and small["top_queue_number"] == small["places"]
        )
        ok &= good
        rows.append(
            [
                run.label,
                f"{load.requests:,}",
                f"{small['places']:,}",
                _labels(load),
                f"{small['booked_people']:,} / {small['places']:,}",
                f"{waiting_rows:,}",
                f"{small['queue_numbers']:,} distinct, highest {small['top_queue_number']:,}",
                "pass" if good else "**FAIL**",
            ]
        )
    headers = [
        *("Workers × threads", "Bookings sent", "Places", "Answers"),
        *("People booked in DB / places", "Waiting rows in DB", "Queue numbers", "Result"),
    ]
    return report.table(headers, rows), ok


def probe_tables(probe: dict) -> str:
    held = probe["held"]
    rows = [
        ["whole request, wall clock", f"{probe['wall']:.2f}"],
        ["whole request, CPU of the process", f"{probe['cpu']:.2f}"],
        [
            f"SQL statements ({probe['count']:.0f} per booking; `COMMIT` is not a statement here), wall",
            f"{probe['sql']:.2f}",
        ],
        ["session's row lock held (from calling `lock_session` to the end of `COMMIT`)", f"{held:.2f}"],
        [f"… SQL statements while locked ({probe['count_locked']:.0f})", f"{probe['sql_locked']:.2f}"],
        ["ceiling for one session: 1000 / ms held = bookings/s", f"{1000 / held:.0f}" if held else "n/a"],
    ]
    parts = report.table(["Part of one booking (medians, in-process)", "ms"], rows)
    statements = [
        [f"{n + 1}", "yes" if locked else "", f"`{' '.join(sql.split())[:110]}`", f"{ms:.2f}", f"{length:,}"]
        for n, (sql, locked, ms, length) in enumerate(probe["statements"])
    ]
    headers = ["#", "Under the lock", "Statement (start)", "Median ms", "SQL characters"]
    return f"{parts}\n\nThe statements of one booking, in order:\n\n{report.table(headers, statements, 3)}"


def section(
    site: Site, setup: dict, runs: list[ConfigRun], probe: dict, load_before, load_after, options
) -> report.Section:
    machine = report.machine_info()
    integrity, integrity_ok = integrity_table(runs, setup["hot"])
    oversell, oversell_ok = oversell_table(runs, setup)
    errors = sum(
        count
        for run in runs
        for phase in (run.bare, run.bookings, run.oversell)
        for status, count in phase.load.statuses.items()
        if status >= 500
    )
    _event_id, title, date = setup["event"]
    lines = [
        f"- Date: {report.now_iso()}; code: {report.code_version()}",
        f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM; {machine['OS']}; "
        f"Python {machine['Python']}",
        f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`); locmem cache",
        "- Other load on the machine: load average "
        f"{', '.join(f'{x:.1f}' for x in load_before)} at the start, "
        f"{', '.join(f'{x:.1f}' for x in load_after)} at the end (1, 5, 15 minutes; the benchmark's own "
        "load included)",
        f"- Server: gunicorn, settings `bookday.settings.production` (through `bench/settings.py`, "
        f"`DEBUG=false`); configurations: {', '.join(run.server for run in runs)}",
        f"- Load: {CONCURRENCY} concurrent clients, {options.warmup:g} s warm-up then {options.duration:g} s "
        "per target; load generator on the same machine",
        f"- Session: an author signing on {date} of “{title}” with {HOT_PLACES:,} places; "
        f"{PASS_COUNT:,} confirmed one-person passes for that day written by the benchmark",
        "",
        throughput_table(runs, setup["hot"]),
        "",
        "Bookings in the database after each configuration (every 201 must be one booked row with its "
        "own queue number, 1 to n):",
        "",
        integrity,
        "",
        f"Oversell check: {OVERSELL_REQUESTS} bookings from {OVERSELL_REQUESTS} passes for a signing with "
        f"{OVERSELL_PLACES} places, {CONCURRENCY} at a time:",
        "",
        oversell,
        "",
        f"Where the time goes: {probe['count_requests']} more bookings of the same signing, one at a time "
        "in one process through Django's test client (no HTTP server, no contention), with the server's "
        "settings:",
        "",
        probe_tables(probe),
        "",
    ]
    verdicts = []
    registration_share = registration_shares()
    for run in runs:
        share = run.bookings.ok_rps / run.bare.ok_rps if run.bare.ok_rps else 0.0
        registration = registration_share.get(run.label)
        if registration is None:
            verdicts.append(f"{run.label}: bookings keep {share:.1%} of the bare view")
        else:
            met = "met" if share >= registration else "NOT met"
            verdicts.append(
                f"{run.label}: bookings keep {share:.1%} of the bare view, registrations "
                f"{registration:.1%} in their last recorded run ({met})"
            )
    lines.append(
        f"**Bookings: {'; '.join(verdicts)}. Oversell check {'passed' if oversell_ok else 'FAILED'}; "
        f"rows {'match' if integrity_ok else 'DO NOT match'} the answers; {errors} server errors.**"
    )
    body = "\n".join(lines)
    if any(run.errors_log for run in runs):
        tail = next(run.errors_log for run in runs if run.errors_log)
        body += f"\n\ngunicorn log tail after 5xx responses:\n\n```text\n{tail.strip()}\n```"
    return report.Section(
        HEADING, INTRO, body, subheading="### Bookings for one popular signing (PostgreSQL)"
    )
