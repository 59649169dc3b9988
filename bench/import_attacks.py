"""Issue 13: what the worst spreadsheets cost to read, and a legitimate 20,000-row file, with the
old reader (openpyxl internals, from git) as the baseline in the same run.

Each file is read by `read_sheet` in a fresh process (Django set up, no database): wall time and
the process's peak resident memory above what it held before reading (ru_maxrss). The old
reader runs with its address space capped at 3 GB and 60 s, so that the attacks it cannot
bound stop instead of taking the machine down; only the cheaper of them are run against it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.environment import ROOT

NAME = "import_attacks"
HEADING = "## Spreadsheet attacks (issue 13)"
OLD_COMMIT = "197fb0a"  # the last commit with the hand-written reader
CAP_BYTES = 3 * 1024**3

INTRO = f"""\
What reading a stock file costs (`publishers.services.spreadsheet.read_sheet`), for the attack
files of issue 13 (built by `tests/publishers/attack_files.py`) and for legitimate 20,000-row
files. Each row is one fresh process: wall seconds, and peak resident memory above what the
process held before reading (in brackets: the whole process's peak, Django included). The
start-up's own high-water mark sets a floor under the first figure (between 30 and 80 MB from run
to run): compare the process peaks. "Old"
is the hand-written reader on openpyxl's internals (commit
{OLD_COMMIT}), run with its address space capped at 3 GB and a 60 s timeout; the attacks it
took minutes or gigabytes on are not run against it again (issue 13 has the numbers measured on
the demo: 4.3 GB for the column ZZZZZZZZZ, 234 s and 2.5 GB for 26 million shared strings).
The limits are in `publishers/services/spreadsheet_limits.py`."""

_CHILD = r"""
import io, json, os, resource, sys, time
import django
django.setup()
reader = sys.argv[1]
if reader == "old":
    import subprocess, types
    source = subprocess.run(["git", "show", sys.argv[3] + ":publishers/services/spreadsheet.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_spreadsheet")
    sys.modules["old_spreadsheet"] = module  # its dataclasses look themselves up there
    exec(compile(source, "old_spreadsheet.py", "exec"), module.__dict__)
    read_sheet = module.read_sheet
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[4]), int(sys.argv[4])))
else:
    from publishers.services.spreadsheet import read_sheet
data = open(sys.argv[2], "rb").read()
def resident_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
before = resident_kb()  # now, not the peak of Django's start-up
started = time.perf_counter()
try:
    sheet = read_sheet(data, max_rows=20_000)
    outcome = f"read: {len(sheet.rows):,} rows"
except MemoryError:
    outcome = "MemoryError (3 GB cap)"
except Exception as error:
    outcome = getattr(error, "code", None) or type(error).__name__
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = {"seconds": seconds, "peak_mb": (peak - before) / 1024, "process_mb": peak / 1024}
print(json.dumps({**result, "outcome": outcome}))
"""


def _files(workdir: Path) -> list[tuple[str, Path, bool]]:
    """(label, file, also run with the old reader)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookday.settings.test")
    import django

    django.setup()
    from bench.imports import build_xlsx
    from tests.publishers import attack_files
    from tests.publishers.test_import_limits import _xls_with_a_number_moved

    made = []

    def add(label, data, old=False):
        path = workdir / f"{len(made)}.bin"
        path.write_bytes(data)
        made.append((label, path, old))

    legit = workdir / "kho-20000.xlsx"
    build_xlsx(legit)
    add("legitimate: 20,000 rows, 9 columns (XLSX)", legit.read_bytes(), old=True)
    add("legitimate: 20,000 rows with a 400-character description (XLSX)", _described(workdir), old=True)
    add("legitimate: 20,000 rows (CSV)", _as_csv(legit), old=True)
    add("at the limits: 15,000 rows x 100 columns of numbers (1.5 million cells)", _widest())
    add("at the limits: 999,000 different shared strings", attack_files.distinct_shared_strings(999_000))
    add("column ZZZZZZZZZ (4.9 KB in the demo)", attack_files.far_column(), old=True)
    add("cells up to CV20000: a grid of 2 million", attack_files.wide_and_tall(), old=True)
    add("26 million shared strings (1 MB in the demo)", attack_files.shared_strings(26_000_000))
    add("ten million blank rows (92 KB in the demo)", attack_files.blank_rows(10_000_000), old=True)
    add("one million blank rows", attack_files.blank_rows(1_000_000), old=True)
    add("150,000 blank rows", attack_files.blank_rows(150_000), old=True)
    add("a value ten million rows down", attack_files.far_row(10_000_000), old=True)
    add("zip bomb: 501 MB of spaces", attack_files.zip_bomb())
    add("ODS: one value repeated 16,384 x 1,000,000", attack_files.ods_repeated(1_000_000, 16_384))
    add("ODS: one value repeated 100 x 90,000", attack_files.ods_repeated(90_000, 100))
    add("XLS: a cell moved to CV60001 (a grid of 6 million)", _xls_with_a_number_moved(60_000, 99))
    add("CSV with a NUL after the first 4 KB", attack_files.csv_with_nul(), old=True)
    add("malformed UTF-16", attack_files.malformed_utf16(), old=True)
    return made


def _widest() -> bytes:
    """The largest grid the limits let through, of numbers that compress as real ones do."""
    from tests.publishers import attack_files
    from tests.publishers.import_helpers import HEADERS

    header = attack_files.row_xml(1, [*HEADERS, *(f"Cột {n}" for n in range(len(HEADERS), 100))])
    rows = (
        attack_files.row_xml(r, [(r * 7919 + c * 104729) % 1_000_003 for c in range(100)])
        for r in range(2, 15_001)
    )
    return attack_files.workbook([header, *rows])


def _as_csv(path: Path) -> bytes:
    import csv
    import io

    from openpyxl import load_workbook

    out = io.StringIO()
    csv.writer(out).writerows(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    return out.getvalue().encode()


def _described(workdir: Path) -> bytes:
    import random

    from openpyxl import Workbook

    from bench.imports import WORDS, isbn13

    rng = random.Random(13)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kho")
    sheet.append(["ISBN", "Tên sách", "Tác giả", "Giá bìa", "Số lượng", "Mô tả"])
    for n in range(20_000):
        words = " ".join(rng.choice(WORDS) for _ in range(80))[:400]
        sheet.append([isbn13(200_000 + n), f"Sách {n}", "Tô Hoài", 100000, 5, words])
    path = workdir / "kho-mo-ta.xlsx"
    workbook.save(path)
    return path.read_bytes()


def _measure(reader: str, path: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bookday.settings.test", "PYTHONPATH": str(ROOT)}
    env.setdefault("DATABASE_URL", "sqlite:////tmp/bench-import-attacks.sqlite3")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, reader, str(path), OLD_COMMIT, str(CAP_BYTES)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60 if reader == "old" else 300,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": time.perf_counter() - started, "peak_mb": None, "outcome": "stopped at 60 s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {
            "seconds": time.perf_counter() - started,
            "peak_mb": None,
            "outcome": f"died ({done.returncode})",
        }
    return json.loads(lines[-1])


def run(options: argparse.Namespace) -> report.Section:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-attacks-") as tmp:
        files = _files(Path(tmp))
        for label, path, old in files:
            print(f"[{NAME}] {label} ...", flush=True)
            new = _measure("new", path)
            before = _measure("old", path) if old else None
            rows.append(
                [
                    label,
                    f"{path.stat().st_size / 1024:,.1f}",
                    *_cells(new),
                    *(_cells(before) if before else ["", "", "not run"]),
                ]
            )
    headers = [
        "File",
        "KB",
        "Seconds",
        "Peak MB (process)",
        "Outcome",
        "Old: seconds",
        "Old: peak MB",
        "Old: outcome",
    ]
    machine = report.machine_info()
    body = "\n".join(
        [
            f"- Date: {report.now_iso()}; code: {report.code_version()}",
            f"- Machine: {machine['CPU']}, {machine['Cores']} cores, {machine['RAM']} RAM",
            f"- Python {machine['Python']}",
            "- `read_sheet(data, max_rows=20_000)`, as the portal's preview calls it",
            "",
            report.table(headers, rows),
        ]
    )
    return report.Section(HEADING, INTRO, body)


def _cells(result: dict) -> list[str]:
    if result["peak_mb"] is None:
        return [f"{result['seconds']:.2f}", "", f"`{result['outcome']}`"]
    peak = f"{result['peak_mb']:,.0f} ({result['process_mb']:,.0f})"
    return [f"{result['seconds']:.2f}", peak, f"`{result['outcome']}`"]
