"""Issue 15: the public floor map of a 200-booth fair: how long it takes to render, how big it is.

The demo event's floor is laid out again with 200 booths (through floor.services.plan.save_plan,
keeping the demo's booths and their exhibitors) and most of the new booths get an exhibitor of
their own. Then `/events/<id>/map/` is requested one at a time through gunicorn, warm, many
times, alternating with the bare Django view and the event page rendered past the page cache
(bench/pages.py's targets), and its size is measured as sent, gzipped, and with the files it
loads.
"""

from __future__ import annotations

import argparse
import gzip
import html
import http.client
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench import report, sessions
from bench.cpu import CpuSample, CpuUsage
from bench.environment import Site, choose_database, prepared_site
from bench.server import HOST, Server, gunicorn

NAME = "floor"
PG_DATABASE = "bookday_bench_floor"  # its own database: never dropped under another benchmark
BOOTHS = 200  # 10 rows (A to J) of 20
HELD = 180  # booths with an exhibitor: the demo's and new ones
WARMUP = 10  # unmeasured requests per target
SAMPLES = 300  # measured requests per target, alternating between targets
BARE_PATH = "/__bench__/bare/"  # same as bench.urls.BARE_PATH
NO_PAGE_CACHE = {"Cookie": "sessionid=bench-no-page-cache"}  # as bench/pages.py: skips the page cache
# A visitor's phone on a 3G network, for the "what it means" line: 1 Mbit/s down, 300 ms round trip.
LINK_BITS_PER_SECOND = 1_000_000
LINK_RTT_S = 0.3

# Runs in `manage.py shell`: the current event's floor with BOOTHS booths in rows A to J (the
# demo's A1 to E1 among them, so their exhibitors keep their booths), five zones, its gates as
# entrances, and new exhibitors on booths until HELD are taken.
_SETUP = """
import json
from django.db import transaction
from django.utils import timezone
from events.models import EventPage, Gate
from floor.enums import ServiceKind
from floor.models import Booth, Floor
from floor.services import holders
from floor.services.plan import save_plan
from publishers import demo
from publishers.enums import OrganisationType
from publishers.models import Exhibitor, Publisher

params = json.loads(PARAMS)
today = timezone.localdate()
events = list(EventPage.objects.live().order_by("start_date"))
event = next(e for e in events if e.end_date >= today)
rows = "ABCDEFGHIJ"
zones = [
    {"name": name, "colour": colour, "x": 2, "y": 3 + 10 * n, "width": 84, "height": 9}
    for n, (name, colour) in enumerate([
        ("Nhà xuất bản", "#bfdbfe"), ("Khoa học và giáo dục", "#bbf7d0"), ("Công ty sách", "#fde68a"),
        ("Nhà sách và thư viện", "#fbcfe8"), ("Sách thiếu nhi", "#fed7aa"),
    ])
]
booths = [
    {"label": f"{row}{n + 1}", "x": 4 + 4 * n, "y": 4 + 5 * r, "width": 3, "height": 3,
     "zone": zones[r // 2]["name"]}
    for r, row in enumerate(rows)
    for n in range(params["booths"] // len(rows))
]
gates = list(Gate.objects.filter(event=event).order_by("sort_order", "name"))
places = [(45, 60), (0, 30), (90, 30)]
save_plan(
    event=event, width=90, height=60, zones=zones, booths=booths,
    entrances=[{"gate": g.pk, "x": x, "y": y} for g, (x, y) in zip(gates, places)],
    services=[
        {"kind": ServiceKind.STAGE, "label": "Sân khấu chính", "x": 80, "y": 57},
        {"kind": ServiceKind.INFO, "label": "Quầy thông tin", "x": 50, "y": 57},
        {"kind": ServiceKind.TOILETS, "label": "", "x": 2, "y": 58},
        {"kind": ServiceKind.FIRST_AID, "label": "", "x": 88, "y": 2},
    ],
)
floor = Floor.objects.get(event=event)
free = list(floor.booths.filter(exhibitor__isnull=True).order_by("sort_key").values_list("label", flat=True))
wanted = params["held"] - (floor.booths.count() - len(free))
with transaction.atomic():
    publishers = Publisher.objects.bulk_create([
        Publisher(
            name=f"Nhà sách Sơ đồ {n:03d}", slug=f"nha-sach-so-do-{n:03d}",
            kind=OrganisationType.BOOKSHOP, tax_code=demo.tax_code(20_000 + n), contact_name="Lê Văn An",
            email=f"bench-floor-{n}@example.vn", phone="+842439434730",
        )
        for n in range(wanted)
    ])
    Exhibitor.objects.bulk_create([
        Exhibitor(event=event, publisher=p, booths=label) for p, label in zip(publishers, free)
    ])
holders.sync(event)
booths = Booth.objects.filter(floor=floor)
print(json.dumps({
    "event": [event.pk, event.title, event.url],
    "booths": booths.count(),
    "held": booths.filter(exhibitor__isnull=False).count(),
    "exhibitors": Exhibitor.objects.filter(event=event).count(),
    "zones": floor.zones.count(),
}))
"""


@dataclass
class Target:
    name: str
    path: str
    must_contain: str
    headers: dict[str, str] = field(default_factory=dict)
    times_ms: list[float] = field(default_factory=list)
    body: bytes = b""
    worker_cpu_s: float = 0.0


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, round(p / 100 * len(ordered)))) - 1]


def measure(server: Server, targets: list[Target]) -> None:
    """One request at a time, targets in turn: each sees the same moments of a busy machine."""
    for target in targets:
        for _ in range(WARMUP):
            status, body = get(server, target.path, target.headers)
            if status != 200 or target.must_contain.encode() not in body:
                raise RuntimeError(f"{target.name} ({target.path}) answered {status}:\n{body[:1000]!r}")
        target.body = body
    for _ in range(SAMPLES):
        for target in targets:
            before = CpuSample.take(server.pid)
            started = time.perf_counter()
            status, _body = get(server, target.path, target.headers)
            target.times_ms.append((time.perf_counter() - started) * 1000)
            target.worker_cpu_s += CpuUsage.between(before, CpuSample.take(server.pid)).server_seconds
            if status != 200:
                raise RuntimeError(f"{target.name} answered {status}")


def assets(server: Server, page: bytes) -> list[tuple[str, int, int]]:
    """The stylesheets and scripts a page loads from this site: (path, bytes, gzipped bytes)."""
    text = page.decode("utf-8", errors="replace")
    paths = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    paths += re.findall(r'<script[^>]+src="([^"]+)"', text)
    found = []
    for path in dict.fromkeys(html.unescape(p) for p in paths):
        if path.startswith("/"):
            status, body = get(server, path)
            if status == 200:
                found.append((path, len(body), len(gzip.compress(body, 1))))
    return found


def run(options: argparse.Namespace) -> report.Section:
    db = choose_database(options.db)
    print(f"[{NAME}] preparing a fresh site on {db} ...", flush=True)
    with prepared_site(db, pg_database=PG_DATABASE) as site:
        setup = site.run_script(_SETUP, {"booths": BOOTHS, "held": HELD})
        event_id, title, url = setup["event"]
        print(f"[{NAME}] floor ready: {setup}", flush=True)
        load_before = os.getloadavg()
        targets = [
            Target("bare Django view", BARE_PATH, "bare"),
            Target(
                "event page, rendered (page cache skipped)",
                urlsplit(url).path,
                html.escape(title),
                NO_PAGE_CACHE,
            ),
            Target("floor map, 200 booths", f"/events/{event_id}/map/", "J20"),
            Target("floor map, a booth asked for (`?booth=C7`)", f"/events/{event_id}/map/?booth=C7", "C7"),
        ]
        with gunicorn(site, workers=options.workers, threads=options.threads) as server:
            print(f"[{NAME}] {server.description}; {SAMPLES} samples per target ...", flush=True)
            measure(server, targets)
            files = assets(server, targets[2].body)
            description = server.description
        load_after = os.getloadavg()
    return section(site, setup, targets, files, description, load_before, load_after)


def _loads(averages) -> str:
    return ", ".join(f"{x:.1f}" for x in averages)


def _seconds_on_link(nbytes: int, round_trips: int) -> float:
    return nbytes * 8 / LINK_BITS_PER_SECOND + round_trips * LINK_RTT_S


def section(
    site: Site, setup: dict, targets: list[Target], files, server: str, before, after
) -> report.Section:
    machine = report.machine_info()
    bare = statistics.median(targets[0].times_ms)
    rows = []
    for target in targets:
        median = statistics.median(target.times_ms)
        rows.append(
            [
                target.name,
                f"`{target.path}`",
                f"{len(target.times_ms):,}",
                f"{median:.1f}",
                f"{_pct(target.times_ms, 95):.1f}",
                f"{_pct(target.times_ms, 99):.1f}",
                f"{target.worker_cpu_s * 1000 / len(target.times_ms):.1f}",
                f"{median / bare:.1f}×",
                f"{len(target.body) / 1024:.1f}",
                f"{len(gzip.compress(target.body, 1)) / 1024:.1f}",
                f"{len(gzip.compress(target.body, 6)) / 1024:.1f}",
            ]
        )
    timing = report.table(
        [
            *("Target", "Path", "Samples", "Median ms", "p95 ms", "p99 ms", "Worker CPU ms (mean)"),
            *("Median vs bare", "KiB sent", "KiB gzip -1", "KiB gzip -6"),
        ],
        rows,
        text_columns=2,
    )
    page = targets[2].body
    page_gz = len(gzip.compress(page, 1))
    file_rows = [[f"`{path}`", f"{size / 1024:.1f}", f"{gz / 1024:.1f}"] for path, size, gz in files]
    total_gz = page_gz + sum(gz for _p, _s, gz in files)
    file_rows.append(["**the map page and its own files, first visit**", "", f"**{total_gz / 1024:.1f}**"])
    sizes = report.table(["File the map page loads", "KiB", "KiB gzip -1"], file_rows)
    # The page: one round trip and its bytes; a first visit: then its files, fetched together.
    first_visit = _seconds_on_link(total_gz, 2)
    again = _seconds_on_link(page_gz, 1)
    body = "\n".join(
        [
            f"- Date: {report.now_iso()}; code: {report.code_version()}",
            f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM; {machine['OS']}; "
            f"Python {machine['Python']}",
            f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`); locmem cache",
            f"- Other load on the machine: load average {_loads(before)} at the start, "
            f"{_loads(after)} at the end",
            f"- Server: {server}, production settings (through `bench/settings.py`)",
            f"- Floor: event “{setup['event'][1]}” (id {setup['event'][0]}), 90 × 60 m, "
            f"{setup['zones']} zones, {setup['booths']} booths, {setup['held']} of them with an exhibitor "
            f"({setup['exhibitors']} exhibitors)",
            f"- Requests: one at a time, a new connection each, {WARMUP} unmeasured then {SAMPLES} "
            "measured per target, the targets in turn; worker CPU from /proc around each request",
            "",
            timing,
            "",
            "Sizes are of the HTML as the server sends it (it does not compress; nginx in `deploy/` gzips "
            "at its default level, 1). The map's SVG is inside the page.",
            "",
            sizes,
            "",
            f"On a 3G phone (assumed {LINK_BITS_PER_SECOND / 1e6:g} Mbit/s down, {LINK_RTT_S * 1000:.0f} ms "
            "round trip, the connection already open, TCP's slow start ignored): the map page alone "
            f"takes about {again:.1f} s to arrive; a first "
            f"visit with its stylesheets and scripts about {first_visit:.1f} s (the site's shared files, "
            "cached after the first page of the site, are most of that).",
        ]
    )
    return report.Section(
        sessions.HEADING,
        sessions.INTRO,
        body,
        subheading=f"### The floor map with 200 booths ({site.database.split()[0]})",
    )
