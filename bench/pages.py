"""Issue 2: how much of Django's raw throughput do the home and event pages keep?

Three targets are loaded one after the other against the same gunicorn: a bare Django view
(bench/urls.py: full middleware stack, no database, no template), the home page and the event
page. The bare view is the ceiling for this machine and server configuration, so the ratio
to it is comparable across machines where raw requests/s are not.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench import report
from bench.cpu import CpuSample, CpuUsage
from bench.environment import Site, choose_database, prepared_site
from bench.load import LoadResult, run_load
from bench.server import HOST, Server, gunicorn

NAME = "pages"
HEADING = "## Page throughput (issue 2)"
GOAL = 0.25  # event page throughput as a share of the bare view's

BARE_PATH = "/__bench__/bare/"  # same as bench.urls.BARE_PATH; importing that needs Django

# Ask the site itself where its pages are instead of hard-coding slugs from the demo data.
_FIND_PAGES = """
import json
from wagtail.models import Site
from events.models import EventPage
home = Site.objects.get(is_default_site=True).root_page.specific
event = EventPage.objects.live().first()
print(json.dumps({"home": [home.url, home.title], "event": [event.url, event.title]}))
"""


INTRO = f"""\
Throughput of the home and event pages compared with a bare Django view (`{BARE_PATH}`,
defined in `bench/urls.py`) that goes through the same gunicorn, settings and middleware but
touches no database and renders no template. The targets are loaded one after the other
in the same run; each first gets a warm-up whose results are discarded (it fills the caches
and creates image renditions). Goal: the event page keeps at least {GOAL:.0%} of the bare
view's requests/s.

Anonymous visitors get public pages from a whole-page cache (`PublicPageCacheMiddleware`, at
most `PAGE_CACHE_SECONDS` = 60 s old, cleared on publish), which is what the "home page" and
"event page" rows measure. The last row sends a session cookie, which skips that cache: it is
the cost of rendering the event page through Wagtail (with its `{{% wagtailpagecache %}}`
fragment cache), i.e. what the first visitor after an edit or every logged-in editor pays.

Req/s counts 200 responses only; any other status or a failed connection is an error.
Latencies are per request as the client sees them, including the wait for a free worker.
gunicorn's sync worker closes the connection after every response, so each request also pays
for a TCP connect, for every target alike; that and the load generator, more than Django, set
the bare view's ceiling.
The CPU table shows where the CPU went during each measurement (100 % = one core). Worker CPU
per request barely depends on what else the machine is doing, so its ratio is a steadier
estimate of the throughput ratio; "rest of machine" is everything else: the database server,
the kernel's loopback networking and any other program running at the time."""


@dataclass
class Target:
    name: str
    path: str
    must_contain: str  # proves we benchmark the real page, not an error or a redirect
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Measurement:
    target: Target
    load: LoadResult
    cpu: CpuUsage

    @property
    def server_ms_per_request(self) -> float:
        responses = len(self.load.latencies_ms)
        return self.cpu.server_seconds * 1000 / responses if responses else float("nan")


def find_targets(site: Site) -> list[Target]:
    found = json.loads(site.manage("shell", "-c", _FIND_PAGES).strip().splitlines()[-1])
    targets = [Target("bare Django view", BARE_PATH, "<p>bare</p>")]
    for key, label in (("home", "home page"), ("event", "event page")):
        url, title = found[key]
        targets.append(Target(label, urlsplit(url).path, html.escape(title)))
    # A visitor with a session cookie skips the whole-page cache: this is the cost of a page
    # rendered by Wagtail (with its fragment cache) on a cache miss.
    url, title = found["event"]
    targets.append(
        Target(
            "event page, rendered (page cache skipped)",
            urlsplit(url).path,
            html.escape(title),
            {"Cookie": "sessionid=bench-no-page-cache"},
        )
    )
    return targets


def check(server: Server, target: Target) -> None:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.request("GET", target.path, headers=target.headers)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()
    if response.status != 200 or target.must_contain not in body:
        raise RuntimeError(
            f"{target.name} ({target.path}) answered {response.status} without "
            f"{target.must_contain!r}:\n{body[:1000]}"
        )


def measure(server: Server, target: Target, options: argparse.Namespace) -> Measurement:
    load = {
        "concurrency": options.concurrency,
        "max_requests": options.max_requests,
        "headers": target.headers,
    }
    check(server, target)
    if options.warmup > 0:  # fills the fragment cache, creates image renditions; discarded
        run_load(server.port, target.path, duration=options.warmup, **load)
    before = CpuSample.take(server.pid)
    result = run_load(server.port, target.path, duration=options.duration, **load)
    return Measurement(target, result, CpuUsage.between(before, CpuSample.take(server.pid)))


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1%}" if baseline else "n/a"


def throughput_table(runs: list[Measurement]) -> str:
    baseline = runs[0].load.rps
    rows = [
        [
            run.target.name,
            f"`{run.target.path}`",
            f"{run.load.requests:,}",
            f"{run.load.rps:.1f}",
            f"{run.load.percentile(50):.1f}",
            f"{run.load.percentile(90):.1f}",
            f"{run.load.percentile(99):.1f}",
            str(run.load.errors),
            f"{run.load.mean_body_kib:.1f}",
            _ratio(run.load.rps, baseline),
        ]
        for run in runs
    ]
    headers = [
        *("Target", "Path", "Requests", "Req/s", "p50 ms", "p90 ms", "p99 ms"),
        *("Errors", "KiB/resp", "Req/s vs bare"),
    ]
    return report.table(headers, rows, text_columns=2)


def cpu_table(runs: list[Measurement]) -> str:
    baseline = runs[0].server_ms_per_request
    rows = [
        [
            run.target.name,
            f"{run.server_ms_per_request:.2f}",
            _ratio(baseline, run.server_ms_per_request),
            f"{run.cpu.server:.0%}",
            f"{run.cpu.generator:.0%}",
            f"{run.cpu.rest:.0%}",
        ]
        for run in runs
    ]
    headers = [
        *("Target", "Worker CPU ms/req", "CPU-based ratio vs bare"),
        *("Workers CPU", "Load generator CPU", "Rest of machine CPU"),
    ]
    return report.table(headers, rows)


def run(options: argparse.Namespace) -> report.Section:
    """Run the benchmark against a fresh site; return its section for docs/benchmarks.md."""
    db = choose_database(options.db)
    how = "chosen automatically" if options.db == "auto" else "requested"
    print(f"[pages] database: {db} ({how}); preparing a fresh site ...", flush=True)
    with prepared_site(db) as site:
        print(f"[pages] site ready on {site.database}", flush=True)
        targets = find_targets(site)
        with gunicorn(site, workers=options.workers, threads=options.threads) as server:
            runs = []
            for target in targets:
                print(f"[pages] loading {target.name} {target.path} ...", flush=True)
                runs.append(measure(server, target, options))

    bare, rendered = runs[0], runs[-1]
    event = next(run for run in runs if run.target.name == "event page")
    ratio = event.load.rps / bare.load.rps if bare.load.rps else 0.0
    verdict = "met" if ratio >= GOAL else "NOT met"
    machine = report.machine_info()
    body = "\n".join(
        [
            f"- Date: {report.now_iso()}; code: {report.code_version()}",
            f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
            f"- OS: {machine['OS']}; Python {machine['Python']}",
            f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`)",
            "- Cache: local memory (`REDIS_URL` unset), so each gunicorn worker keeps its own "
            "copy of the page and fragment caches",
            f"- Server: {server.description}; settings `bookday.settings.production` "
            "(through `bench/settings.py`, `DEBUG=false`, `SECURE_SSL_REDIRECT=false`)",
            f"- Load: {options.concurrency} concurrent connections, {options.warmup:g} s warm-up then "
            f"{options.duration:g} s per target (at most {options.max_requests:,} requests), "
            "load generator on the same machine",
            "",
            throughput_table(runs),
            "",
            cpu_table(runs),
            "",
            f"**Goal (event page ≥ {GOAL:.0%} of the bare view's req/s): {verdict}. "
            f"Event page at {ratio:.1%} by req/s, "
            f"{_ratio(bare.server_ms_per_request, event.server_ms_per_request)} by worker CPU per request.** "
            f"Rendered without the page cache it keeps {rendered.load.rps / bare.load.rps:.1%} "
            f"({rendered.load.rps:.0f} req/s, {rendered.server_ms_per_request:.1f} ms of worker CPU each).",
        ]
    )
    # One subsection per database kind, so PostgreSQL and SQLite results can sit side by side.
    return report.Section(HEADING, INTRO, body, subheading=f"### {site.database.split()[0]}")
