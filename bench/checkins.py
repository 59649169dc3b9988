"""Issue 4: gate check-ins per second through the JSON API, against a bare JSON POST view.

`POST /api/v1/checkins/` is loaded by many clients at once with a scanner's bearer token, each
request scanning a different confirmed pass for today (first scans: `admitted`), then the same
passes again (`already_admitted`). The baseline is the bare JSON POST view in bench/urls.py on
the same server in the same run. Afterwards the database must hold one CheckIn row per 200
response. When a goal is missed, check-ins are timed part by part in one process (Django's
test client with cProfile and the SQL it runs) to show what dominates.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.cpu import CpuSample, CpuUsage
from bench.environment import Site, choose_database, prepared_site
from bench.load import BodyFactory, LoadResult, run_load
from bench.server import Server, gunicorn, post_json

NAME = "checkins"
HEADING = "## Check-ins under load (issue 4)"
GOAL_RPS = 1000.0
GOAL_RATIO = 0.30  # of the bare JSON POST view's throughput, same run
GOAL_P99_MS = 20.0
CONCURRENCY = 32
CONFIGS = [(2, 1), (4, 1), (2, 4)]  # gunicorn workers × threads, all tried
PASS_COUNT = 20_000
PROBE_COUNT = 300
SCANNER = "soatve"  # the demo's Gate staff user
PG_DATABASE = "bookday_bench_checkins"  # its own database: never dropped under another benchmark

CHECKIN_PATH = "/api/v1/checkins/"
BARE_JSON_PATH = "/__bench__/bare-json/"  # same as bench.urls.BARE_JSON_PATH

# Runs in `manage.py shell`: today's EventDay of the current event, its gates, and PASS_COUNT
# confirmed one-person registrations for today with their passes, written in bulk.
_SETUP = """
import datetime as dt
import json
from django.utils import timezone
from events.models import EventPage, Gate, Pass, Registration
from events.models.registration import EventDay, new_pass_code

params = json.loads(PARAMS)
today = timezone.localdate()
events = list(EventPage.objects.live().order_by("start_date"))
event = next((e for e in events if e.start_date <= today <= e.end_date), None)
moved = False
if event is None:  # no event today in the demo data: the soonest one takes place today instead
    event = min(events, key=lambda e: abs((e.start_date - today).days))
    length = event.end_date - event.start_date
    EventPage.objects.filter(pk=event.pk).update(start_date=today, end_date=today + length)
    event.refresh_from_db()
    moved = True
day, _ = EventDay.objects.get_or_create(event=event, date=today)
gates = list(Gate.objects.filter(event=event).order_by("sort_order", "pk"))
for n in range(len(gates), 3):
    gates.append(Gate.objects.create(event=event, name=f"Bench gate {n + 1}", sort_order=n))
now = timezone.now()
rows = Registration.objects.bulk_create(
    [
        Registration(
            event=event, day=day, full_name="Khách Kiểm Tra", email=f"bench-checkin-{n}@example.vn",
            phone="+84912345678", party_size=1, status="confirmed", consent_at=now, confirmed_at=now,
        )
        for n in range(params["count"])
    ],
    batch_size=2000,
)
passes = Pass.objects.bulk_create(
    [Pass(registration=r, code=new_pass_code()) for r in rows], batch_size=2000
)
print(json.dumps({
    "event": [event.pk, event.title, today.isoformat(), moved],
    "gates": [g.pk for g in gates],
    "codes": [p.code for p in passes],
    "day_registrations": Registration.objects.filter(day=day).count(),
}))
"""

# Runs in `manage.py shell` after a configuration: CheckIn rows per client_id prefix and result.
_CHECK = """
import json
from django.db.models import Count
from events.models import CheckIn

params = json.loads(PARAMS)
out = {}
for prefix in params["prefixes"]:
    rows = CheckIn.objects.filter(client_id__startswith=prefix).order_by()
    out[prefix] = dict(rows.values_list("result").annotate(n=Count("pk")))
out["all"] = CheckIn.objects.count()
print(json.dumps(out))
"""

# Between configurations: the benchmark's check-ins deleted, tables vacuumed, so every
# configuration scans the same passes for the first time.
_RESET = """
import json
from django.db import connection
from events.models import CheckIn

rows = CheckIn.objects.filter(client_id__startswith="bench:")
deleted = rows.count()
rows.delete()
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        for table in ("events_checkin", "events_pass", "events_registration", "wagtailapi_apitoken"):
            try:
                cursor.execute(f"VACUUM ANALYZE {table}")
            except Exception:
                pass
print(json.dumps({"deleted": deleted}))
"""

# Runs in `manage.py shell` with the server's settings: check-ins one at a time through Django's
# test client, no HTTP server and no contention. Times the parts, counts SQL, runs cProfile.
_PROBE = """
import cProfile
import io
import json
import pstats
import statistics
import time
from django.test import Client
from django.urls import resolve

resolve(params_path := json.loads(PARAMS)["path"])  # loads the URLconf first: no circular import
import events.api_checkin as api

params = json.loads(PARAMS)
client = Client()
headers = {"HTTP_AUTHORIZATION": f"Bearer {params['token']}", "HTTP_HOST": "127.0.0.1"}
parts = {"token": [], "group": [], "service": [], "sql": []}
state = {"sql": 0.0}

def timed(key, func):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            parts[key].append((time.perf_counter() - started) * 1000)
    return wrapper

# The token check remembers the token's user and group per process (bookday.hotcache);
# _resolve is the database look-up behind it, run only when nothing is remembered.
api.ScannerToken.authenticate = timed("token", api.ScannerToken.authenticate)
api._resolve = timed("group", api._resolve)
api.check_in = timed("service", api.check_in)

# SQL counted where psycopg sends it, so the statements the check-in sends on the connection
# itself (pipelined, outside Django's cursor wrappers) are counted as well. A round trip is one
# statement outside a pipeline, or one pipeline block (its statements go out together).
import psycopg
real_execute, real_pipeline = psycopg.Cursor.execute, psycopg.Connection.pipeline
trace = {"statements": [], "round_trips": 0, "in_pipeline": 0}

def traced_execute(self, query, *args, **kwargs):
    trace["statements"].append(query if isinstance(query, str) else str(query))
    if not trace["in_pipeline"]:
        trace["round_trips"] += 1
    if trace["in_pipeline"]:  # only queued here: the pipeline's exit waits for the answers
        return real_execute(self, query, *args, **kwargs)
    started = time.perf_counter()
    try:
        return real_execute(self, query, *args, **kwargs)
    finally:
        state["sql"] += (time.perf_counter() - started) * 1000

import contextlib

@contextlib.contextmanager
def traced_pipeline(self, *args, **kwargs):
    trace["round_trips"] += 0 if trace["in_pipeline"] else 1
    trace["in_pipeline"] += 1
    started = time.perf_counter()
    try:
        with real_pipeline(self, *args, **kwargs) as pipeline:
            yield pipeline
    finally:
        trace["in_pipeline"] -= 1
        state["sql"] += (time.perf_counter() - started) * 1000

def post(code, n):
    body = {"code": code, "event_id": params["event"], "gate": params["gate"], "client_id": f"probe:{n:08d}"}
    response = client.post(params["path"], json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response.json()["result"]

codes = params["codes"]
warm = params["warmup"]
for n in range(warm):
    post(codes[n], n)
for values in parts.values():
    values.clear()
wall, cpu, results = [], [], {}
psycopg.Cursor.execute, psycopg.Connection.pipeline = traced_execute, traced_pipeline
try:
    for n in range(warm, warm + params["count"]):
        state["sql"] = 0.0
        before = len(trace["statements"])
        w, c = time.perf_counter(), time.process_time()
        result = post(codes[n], n)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        parts["sql"].append(state["sql"])
        results[result] = results.get(result, 0) + 1
        one = [" ".join(q.split())[:160] for q in trace["statements"][before:]]
finally:
    psycopg.Cursor.execute, psycopg.Connection.pipeline = real_execute, real_pipeline
query_count = len(trace["statements"]) / params["count"]
round_trips = trace["round_trips"] / params["count"]
resolves = len(parts["group"]) / params["count"]
profile = cProfile.Profile()
start = warm + params["count"]
profile.enable()
for n in range(start, start + params["count"]):
    post(codes[n], n)
profile.disable()
stream = io.StringIO()
stats = pstats.Stats(profile, stream=stream)
stats.sort_stats("tottime").print_stats(14)
ours = r"(events|wagtail|ninja|django/(db|contrib|core/handlers|middleware))"
stats.sort_stats("cumulative").print_stats(ours, 24)
out = {k: statistics.median(v) if v else None for k, v in parts.items()}
out.update(
    wall=statistics.median(wall), cpu=statistics.median(cpu), count=params["count"], results=results,
    queries=query_count, round_trips=round_trips, sql_one_request=one, profile=stream.getvalue(),
    resolves=resolves,
)
print(json.dumps(out))
"""

INTRO = f"""\
Check-ins per second through the JSON API (`POST {CHECKIN_PATH}`, `Authorization: Bearer`
token of the demo's Gate staff user made with `manage.py scanner_token {SCANNER}`) with
{CONCURRENCY} concurrent clients. Before the run, {PASS_COUNT:,} confirmed one-person registrations
for today of the current event are written in bulk with their passes. In the first phase every
request scans a pass that has not been scanned yet (answer `admitted`: one row lock on the pass,
one CheckIn row inserted); in the second phase the same passes are scanned again
(`already_admitted`: the same lock and a CheckIn row recording the refusal). Every request has
its own `client_id`, and gates are used round-robin. The baseline is the bare JSON POST view
(`{BARE_JSON_PATH}` in `bench/urls.py`: parses the body, answers 201, no database) on the same
server in the same run. Goals: at least {GOAL_RPS:,.0f} check-ins/s, at least {GOAL_RATIO:.0%} of the
bare view's throughput, p99 under {GOAL_P99_MS:.0f} ms. Three gunicorn configurations are tried in
the same run, each starting from the same state (the previous configuration's check-ins deleted
and the tables vacuumed). `RATE_LIMIT_PER_IP` is raised for the run, the cache is locmem.

With a closed loop of {CONCURRENCY} clients, Little's law ties the goals together: the mean
latency is {CONCURRENCY} / throughput, so {GOAL_RPS:,.0f}/s means a mean of
{CONCURRENCY * 1000 / GOAL_RPS:.0f} ms per request, and a p99 under {GOAL_P99_MS:.0f} ms needs well over
{CONCURRENCY * 1000 / GOAL_P99_MS:,.0f} requests/s."""


@dataclass
class Phase:
    load: LoadResult
    cpu: CpuUsage | None = None

    @property
    def rps(self) -> float:
        return self.load.status_rps(200, 201)

    @property
    def server_ms_per_request(self) -> float:
        responses = len(self.load.latencies_ms)
        if self.cpu is None or not responses:
            return float("nan")
        return self.cpu.server_seconds * 1000 / responses


@dataclass
class ConfigRun:
    server: str
    label: str
    index: int
    bare: Phase
    first: Phase
    again: Phase
    db: dict = dataclasses.field(default_factory=dict)
    errors_log: str = ""

    def prefix(self, tag: str) -> str:
        return f"bench:c{self.index}:m{tag}:"


class Scans:
    """Request bodies: pass codes taken in order from a shared counter, each with a new client_id.

    next() on an itertools.count is atomic under the GIL, so the client threads never share a
    pass within a phase. Past the end of the list the codes wrap around (counted, reported).
    """

    def __init__(self, codes: list[str], event: int, gates: list[int], limit: int | None = None):
        self.codes, self.event, self.gates = codes, event, gates
        self.prefix = "bench:"  # client_id prefix, set per phase (warm-up, measured)
        self.limit = limit or len(codes)
        self.counter = itertools.count()
        self.taken = 0

    def __call__(self, thread: int, number: int) -> bytes:
        n = next(self.counter)
        self.taken = max(self.taken, n + 1)
        body = {
            "code": self.codes[n % self.limit],
            "event_id": self.event,
            "gate": self.gates[n % len(self.gates)],
            "client_id": f"{self.prefix}{n:08d}",
        }
        return json.dumps(body).encode()


def classify(status: int, data: bytes) -> str:
    if status != 200:
        return f"HTTP {status}"
    try:
        return json.loads(data).get("result", "?")
    except ValueError:
        return "?"


def _load(server, path, headers, body: BodyFactory, duration: float, options) -> LoadResult:
    return run_load(
        server.port,
        path,
        concurrency=CONCURRENCY,
        duration=duration,
        max_requests=options.max_requests,
        method="POST",
        headers=headers,
        body=body,
        ok_statuses=(200, 201),
        classify=classify,
    )


def measure(
    server: Server, path: str, headers: dict, warmup: BodyFactory, body: BodyFactory, options
) -> Phase:
    if options.warmup > 0:
        _load(server, path, headers, warmup, options.warmup, options)
    before = CpuSample.take(server.pid)
    result = _load(server, path, headers, body, options.duration, options)
    return Phase(result, CpuUsage.between(before, CpuSample.take(server.pid)))


def scan_phase(server: Server, headers: dict, scans: Scans, prefix: str, tag: str, options) -> Phase:
    """Warm-up then measurement, continuing through the same passes; client_ids tell them apart."""
    if options.warmup > 0:
        scans.prefix = f"{prefix}w{tag}:"
        _load(server, CHECKIN_PATH, headers, scans, options.warmup, options)
    scans.prefix = f"{prefix}m{tag}:"
    before = CpuSample.take(server.pid)
    result = _load(server, CHECKIN_PATH, headers, scans, options.duration, options)
    return Phase(result, CpuUsage.between(before, CpuSample.take(server.pid)))


def bare_body(thread: int, number: int) -> bytes:
    return json.dumps({"email": f"bare-t{thread}-n{number}@example.vn"}).encode()


def run_config(
    site: Site, setup: dict, token: str, workers: int, threads: int, index: int, options
) -> ConfigRun:
    event_id = setup["event"][0]
    codes, gates = setup["codes"], setup["gates"]
    json_headers = {"Content-Type": "application/json", "Accept-Language": "vi"}
    headers = {**json_headers, "Authorization": f"Bearer {token}"}
    label = f"{workers} × {threads}"
    with gunicorn(site, workers=workers, threads=threads) as server:
        print(f"[{NAME}] {server.description}", flush=True)
        status, data = post_json(server, BARE_JSON_PATH, b'{"email": "x@example.vn"}', json_headers)
        if status != 201:
            raise RuntimeError(f"bare JSON view answered {status}: {data}")
        # One of the last passes checks the endpoint (admitted, then already_admitted); the phases
        # never scan those.
        probe = {"code": codes[-1 - index], "event_id": event_id, "gate": gates[0]}
        for n, expected in enumerate(("admitted", "already_admitted")):
            body = json.dumps({**probe, "client_id": f"check:c{index}:{n}"}).encode()
            status, data = post_json(server, CHECKIN_PATH, body, headers)
            if status != 200 or data.get("result") != expected:
                raise RuntimeError(f"check-in answered {status}: {data} (expected {expected})")
        print(f"[{NAME}]   bare JSON POST {BARE_JSON_PATH} ...", flush=True)
        bare = measure(server, BARE_JSON_PATH, json_headers, bare_body, bare_body, options)
        usable = codes[: -len(CONFIGS)]
        first_scans = Scans(usable, event_id, gates)
        print(f"[{NAME}]   first scans {CHECKIN_PATH} ...", flush=True)
        first = scan_phase(server, headers, first_scans, f"bench:c{index}:", "1", options)
        scanned = min(first_scans.taken, len(usable))
        print(f"[{NAME}]   {first.rps:.1f} check-ins/s; {scanned:,} passes scanned; rescans ...", flush=True)
        again_scans = Scans(usable, event_id, gates, limit=scanned)
        again = scan_phase(server, headers, again_scans, f"bench:c{index}:", "2", options)
        print(f"[{NAME}]   {again.rps:.1f} rescans/s", flush=True)
        description = server.description
    log = ""
    if any(status >= 500 for phase in (bare, first, again) for status in phase.load.statuses):
        log = (site.workdir / "gunicorn.log").read_text(errors="replace")[-3000:]
        print(f"[{NAME}] 5xx responses; gunicorn log tail:\n{log}", flush=True)
    return ConfigRun(description, label, index, bare, first, again, errors_log=log)


# --- report ----------------------------------------------------------------------------------
def _statuses(load: LoadResult) -> str:
    parts = [f"{status}: {count:,}" for status, count in load.statuses.items()]
    if load.failures:
        parts.append(f"no answer: {load.failures:,}")
    return ", ".join(parts) or "none"


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1%}" if baseline else "n/a"


def _phases(run: ConfigRun) -> list[tuple[str, Phase]]:
    return [
        (f"bare JSON POST `{BARE_JSON_PATH}`", run.bare),
        ("check-in, first scans", run.first),
        ("check-in, rescans", run.again),
    ]


def throughput_table(runs: list[ConfigRun]) -> str:
    rows = []
    for run in runs:
        for name, phase in _phases(run):
            load = phase.load
            labels = ", ".join(f"{k} {v:,}" for k, v in load.labels.items() if phase is not run.bare) or "-"
            rows.append(
                [
                    run.label,
                    name,
                    f"{load.requests:,}",
                    f"{phase.rps:.1f}",
                    f"{load.percentile(50):.1f}",
                    f"{load.percentile(90):.1f}",
                    f"{load.percentile(99):.1f}",
                    _statuses(load),
                    labels,
                    _ratio(phase.rps, run.bare.rps),
                ]
            )
    headers = [
        *("Workers × threads", "Target", "Requests", "Req/s (200/201)", "p50 ms", "p90 ms", "p99 ms"),
        *("Responses by status", "Results", "Req/s vs bare"),
    ]
    return report.table(headers, rows, text_columns=2)


def cpu_table(runs: list[ConfigRun]) -> str:
    rows = []
    for run in runs:
        for name, phase in _phases(run):
            cpu = phase.cpu
            rest_ms = cpu.rest * 1000 / phase.rps if phase.rps else float("nan")
            rows.append(
                [
                    run.label,
                    name.split(" `")[0],
                    f"{phase.server_ms_per_request:.2f}",
                    f"{rest_ms:.2f}",
                    f"{cpu.server:.0%}",
                    f"{cpu.generator:.0%}",
                    f"{cpu.rest:.0%}",
                ]
            )
    headers = [
        *("Workers × threads", "Target", "Worker CPU ms/req", "Rest of machine CPU ms/req", "Workers CPU"),
        *("Load generator CPU", "Rest of machine CPU (PostgreSQL, kernel)"),
    ]
    return report.table(headers, rows, text_columns=2)


def integrity_table(runs: list[ConfigRun]) -> tuple[str, bool]:
    rows, ok = [], True
    for run in runs:
        for tag, name, phase, expected in (
            ("1", "first scans", run.first, "admitted"),
            ("2", "rescans", run.again, "already_admitted"),
        ):
            answered = phase.load.statuses.get(200, 0)
            in_db = run.db.get(run.prefix(tag), {})
            db_rows = sum(in_db.values())
            good = db_rows == answered and in_db == {k: v for k, v in phase.load.labels.items() if k in in_db}
            good &= set(phase.load.labels) <= set(in_db) and phase.load.labels.get(expected, 0) == answered
            ok &= good
            rows.append(
                [
                    run.label,
                    name,
                    f"{answered:,}",
                    f"{db_rows:,}",
                    ", ".join(f"{k} {v:,}" for k, v in sorted(in_db.items())) or "-",
                    "yes" if good else "**NO**",
                ]
            )
    headers = [
        "Workers × threads",
        "Phase",
        "200 responses",
        "CheckIn rows in DB",
        "Rows by result",
        "All match",
    ]
    return report.table(headers, rows, text_columns=2), ok


def probe_table(probe: dict) -> str:
    def ms(key: str) -> str:
        return "n/a" if probe.get(key) is None else f"{probe[key]:.2f}"

    rows = [
        ["whole request, wall clock", ms("wall")],
        ["whole request, CPU of the process", ms("cpu")],
        [
            "bearer token check (`ScannerToken.authenticate`: HMAC digest, user and group remembered)",
            ms("token"),
        ],
        [
            "… token and group read from the database (`_resolve`, when not remembered): per request",
            f"{probe.get('resolves', float('nan')):.2f}",
        ],
        ["check-in service (`check_in`: lock, decide, insert, previous scans, commit)", ms("service")],
        ["all SQL statements (wall time in the driver, incl. `COMMIT`)", ms("sql")],
        [
            "SQL statements per request (incl. `BEGIN` and `COMMIT`)",
            f"{probe.get('queries', float('nan')):.1f}",
        ],
        ["round trips to the database per request", f"{probe.get('round_trips', float('nan')):.1f}"],
    ]
    return report.table(["Part of one check-in (medians, in-process)", "ms"], rows)


def verdicts(best: ConfigRun) -> list[tuple[str, bool, str]]:
    rps, p99 = best.first.rps, best.first.load.percentile(99)
    ratio = rps / best.bare.rps if best.bare.rps else 0.0
    return [
        (f"≥ {GOAL_RPS:,.0f} check-ins/s", rps >= GOAL_RPS, f"{rps:,.0f}/s"),
        (f"≥ {GOAL_RATIO:.0%} of the bare JSON view", ratio >= GOAL_RATIO, f"{ratio:.1%}"),
        (f"p99 < {GOAL_P99_MS:.0f} ms", p99 < GOAL_P99_MS, f"{p99:.1f} ms"),
    ]


def run(options: argparse.Namespace) -> report.Section:
    """Run the benchmark against a fresh site; return its section for docs/benchmarks.md."""
    db = choose_database(options.db)
    how = "chosen automatically" if options.db == "auto" else "requested"
    print(f"[{NAME}] database: {db} ({how}); preparing a fresh site ...", flush=True)
    others = _others_running()
    with prepared_site(db, pg_database=PG_DATABASE) as site:
        setup = site.run_script(_SETUP, {"count": PASS_COUNT})
        token = site.manage("scanner_token", SCANNER, "--name", "bench").strip().splitlines()[-1]
        server_site = dataclasses.replace(site, env={**site.env, "RATE_LIMIT_PER_IP": "100000000"})
        print(
            f"[{NAME}] site ready on {site.database}; event {setup['event']}, gates {setup['gates']}",
            flush=True,
        )
        runs: list[ConfigRun] = []
        for index, (workers, threads) in enumerate(CONFIGS):
            site.run_script(_RESET)
            config = run_config(server_site, setup, token, workers, threads, index, options)
            prefixes = [config.prefix("1"), config.prefix("2")]
            config.db = site.run_script(_CHECK, {"prefixes": prefixes})
            runs.append(config)
        site.run_script(_RESET)
        print(f"[{NAME}] timing the parts of a check-in in one process ...", flush=True)
        probe_params = {
            "token": token,
            "event": setup["event"][0],
            "gate": setup["gates"][0],
            "path": CHECKIN_PATH,
            "codes": setup["codes"][: 30 + 2 * PROBE_COUNT],
            "warmup": 30,
            "count": PROBE_COUNT,
        }
        try:
            probe = server_site.run_script(_PROBE, probe_params)
        except RuntimeError as error:  # the load results are still worth a report
            print(f"[{NAME}] in-process probe failed: {error}", flush=True)
            probe = {}
    setup["others"] = others
    return section(options, site, setup, runs, probe)


def _others_running() -> str:
    """Other benchmarks or test runs on the machine at the start (they skew every number)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmd = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if ("bench/run.py" in cmd or "pytest" in cmd) and not cmd.startswith(("timeout", "/bin/")):
                found.append(cmd.strip()[:80])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"load average {load} at the start; also running: {'; '.join(found) or 'nothing'}"


def section(options, site: Site, setup: dict, runs: list[ConfigRun], probe: dict) -> report.Section:
    best = max(runs, key=lambda run: run.first.rps)
    integrity, integrity_ok = integrity_table(runs)
    errors = sum(
        count
        for run in runs
        for _name, phase in _phases(run)
        for status, count in phase.load.statuses.items()
        if status >= 500
    )
    event_id, title, today, moved = setup["event"]
    machine = report.machine_info()
    cores = os.cpu_count() or 1
    goals = verdicts(best)
    worker = best.first.server_ms_per_request
    rest = best.first.cpu.rest * 1000 / best.first.rps if best.first.rps else float("nan")
    lines = [
        f"- Date: {report.now_iso()}; code: {report.code_version()}",
        f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
        f"- OS: {machine['OS']}; Python {machine['Python']}",
        f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`)",
        f"- Other load on the machine: {setup.get('others', 'not recorded')}",
        "- Server: gunicorn, settings `bookday.settings.production` (through `bench/settings.py`, "
        f"`DEBUG=false`, locmem cache); configurations: {', '.join(run.server for run in runs)}",
        f"- Load: {CONCURRENCY} concurrent clients, {options.warmup:g} s warm-up then {options.duration:g} s "
        "per target and phase; load generator on the same machine",
        f"- Event: “{title}” (id {event_id}), today {today}"
        + (" (the demo event was moved to start today)" if moved else "")
        + f"; gates {', '.join(map(str, setup['gates']))}; {setup['day_registrations']:,} registrations "
        f"for today ({PASS_COUNT:,} written by the benchmark)",
        "",
        throughput_table(runs),
        "",
        cpu_table(runs),
        "",
        "CheckIn rows written by each measured phase (warm-up excluded) against the 200 responses:",
        "",
        integrity,
        "",
        f"Where the time goes: {probe.get('count', 0)} first scans one at a time in one process through "
        "Django's test client (no HTTP server, no contention), same settings and token:",
        "",
        probe_table(probe),
        "",
        f"CPU budget ({best.label}, first scans): {worker:.2f} ms of worker CPU plus {rest:.2f} ms elsewhere "
        f"(PostgreSQL, kernel) per check-in, so {cores} cores cannot serve more than about "
        f"{cores * 1000 / (worker + rest):,.0f} check-ins/s even with a free load generator; "
        f"{GOAL_RPS:,.0f}/s needs at most {cores * 1000 / GOAL_RPS:.1f} ms of CPU per check-in in all.",
        "",
        "Verdicts (best configuration for first scans: " + best.label + "):",
        "",
    ]
    lines += [f"- {goal}: **{'met' if met else 'NOT met'}** ({value})" for goal, met, value in goals]
    lines.append(
        f"- CheckIn rows {'match' if integrity_ok else 'DO NOT match'} the 200 responses; "
        f"{errors} server errors"
    )
    if probe and not all(met for _goal, met, _value in goals):
        lines += [
            "",
            "Profile of the in-process check-ins (cProfile; by own time, then cumulative for the project, "
            "Wagtail, django-ninja and Django's DB layer):",
            "",
            "```text",
            _trim_profile(probe["profile"]),
            "```",
            "",
            "SQL of one check-in:",
            "",
            "```sql",
            *probe["sql_one_request"],
            "```",
        ]
    body = "\n".join(lines)
    if any(run.errors_log for run in runs):
        tail = next(run.errors_log for run in runs if run.errors_log)
        body += f"\n\ngunicorn log tail after 5xx responses:\n\n```text\n{tail.strip()}\n```"
    return report.Section(HEADING, INTRO, body, subheading=f"### {site.database.split()[0]}")


def _trim_profile(text: str) -> str:
    """pstats output without its blank lines and header noise, paths shortened."""
    keep = []
    for line in text.splitlines():
        if not line.strip() or line.strip().startswith(("Ordered by", "List reduced")):
            continue
        keep.append(line.replace(str(os.getcwd()) + "/", "").replace(".venv/lib/", ""))
    return "\n".join(keep)
