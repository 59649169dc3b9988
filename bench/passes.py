"""Issue 3: PDF passes per second, against a bare one-page WeasyPrint render with the same font.

Two measurements on a fresh site. In one process (a `manage.py shell` of the benchmark site),
a bare page (a heading and a paragraph of Vietnamese in Noto Sans, A6, no template, no QR code)
and real passes (`render_pass_pdf`: template, QR code, WeasyPrint) are rendered alternately
after a warm-up, so both see the same machine. Then thousands of registrations are created for
one event and `manage.py generate_passes` renders all their PDFs, as an operator would before
printing or mailing them in bulk.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import report
from bench.cpu import machine_busy_seconds
from bench.environment import ROOT, Site, choose_database, prepared_site

PG_DATABASE = "bookday_bench_passes"  # its own database: never dropped under another benchmark
NAME = "passes"
HEADING = "## PDF passes (issue 3)"
GOAL_RATIO = 1.5  # a pass may take at most this many times as long as the bare page
GOAL_SECONDS = 120.0  # for --pass-count passes with generate_passes --jobs 2

# Runs in `manage.py shell`; PARAMS (a JSON string) is prepended.
_PROBE = """
import json
import re
import statistics
import time
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, __version__ as weasyprint_version
from weasyprint.text import ffi
from events.models import Pass
from events.services import passes

params = json.loads(PARAMS)
BARE = '''<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trang trống</title><style>
@font-face { font-family: "Noto Sans"; src: url("NotoSans-Regular.ttf"); font-weight: 400; }
@font-face { font-family: "Noto Sans"; src: url("NotoSans-Bold.ttf"); font-weight: 700; }
@page { size: A6; margin: 7mm 7mm 6mm; }
body { font-family: "Noto Sans"; font-size: 8.6pt; line-height: 1.35; margin: 0; }
h1 { font-size: 11.5pt; margin: 0 0 2mm; }
</style></head><body>
<h1>Ngày Sách và Văn hóa đọc Việt Nam</h1>
<p>Ba ngày hội sách với hơn hai mươi nhà xuất bản, giao lưu tác giả, ra mắt sách mới và không
gian đọc cho thiếu nhi. Vào cửa tự do. Xin vui lòng xuất trình vé tại cổng, bản in hoặc trên
điện thoại.</p>
</body></html>'''
# WeasyPrint's floor: the same document with nothing in its body (no text, so no font embedded).
EMPTY = BARE[: BARE.index("<body>")] + "<body></body></html>"


# The pass's QR code: an inline <svg> or an <img> (the pass has no other image).
QR = re.compile(r"<svg\\b.*?</svg>|<img\\b[^>]*>", re.S)


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return (time.perf_counter() - started) * 1000, out


def pass_html(entry_pass):
    with translation.override(entry_pass.registration.language):
        return render_to_string("events/pass_pdf.html", passes._pdf_context(entry_pass))


def split(html, stylesheet=None):
    # WeasyPrint in two steps: parse, style and lay out; then write the PDF (fonts subset there).
    font_config, fetcher, fonts_dir = passes._weasyprint()
    sheets = [passes._stylesheet(stylesheet)] if stylesheet else []
    layout_ms, document = timed(
        lambda: HTML(string=html, base_url=str(fonts_dir) + "/", url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=sheets
        )
    )
    write_ms, data = timed(lambda: document.write_pdf())
    return layout_ms, write_ms, len(document.pages)


sample = list(
    Pass.objects.select_related("registration__event", "registration__day")
    .filter(registration__status="confirmed")
    .order_by("pk")[: params["samples"]]
)
cold_ms, _ = timed(lambda: passes.render_pdf(BARE))  # the first render loads Pango and the fonts
for entry_pass in sample[:3]:  # warm-up, discarded
    passes.render_pdf(BARE)
    passes.render_pass_pdf(entry_pass)
out = {key: [] for key in (
    "bare", "pass", "html", "pass_pdf", "bare_size", "pass_size",
    "bare_layout", "bare_write", "pass_layout", "pass_write", "bare_pages", "pass_pages", "no_qr",
    "empty",
)}
for entry_pass in sample:  # alternate, so both see the same machine
    ms, data = timed(lambda: passes.render_pdf(BARE))
    out["bare"].append(ms)
    out["bare_size"].append(len(data))
    ms, data = timed(lambda: passes.render_pass_pdf(entry_pass))
    out["pass"].append(ms)
    out["pass_size"].append(len(data))
    ms, html = timed(lambda: pass_html(entry_pass))
    out["html"].append(ms)
    ms, _ = timed(lambda: passes.render_pdf(html, passes.PASS_STYLESHEET))
    out["pass_pdf"].append(ms)
    without_qr = QR.sub("", html)  # what the QR code costs WeasyPrint, whatever its form
    ms, _ = timed(lambda: passes.render_pdf(without_qr, passes.PASS_STYLESHEET))
    out["no_qr"].append(ms)
    ms, _ = timed(lambda: passes.render_pdf(EMPTY))
    out["empty"].append(ms)
    for name, source, sheet in (("bare", BARE, None), ("pass", html, passes.PASS_STYLESHEET)):
        layout, write, pages = split(source, sheet)
        out[f"{name}_layout"].append(layout)
        out[f"{name}_write"].append(write)
        out[f"{name}_pages"].append(pages)
summary = {key: {"median": statistics.median(v), "mean": statistics.fmean(v)} for key, v in out.items()}
summary["cold_ms"] = cold_ms
summary["samples"] = len(sample)
summary["multi_page"] = sum(pages > 1 for pages in out["pass_pages"])
html = pass_html(sample[0])
summary["qr_kind"] = "inline SVG" if "<svg" in html else "image" if "<img" in html else "none"
summary["weasyprint"] = weasyprint_version
pango = ffi.pango.pango_version()
summary["pango"] = f"{pango // 10000}.{pango // 100 % 100}.{pango % 100}"
summary["harfbuzz_subset_loaded"] = ffi.harfbuzz_subset is not None
print(json.dumps(summary))
"""

# Creates the event whose passes generate_passes renders, through the registration service.
_POPULATE = """
import datetime as dt
import json
import random
import time
from django.utils import timezone
from events.demo import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, SCHOOLS
from events.models import EventPage
from events.services.registration import register

params = json.loads(PARAMS)
now = timezone.now()
current = next(e for e in EventPage.objects.live().order_by("start_date") if e.registration_open)
start = timezone.localdate() + dt.timedelta(days=90)
event = EventPage(
    title="Bench: Ngày Sách nhiều vé",
    slug="bench-many-passes",
    intro="Created by bench/passes.py.",
    start_date=start,
    end_date=start + dt.timedelta(days=2),
    opening_time=dt.time(8),
    closing_time=dt.time(21),
    venue_name=current.venue_name,
    venue_address=current.venue_address,
    registration_opens_at=now - dt.timedelta(days=1),
    daily_capacity=1_000_000,
)
current.get_parent().add_child(instance=event)
event.save_revision().publish()
rng = random.Random(3)
started = time.perf_counter()
for n in range(params["count"]):
    group = rng.random() < 0.1
    size = rng.randint(10, 45) if group else rng.choice([1, 1, 1, 2, 2, 3, 4])
    register(
        event=event,
        full_name=f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}",
        email=f"ve{n}@example.vn",
        phone=f"+849{rng.randrange(10**8):08d}",
        visit_date=event.days[n % len(event.days)],
        party_size=size,
        organisation=rng.choice(SCHOOLS) if group else "",
        consent=True,
        notify=False,
    )
seconds = time.perf_counter() - started
print(json.dumps({"event": event.pk, "title": event.title, "count": params["count"], "seconds": seconds}))
"""

_COUNT_PDFS = """
import json
from events.models import Pass
rows = Pass.objects.filter(registration__event_id=int(PARAMS))
print(json.dumps({"passes": rows.count(), "pdfs": rows.exclude(pdf="").exclude(pdf_fingerprint="").count()}))
"""

_READY = re.compile(r"(\d+) passes ready in ([\d.]+) s")

INTRO = f"""\
How fast PDF passes are made, against a bare one-page WeasyPrint render with the same fonts
(Noto Sans from `home/static/fonts/`, through `events.services.passes.render_pdf`): an A6 page
with a heading and a paragraph of Vietnamese, no template and no QR code. Both are rendered in
one process, alternately, after a warm-up; "pass" is `render_pass_pdf` (template, QR code,
WeasyPrint; its stylesheet `events/pass_pdf.css` is parsed once per process), also split into
its HTML + QR part and its WeasyPrint part, and WeasyPrint into layout (parse, style, lay out)
and drawing plus PDF writing (which subsets the fonts). The last rows render the pass's HTML
without its QR code, to show what the code costs, and an empty page, WeasyPrint's floor for
any document. Goal: a pass takes at most {GOAL_RATIO:g}× as long as the bare page (medians
compared).

Then the passes of one event are made in bulk: registrations are created through the
registration service (`register(..., notify=False)`, one transaction each, timed but not part
of the goal) for a separate three-day event, and `manage.py generate_passes <id> --jobs 2`
renders all of them into media storage. Goal: {{count}} passes in under {GOAL_SECONDS:.0f} s
on this machine (the command's wall time, Django start-up included)."""


@dataclass(frozen=True)
class Usage:
    """CPU use while a child process ran, in cores (1.0 = one core busy on average)."""

    command: float  # the child and its own children (generate_passes' worker processes)
    rest: float  # everything else on the machine: other programs, the database server

    @classmethod
    def of(cls, run):
        """Call run(); return (its result, the CPU use while it ran, its wall seconds)."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine, started = machine_busy_seconds(), time.perf_counter()
        result = run()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        command = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
        rest = max(0.0, machine_busy_seconds() - machine - command)
        return result, cls(command / wall, rest / wall), wall


@dataclass
class Command:
    jobs: int
    wall: float  # seconds, process start to exit
    reported: float  # the command's own "N passes ready in S s"
    rendered: int
    again: bool  # --all: every PDF rendered again, even up-to-date ones
    usage: Usage


def harfbuzz_subset_package() -> str:
    """What dpkg says about libharfbuzz-subset0 (used by WeasyPrint to subset fonts)."""
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Status} ${Version}", "libharfbuzz-subset0"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown (no dpkg)"
    if done.returncode != 0 or "install ok installed" not in done.stdout:
        return "not installed"
    return f"installed ({done.stdout.split()[-1]})"


def generate(site: Site, event_id: int, jobs: int, *, again: bool = False) -> Command:
    args = ["manage.py", "generate_passes", str(event_id), "--jobs", str(jobs), *(["--all"] if again else [])]
    done, usage, wall = Usage.of(
        lambda: subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=site.env, capture_output=True, text=True, timeout=1800
        )
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    match = _READY.search(done.stdout)
    if not match:
        raise RuntimeError(f"{' '.join(args)} printed no summary:\n{done.stdout[-2000:]}")
    return Command(jobs, wall, float(match.group(2)), int(match.group(1)), again, usage)


def render_table(probe: dict) -> str:
    bare = probe["bare"]["median"]

    def row(name: str, key: str, prefix: str | None = None) -> list[str]:
        median, mean = probe[key]["median"], probe[key]["mean"]
        size = f"{probe[f'{prefix}_size']['mean'] / 1024:.1f}" if prefix else ""
        pages = f"{probe[f'{prefix}_pages']['mean']:.2f}" if prefix else ""
        cells = [f"{median:.1f}", f"{mean:.1f}", f"{1000 / median:.1f}", f"{median / bare:.2f}×"]
        return [name, *cells, size, pages]

    rows = [
        row("bare page (`render_pdf`)", "bare", "bare"),
        row("… layout (parse, style, lay out)", "bare_layout"),
        row("… drawing and PDF writing (fonts subset here)", "bare_write"),
        row("pass (`render_pass_pdf`)", "pass", "pass"),
        row("… HTML template + QR code", "html"),
        row("… WeasyPrint (`render_pdf`)", "pass_pdf"),
        row("…… layout (parse, style, lay out)", "pass_layout"),
        row("…… drawing and PDF writing (fonts subset here)", "pass_write"),
        row("pass HTML without its QR code (`<svg>`/`<img>` removed), WeasyPrint only", "no_qr"),
        row("empty A6 page (the bare page with nothing in its body): WeasyPrint's floor", "empty"),
    ]
    headers = ["Render", "Median ms", "Mean ms", "Per second (median)", "vs bare page", "KiB/PDF", "Pages"]
    return report.table(headers, rows)


def bulk_table(commands: list[Command], count: int) -> str:
    rows = [
        [
            f"`generate_passes <id> --jobs {c.jobs}{' --all' if c.again else ''}`",
            f"{c.rendered:,}",
            f"{c.wall:.1f}",
            f"{c.reported:.1f}",
            f"{c.rendered / c.wall:.1f}",
            f"{c.usage.command:.0%}",
            f"{c.usage.rest:.0%}",
            "yes" if c.rendered == count and c.wall < GOAL_SECONDS else "no",
        ]
        for c in commands
    ]
    headers = [
        *("Command", "Passes", "Wall s", "Reported s", "Passes/s (wall)"),
        *("Command CPU", "Rest of machine CPU", f"Under {GOAL_SECONDS:.0f} s"),
    ]
    return report.table(headers, rows)


NOISE = 0.5  # cores used by other programs that make a timing suspect


def noise_warning(usage: Usage, commands: list[Command]) -> str:
    noisy = [f"in-process renders ({usage.rest:.0%})"] if usage.rest > NOISE else []
    noisy += [f"`--jobs {c.jobs}` ({c.usage.rest:.0%})" for c in commands if c.usage.rest > NOISE]
    if not noisy:
        return ""
    return (
        f"**Warning: other programs were busy during {', '.join(noisy)} (rest of machine CPU); those "
        "timings are too slow. Run it again on a quiet machine.**\n\n"
    )


def findings(probe: dict, commands: list[Command], count: int) -> str:
    """What the numbers say dominates, computed from this run."""
    cores = os.cpu_count() or 1
    weasy, no_qr = probe["pass_pdf"]["median"], probe["no_qr"]["median"]
    qr = weasy - no_qr
    per_pass = [c.usage.command * c.wall * 1000 / c.rendered for c in commands if c.rendered]
    bulk = f"{min(per_pass):.0f}" if per_pass else "n/a"
    floor, bare = probe["empty"]["median"], probe["bare"]["median"]
    above = (probe["pass"]["median"] - floor) / (bare - floor) if bare > floor else float("nan")
    return (
        f"An empty page costs {floor:.1f} ms ({floor / bare:.0%} of the bare page): the document, the "
        f"page and PDF writing. Above that floor the pass costs {above:.1f}× what the bare page's "
        "heading and paragraph cost: WeasyPrint's layout time grows with every element and line of "
        "text, and the pass holds ten lines and a QR code where the bare page holds five lines. "
        f"Where the time goes: WeasyPrint takes {weasy:.1f} of the pass's {probe['pass']['median']:.1f} ms; "
        f"the QR code alone ({probe['qr_kind']} in the pass's HTML) costs {qr:.1f} ms of it "
        f"({qr / weasy:.0%}); the template with the QR code's making takes {probe['html']['median']:.1f} ms. "
        f"{probe['multi_page']} of the {probe['samples']} sampled passes took two pages instead of one. "
        f"In bulk each pass cost {bulk} ms of CPU (rendering, database, file), so {count:,} passes in "
        f"{GOAL_SECONDS:.0f} s on {cores} cores need at most {cores * GOAL_SECONDS * 1000 / count:.0f} ms "
        "per pass, with perfect parallelism."
    )


def run(options: argparse.Namespace) -> report.Section:
    """Run the benchmark against a fresh site; return its section for docs/benchmarks.md."""
    db = choose_database(options.db)
    how = "chosen automatically" if options.db == "auto" else "requested"
    print(f"[{NAME}] database: {db} ({how}); preparing a fresh site ...", flush=True)
    with prepared_site(db, pg_database=PG_DATABASE) as site:
        print(f"[{NAME}] site ready on {site.database}; rendering in-process ...", flush=True)
        params = {"samples": options.pdf_samples}
        probe, probe_usage, _wall = Usage.of(lambda: site.run_script(_PROBE, params))
        print(
            f"[{NAME}] bare {probe['bare']['median']:.1f} ms, pass {probe['pass']['median']:.1f} ms; "
            f"creating {options.pass_count:,} registrations ...",
            flush=True,
        )
        populated = site.run_script(_POPULATE, {"count": options.pass_count})
        print(f"[{NAME}] {populated['count']:,} registrations in {populated['seconds']:.1f} s", flush=True)
        commands = [generate(site, populated["event"], 2)]
        print(f"[{NAME}] --jobs 2: {commands[0].wall:.1f} s", flush=True)
        files = site.run_script(_COUNT_PDFS, populated["event"])
        if not options.no_jobs1:
            commands.append(generate(site, populated["event"], 1, again=True))
            print(f"[{NAME}] --jobs 1: {commands[1].wall:.1f} s", flush=True)
    return section(options, site, probe, probe_usage, populated, commands, files)


def section(
    options, site: Site, probe: dict, usage: Usage, populated: dict, commands: list[Command], files: dict
):
    count = populated["count"]
    ratio = probe["pass"]["median"] / probe["bare"]["median"]
    two = commands[0]
    ratio_met = ratio <= GOAL_RATIO
    bulk_met = two.rendered == count and files["pdfs"] == count and two.wall < GOAL_SECONDS
    machine = report.machine_info()
    body = "\n".join(
        [
            f"- Date: {report.now_iso()}; code: {report.code_version()}",
            f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
            f"- OS: {machine['OS']}; Python {machine['Python']}",
            f"- Database: {site.database} on the same machine (fresh, seeded with `seed_demo`)",
            f"- WeasyPrint {probe['weasyprint']}, Pango {probe['pango']}; Debian `libharfbuzz-subset0`: "
            f"{harfbuzz_subset_package()}; WeasyPrint subsets fonts with "
            + ("HarfBuzz (`hb-subset`)" if probe["harfbuzz_subset_loaded"] else "fontTools (slower)"),
            f"- In-process: {probe['samples']} demo passes and as many bare pages, alternately, after "
            f"3 of each as warm-up; the very first render in the process (Pango and fonts loading) "
            f"took {probe['cold_ms']:.0f} ms; CPU meanwhile: {usage.command:.0%} this process, "
            f"{usage.rest:.0%} the rest of the machine",
            "",
            render_table(probe),
            "",
            f"- Bulk: {count:,} registrations for “{populated['title']}” created through "
            f"`register()` in {populated['seconds']:.1f} s ({count / populated['seconds']:.0f}/s, one "
            f"process, not part of the goal); afterwards {files['pdfs']:,} of {files['passes']:,} passes "
            "had an up-to-date PDF in media storage",
            "",
            bulk_table(commands, count),
            "",
            findings(probe, commands, count),
            "",
            noise_warning(usage, commands)
            + f"**Goal 1 (a pass ≤ {GOAL_RATIO:g}× the bare page): {'met' if ratio_met else 'NOT met'}, "
            f"{ratio:.2f}× ({probe['pass']['median']:.1f} ms vs {probe['bare']['median']:.1f} ms, "
            f"{1000 / probe['pass']['median']:.0f} passes/s in one process).** "
            f"**Goal 2 ({count:,} passes with `--jobs 2` in under {GOAL_SECONDS:.0f} s): "
            f"{'met' if bulk_met else 'NOT met'}, {two.wall:.1f} s ({count / two.wall:.0f} passes/s).**",
        ]
    )
    intro = INTRO.replace("{count}", f"{count:,}")
    return report.Section(HEADING, intro, body, subheading=f"### {site.database.split()[0]}")
