"""Issue 5: catalogue search over 200,000 listings through the JSON API, with and without the index.

The demo's current event gets 176 more exhibitors and enough titles (with their listings) to hold
LISTINGS listings in all, written in bulk. `GET /api/v1/events/{id}/catalogue/` is then asked a
mix of searches one request at a time (latency, not throughput: what a visitor's phone waits),
each query REPS times after a warm-up. Then the pg_trgm index is dropped and the same queries are
timed again, fewer times, to show what the index buys. EXPLAIN ANALYZE of two searches goes into
the report as proof of which plan PostgreSQL chose.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import time
from urllib.parse import urlencode

from bench import report
from bench.environment import Site, choose_database, prepared_site
from bench.server import HOST, Server, gunicorn

NAME = "catalogue"
HEADING = "## Catalogue search (issue 5)"
GOAL_P95_MS = 50.0
LISTINGS = 200_000
EXTRA_EXHIBITORS = 176  # with the demo's 24: 200 exhibitors, about 1,000 titles each
REPS = 60
REPS_WITHOUT_INDEX = 3
WARMUP = 3
PG_DATABASE = "bookday_bench_catalogue"

# Runs in `manage.py shell`: publishers, exhibitors, titles and listings up to params["listings"]
# for the current event, in chunks (bulk_create returns ids on PostgreSQL and SQLite alike).
_SETUP = """
import json, random
from django.db import connection, transaction
from django.utils import timezone
from events.models import EventPage
from publishers import demo
from publishers.enums import OrganisationType
from publishers.models import Category, Exhibitor, Publisher, StockListing, Title
from publishers.validators import format_isbn

params = json.loads(PARAMS)
today = timezone.localdate()
event = EventPage.objects.live().filter(start_date__lte=today).order_by("-start_date").first()
rng = random.Random(5)
categories = {c.slug: c for c in Category.objects.all()}
slugs = sorted(categories)
with transaction.atomic():
    publishers = Publisher.objects.bulk_create([
        Publisher(
            name=f"Nhà sách Thử nghiệm {n:03d}", slug=f"nha-sach-thu-nghiem-{n:03d}",
            kind=OrganisationType.BOOKSHOP, tax_code=demo.tax_code(10_000 + n), contact_name="Lê Văn An",
            email=f"bench{n}@example.vn", phone="+842439434730",
        )
        for n in range(params["exhibitors"])
    ])
    stands = Exhibitor.objects.bulk_create([
        Exhibitor(event=event, publisher=p, booths=f"H{n // 20 + 1}-{n % 20 + 1:02d}")
        for n, p in enumerate(publishers)
    ])
existing = StockListing.objects.for_event(event).count()
wanted = params["listings"] - existing
per_stand = -(-wanted // len(stands))
made = 0
for s, stand in enumerate(stands):
    count = min(per_stand, wanted - made)
    if count <= 0:
        break
    titles = []
    for n in range(count):
        slug = rng.choice(slugs)
        first, second = demo.WORDS[slug]
        title = Title(
            publisher=stand.publisher, isbn=demo.isbn(s % 100, n) if n < 10_000 else "",
            sku=f"TN{s:03d}-{n:05d}", title=f"{rng.choice(first)} {rng.choice(second)}",
            authors=demo._authors(rng, slug), imprint=rng.choice(demo.IMPRINTS), category=categories[slug],
            list_price=rng.randint(40, 300) * 1000, fair_price=rng.randint(30, 250) * 1000,
        )
        title.fill_search_fields()
        titles.append(title)
    if s == 0:  # a rare title: found by a word that nothing else has
        for n, title in enumerate(titles[:6]):
            title.title = f"Hoàng Hạc lâu tuyển tập {n + 1}"
            title.fill_search_fields()
    with transaction.atomic():
        titles = Title.objects.bulk_create(titles, batch_size=5000)
        StockListing.objects.bulk_create(
            [StockListing(exhibitor=stand, title=t, copies=0 if rng.random() < 0.03 else rng.randint(20, 400),
                          copies_sold=rng.randint(0, 10)) for t in titles],
            batch_size=5000,
        )
    made += count
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        for table in ("title", "stocklisting", "exhibitor", "publisher"):
            cursor.execute(f"VACUUM ANALYZE publishers_{table}")
sample = (
    Title.objects.filter(listings__exhibitor__event=event, listings__copies__gt=0)
    .filter(publisher__name="NXB Kim Đồng").exclude(isbn="").order_by("pk").first()
)
print(json.dumps({
    "event": [event.pk, event.title],
    "listings": StockListing.objects.for_event(event).count(),
    "on_display": StockListing.objects.for_event(event).on_display().count(),
    "exhibitors": Exhibitor.objects.filter(event=event).count(),
    "isbn": format_isbn(sample.isbn),
}))
"""

# EXPLAIN ANALYZE of searches as the service runs them: a word search's one pass (page and
# count), and browsing's count and first page.
_EXPLAIN = """
import json
from django.db import connection
from events.models import EventPage
from publishers.services.catalogue import search
params = json.loads(PARAMS)
event = EventPage.objects.get(pk=params["event"])
out = {}
with connection.cursor() as cursor:
    def explain(sql, args):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, args)
        return "\\n".join(row[0] for row in cursor.fetchall())
    for label, query in params["queries"].items():
        listings = search(event, **query).order_by()
        if "match_rank" in listings.query.annotations:
            sql, args = listings.values_list("pk", "match_rank", "sort_key").query.sql_with_params()
            out[label] = explain(
                f"WITH m (id, match_rank, sort_key) AS MATERIALIZED ({sql}) "
                "SELECT id, count(*) OVER () FROM m ORDER BY match_rank, sort_key, id LIMIT 24",
                args,
            )
        else:
            sql, args = listings.values_list("pk", flat=True)[:24].query.sql_with_params()
            out[label] = explain(sql, args)
    listings = search(event)
    sql, args = listings.order_by().values("pk").query.sql_with_params()
    out["browse count"] = explain(f"SELECT count(*) FROM ({sql}) s", args)
    sql, args = listings.values_list("pk", flat=True)[:24].query.sql_with_params()
    out["browse first page"] = explain(sql, args)
print(json.dumps(out))
"""

# The catalogue's indexes on the listing table (migrations publishers/0004 and 0005), dropped to
# time the same searches without them, then created again.
_INDEX = """
import importlib, json
from django.db import connection
params = json.loads(PARAMS)
first = importlib.import_module("publishers.migrations.0004_listing_search_copies")
second = importlib.import_module("publishers.migrations.0006_sort_keys")
statements = [s for s in first.PG_INDEXES if "publishers_listing_count" in s] + second.PG_INDEXES
with connection.cursor() as cursor:
    for statement in statements:
        name = statement.split()[2]
        if params["drop"]:
            cursor.execute("DROP INDEX IF EXISTS %s" % name)
        else:
            cursor.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    cursor.execute("ANALYZE publishers_stocklisting")
print(json.dumps({"ok": True}))
"""


def queries(isbn: str) -> list[tuple[str, dict]]:
    """What visitors type: (label, GET parameters)."""
    return [
        ("common word", {"q": "tiếng"}),
        ("common words, with diacritics", {"q": "Lịch sử"}),
        ("without diacritics, 4 words", {"q": "lich su nha tran"}),
        ("rare word", {"q": "hoàng hạc"}),
        ("author", {"q": "nguyen thi huong"}),
        ("ISBN with hyphens", {"q": isbn}),
        ("publisher name", {"q": "kim dong"}),
        ("multi-word + category", {"q": "tieng anh giao tiep", "category": "ngoai-ngu"}),
        ("category filter only", {"category": "giao-khoa"}),
        ("publisher filter only", {"publisher": "nxb-kim-dong"}),
        ("browse everything, page 1", {}),
        ("browse everything, page 200", {"page": "200"}),
        ("no match", {"q": "khong co cuon sach nay"}),
    ]


def _get(server: Server, path: str) -> tuple[int, float, dict]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Accept-Language": "vi"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    return response.status, elapsed, json.loads(body) if body else {}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_queries(server: Server, event_id: int, mix: list[tuple[str, dict]], reps: int) -> dict:
    results = {}
    for label, params in mix:
        path = f"/api/v1/events/{event_id}/catalogue/" + (f"?{urlencode(params)}" if params else "")
        for _ in range(WARMUP):
            status, _ms, body = _get(server, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body}")
        timings = []
        for _ in range(reps):
            status, ms, body = _get(server, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body}")
            timings.append(ms)
        results[label] = {"path": path, "count": body["count"], "ms": timings}
        print(
            f"[{NAME}]   {label}: {body['count']:,} found, p50 {statistics.median(timings):.1f} ms",
            flush=True,
        )
    return results


def run(options: argparse.Namespace) -> report.Section:
    db = choose_database(options.db)
    print(f"[{NAME}] database: {db}; preparing a fresh site ...", flush=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with prepared_site(db, pg_database=PG_DATABASE) as site:
        started = time.perf_counter()
        setup = site.run_script(_SETUP, {"listings": LISTINGS, "exhibitors": EXTRA_EXHIBITORS})
        setup["seconds"] = time.perf_counter() - started
        setup["load"] = load
        event_id = setup["event"][0]
        print(
            f"[{NAME}] {setup['listings']:,} listings in {setup['seconds']:.0f} s; timing searches ...",
            flush=True,
        )
        mix = queries(setup["isbn"])
        explain = {}
        if db == "postgres":
            explain = site.run_script(
                _EXPLAIN,
                {
                    "event": event_id,
                    "queries": {
                        "common word": {"q": "tiếng"},
                        "4 words, one in 180 publishers' names": {"q": "lich su nha tran"},
                    },
                },
            )
        with gunicorn(site, workers=2, threads=1) as server:
            server_label = server.description
            with_index = time_queries(server, event_id, mix, REPS)
            without_index = {}
            if db == "postgres":
                print(f"[{NAME}] without the trigram index ...", flush=True)
                site.run_script(_INDEX, {"drop": True})
                without_index = time_queries(server, event_id, mix, REPS_WITHOUT_INDEX)
                site.run_script(_INDEX, {"drop": False})
    return section(site, setup, server_label, with_index, without_index, explain)


def _ms(values: list[float]) -> tuple[str, str, str]:
    return tuple(f"{percentile(values, p):.1f}" for p in (50, 95, 99))


def section(site: Site, setup: dict, server: str, with_index: dict, without_index: dict, explain: dict):
    machine = report.machine_info()
    everything = [ms for result in with_index.values() for ms in result["ms"]]
    p50, p95, p99 = _ms(everything)
    rows = []
    for label, result in with_index.items():
        row = [
            label,
            f"`{result['path'].split('catalogue/', 1)[1] or '(none)'}`",
            f"{result['count']:,}",
            *_ms(result["ms"]),
        ]
        if without_index:
            row.append(f"{statistics.median(without_index[label]['ms']):.1f}")
        rows.append(row)
    headers = ["Search", "Parameters", "Found", "p50 ms", "p95 ms", "p99 ms"]
    if without_index:
        headers.append("p50 ms without the index")
    rows.append(
        ["**all searches**", "", "", f"**{p50}**", f"**{p95}**", f"**{p99}**"]
        + ([""] if without_index else [])
    )
    met = float(p95) < GOAL_P95_MS
    lines = [
        f"- Date: {report.now_iso()}; code: {report.code_version()}",
        f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
        f"- OS: {machine['OS']}; Python {machine['Python']}",
        f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`)",
        f"- Load average at the start: {setup['load']}",
        f"- Server: {server}, settings `bookday.settings.production` (through `bench/settings.py`)",
        f"- Data: event “{setup['event'][1]}” (id {setup['event'][0]}) with {setup['exhibitors']} exhibitors "
        "and "
        f"{setup['listings']:,} listings ({setup['on_display']:,} with copies on display), written in "
        f"{setup['seconds']:.0f} s",
        f"- Requests: one at a time, a new connection each, {WARMUP} unmeasured then {REPS} measured per "
        f"search with the index" + (f", {REPS_WITHOUT_INDEX} without it" if without_index else ""),
        "",
        report.table(headers, rows, text_columns=2),
        "",
        f"**Goal (p95 under {GOAL_P95_MS:.0f} ms over the mix, with the index): "
        f"{'met' if met else 'NOT met'}, "
        f"p95 {p95} ms (p50 {p50} ms, p99 {p99} ms).**",
    ]
    for label, plan in explain.items():
        lines += ["", f"Plan for {label} (`EXPLAIN ANALYZE`):", "", "```text", plan, "```"]
    return report.Section(HEADING, INTRO, "\n".join(lines), subheading=f"### {site.database.split()[0]}")


INTRO = f"""\
Latency of `GET /api/v1/events/{{id}}/catalogue/` over {LISTINGS:,} listings of one event
(the demo's 5,000 plus generated ones: titles built from the demo's Vietnamese word lists,
{EXTRA_EXHIBITORS} more exhibitors). Goal: p95 under {GOAL_P95_MS:.0f} ms with the indexes.

How search is answered (migration `publishers/0004`, `publishers/services/catalogue.py`):

- Everything a search needs is on the listing row: its event, its title's folded words
  (`search_text`: only `[a-z0-9]+` words separated by spaces) and its title's category. Database
  triggers copy them, on PostgreSQL and SQLite alike, on every insert of a listing and on every
  change of a title's words or category or of an exhibitor's event, whoever writes (the portal's
  services, the import's COPY and UPDATE ... FROM VALUES, bulk_create, the admin). Publisher
  names are not copied: they are matched in Python against the event's few exhibitors.
- A word typed matches a word of the title (or of the publisher's name) that starts with it
  ("tieng" finds "Tiếng", "thu" finds "Thương", "huong" does not find "Thương"). PostgreSQL
  answers every word of a search with ONE prefix text-search query on a GIN index
  (`publishers_listing_words`, over `to_tsvector('simple', ...)` of the words plus a token
  `/x<exhibitor id>`, so "su" in a publisher's name becomes `(su:* | '/x14')`); the index's
  answer is exact, so no row is tested again. SQLite uses `LIKE '% word%'` on the same words.
- A word search collects its matches once (a materialized CTE, so PostgreSQL cannot choose to
  walk the event's listings in title order testing each one), counts them and sorts them for the
  page in the same statement.
- Browsing, a category or a publisher: `count` is an index-only scan of the narrow partial index
  `publishers_listing_count` (event, category) WHERE copies > 0, and the page is read in the
  order of `publishers_listing_order` (event, sort_key, id) or
  `publishers_listing_category_order` (event, category, sort_key, id), stopping after 24.
- The bench runs `VACUUM ANALYZE` after loading, as autovacuum would, so index-only scans do
  not visit the table."""
