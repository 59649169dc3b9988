"""Issue 5: importing a 20,000-row stock spreadsheet, from the portal's two steps and the command.

A realistic XLSX (a title line above the headers, Vietnamese headers and titles, valid 978-604
ISBNs, a few refused rows) is built with openpyxl. On a fresh site, in one `manage.py shell`:
the portal's preview (`stage_import`: read and check, no writes; the task worker's part) and
apply (`apply_import`: plan the stored rows again against the titles, without reading the
file, and write every title and listing in one transaction) for a new
exhibitor, then the same file again (every row unchanged) and a file with every number of
copies changed (every listing updated), each with its number of SQL queries. Then
`manage.py import_stock` imports the file for another exhibitor, timed from process start to
exit. Goal: the command under 15 s for 20,000 rows.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time

from bench import report
from bench.cpu import machine_busy_seconds
from bench.environment import ROOT, Site, choose_database, prepared_site

NAME = "imports"
HEADING = "## Spreadsheet import (issue 5)"
PG_DATABASE = "bookday_bench_imports"  # its own database: never dropped under another benchmark
ROWS = 20_000
REFUSED = 40  # rows with a wrong check digit, as real files have
GOAL_SECONDS = 15.0

INTRO = f"""\
Importing a stock spreadsheet of {ROWS:,} rows (`publishers.services.importing`). The file is an
XLSX as publishers keep it: a title line above Vietnamese headers, nine columns, valid 978-604
ISBNs, {REFUSED} rows with a wrong check digit. In one process: the portal's preview
(`stage_import`: read and check everything, write nothing but the preview; the task worker's
part) and apply (`apply_import`: plan the rows stored with the preview again, without reading
the file, then write all titles and listings in one transaction)
for a new exhibitor; the same file again (every row unchanged); then a file with every number of
copies changed (every listing updated). Then `manage.py import_stock` imports the file for
another exhibitor, timed from process start to exit (Django start-up included). Queries are
counted to show that none is made per row. Goal: the command under {GOAL_SECONDS:.0f} s."""

CATEGORIES = [
    "Văn học",
    "Thiếu nhi",
    "Kinh tế",
    "Lịch sử",
    "Khoa học",
    "Ngoại ngữ",
    "Kỹ năng sống",
    "Giáo khoa",
]
WORDS = [
    *("đường", "về", "nhà", "mùa", "thu", "hà", "nội", "sông", "núi", "biển"),
    *("trời", "tuổi", "thơ", "bên", "kia", "những", "người", "bạn", "cánh", "đồng"),
]
AUTHORS = ["Nguyễn Nhật Ánh", "Tô Hoài", "Nam Cao", "Xuân Quỳnh", "Đặng Thị Hương", "Nguyễn Văn Ưng"]
IMPRINTS = ["NXB Trẻ", "NXB Kim Đồng", "NXB Văn học", "NXB Tổng hợp TP.HCM", "NXB Hội Nhà văn"]

_SETUP = """
import json
from events.models import EventPage
from publishers.models import Exhibitor, Publisher

event = EventPage.objects.live().order_by("start_date").first()
from stdnum.vn import mst

made = []
for n in range(2):
    body = f"03{n + 7654321:07d}"
    publisher = Publisher.objects.create(
        name=f"Công ty Sách Đo Tốc Độ {n}", kind="distributor", tax_code=body + mst.calc_check_digit(body),
        contact_name="Đặng Thị Hương", email=f"bench{n}@example.vn", phone="+842439434730",
    )
    exhibitor = Exhibitor.objects.create(event=event, publisher=publisher, booths=f"Z{n}")
    made.append({"exhibitor": exhibitor.pk, "publisher": publisher.slug})
print(json.dumps({"event": event.pk, "event_title": event.title, "exhibitors": made}))
"""

_PROBE = """
import io
import json
import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from publishers.models import Exhibitor, StockListing, Title
from publishers.services.importing import apply_import, stage_import

params = json.loads(PARAMS)
exhibitor = Exhibitor.objects.select_related("publisher").get(pk=params["exhibitor"])
out = []


def step(name, fn):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    out.append({"step": name, "seconds": seconds, "queries": len(queries)})
    return result


files = [("new", params["file"]), ("same file again", params["file"]), ("copies changed", params["changed"])]
for label, path in files:
    data = open(path, "rb").read()
    upload = lambda: stage_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename="kho.xlsx")
    staged = step(f"preview ({label})", upload)
    applied = step(f"apply ({label})", lambda: apply_import(stock_import=staged))
    out[-1]["counts"] = applied.report["counts"]
    out[-2]["counts"] = staged.report["counts"]
print(json.dumps({
    "steps": out,
    "titles": Title.objects.filter(publisher=exhibitor.publisher).count(),
    "listings": StockListing.objects.filter(exhibitor=exhibitor).count(),
}))
"""

_COUNT = """
import json
from publishers.models import StockListing
print(json.dumps({"listings": StockListing.objects.filter(exhibitor_id=int(PARAMS)).count()}))
"""


def isbn13(n: int) -> str:
    body = f"978604{n:06d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def build_xlsx(path, copies_offset: int = 0) -> None:
    from openpyxl import Workbook

    rng = random.Random(5)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh mục")
    sheet.append(["DANH MỤC SÁCH THAM GIA NGÀY SÁCH — Công ty Sách Đo Tốc Độ"])
    sheet.append(
        [
            "ISBN",
            "Tên sách",
            "Tác giả",
            "Nhà xuất bản",
            "Năm xuất bản",
            "Thể loại",
            "Giá bìa",
            "Giá bán",
            "Số lượng",
        ]
    )
    bad = set(rng.sample(range(ROWS), REFUSED))
    for n in range(ROWS):
        code = isbn13(100_000 + n)
        if n in bad:
            code = code[:-1] + str((int(code[-1]) + 1) % 10)
        price = rng.randrange(40, 400) * 1000
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
        sheet.append(
            [
                code,
                f"{title} ({n})",
                rng.choice(AUTHORS),
                rng.choice(IMPRINTS),
                rng.randint(1995, 2025),
                rng.choice(CATEGORIES),
                price,
                f"{price * 8 // 10:,}đ".replace(",", "."),
                rng.randint(1, 200) + copies_offset,
            ]
        )
    workbook.save(path)


def run_command(site: Site, publisher: str, event: int, path) -> tuple[float, float, str]:
    """(wall seconds, cores used by the rest of the machine meanwhile, output)."""
    args = [
        "manage.py",
        "import_stock",
        str(path),
        "--publisher",
        publisher,
        "--event",
        str(event),
        "--language",
        "en",
    ]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, started = machine_busy_seconds(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=site.env, capture_output=True, text=True, timeout=900
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return wall, max(0.0, machine_busy_seconds() - busy - own) / wall, done.stdout


def run(options: argparse.Namespace) -> report.Section:
    db = choose_database(options.db)
    print(f"[{NAME}] database: {db}; preparing a fresh site ...", flush=True)
    with prepared_site(db, pg_database=PG_DATABASE) as site:
        site.env["PRIVATE_MEDIA_ROOT"] = str(site.workdir / "private")
        path, changed = site.workdir / "kho-20000.xlsx", site.workdir / "kho-20000-changed.xlsx"
        started = time.perf_counter()
        build_xlsx(path)
        build_xlsx(changed, copies_offset=1)
        built = time.perf_counter() - started
        setup = site.run_script(_SETUP)
        print(f"[{NAME}] files built in {built:.1f} s; preview and apply in-process ...", flush=True)
        busy, started = machine_busy_seconds(), time.perf_counter()
        probe = site.run_script(
            _PROBE,
            {"exhibitor": setup["exhibitors"][0]["exhibitor"], "file": str(path), "changed": str(changed)},
        )
        probe_rest = max(0.0, (machine_busy_seconds() - busy) / (time.perf_counter() - started) - 1.0)
        print(f"[{NAME}] command ...", flush=True)
        second = setup["exhibitors"][1]
        wall, rest, output = run_command(site, second["publisher"], setup["event"], path)
        listings = site.run_script(_COUNT, second["exhibitor"])["listings"]
        size = path.stat().st_size
    return section(site, setup, probe, probe_rest, wall, rest, output, listings, size)


def section(site, setup, probe, probe_rest, wall, rest, output, listings, size) -> report.Section:
    rows = []
    for entry in probe["steps"]:
        counts = entry.get("counts", {})
        rows.append(
            [
                f"`{entry['step']}`",
                f"{counts.get('rows', 0):,}",
                f"{counts.get('create', 0):,} / {counts.get('update', 0):,} / "
                f"{counts.get('unchanged', 0):,} / {counts.get('refused', 0):,}",
                f"{entry['seconds']:.2f}",
                f"{counts.get('rows', 0) / entry['seconds']:,.0f}",
                str(entry["queries"]),
            ]
        )
    summary = next((line for line in output.splitlines() if " rows: " in line), "").strip()
    rows.append(
        [
            "`manage.py import_stock` (new exhibitor, whole process)",
            f"{ROWS:,}",
            summary,
            f"{wall:.2f}",
            "",
            "",
        ]
    )
    headers = ["Step", "Rows", "New / updated / unchanged / refused", "Seconds", "Rows/s", "SQL queries"]
    met = wall < GOAL_SECONDS and listings == ROWS - REFUSED
    machine = report.machine_info()
    noisy = max(rest, probe_rest) > 0.8  # PostgreSQL itself uses some
    warning = (
        f"**Warning: the machine is shared and other programs were busy (about {max(rest, probe_rest):.1f} "
        "cores besides the import); the timings are pessimistic.**\n\n"
        if noisy
        else ""
    )
    body = "\n".join(
        [
            f"- Date: {report.now_iso()}; code: {report.code_version()}",
            f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
            f"- OS: {machine['OS']}; Python {machine['Python']}",
            f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`)",
            f"- File: {ROWS:,} rows, {size / 1024 / 1024:.1f} MB XLSX; event “{setup['event_title']}”",
            f"- CPU besides the import's own process (the database included): {probe_rest:.1f} cores "
            f"during the in-process steps, {rest:.1f} during the command",
            "",
            report.table(headers, rows),
            "",
            warning + f"**Goal ({ROWS:,} rows through `import_stock` in under {GOAL_SECONDS:.0f} s): "
            f"{'met' if met else 'NOT met'}, {wall:.1f} s; {listings:,} listings written.**",
        ]
    )
    return report.Section(HEADING, INTRO, body, subheading=f"### {site.database.split()[0]}")
