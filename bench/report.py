"""Machine description, markdown tables and the docs/benchmarks.md updater."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.environment import ROOT

DOCS = ROOT / "docs" / "benchmarks.md"

INTRO = """\
# Benchmarks

Run them with:

```sh
make bench                                   # every benchmark
.venv/bin/python bench/run.py pages          # just one
.venv/bin/python bench/run.py --db sqlite    # force a database (default: PostgreSQL if reachable)
.venv/bin/python bench/run.py --help         # concurrency, duration, warm-up, workers
```

Each benchmark builds a throwaway site (fresh database, `migrate`, `collectstatic`,
`seed_demo --allow-production`, in a temporary directory), serves it with gunicorn using the
production settings, loads it from a small load generator in `bench/load.py`, prints a
markdown table and rewrites its own section below. Other sections are left as they are.

The load generator runs on the same machine and competes with gunicorn for the CPU, so the
absolute numbers are pessimistic; compare the ratios measured within one run. No test asserts
on timings.
"""


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_info() -> dict[str, str]:
    cpuinfo = _read("/proc/cpuinfo")
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    meminfo = _read("/proc/meminfo")
    mem_kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    os_release = dict(line.split("=", 1) for line in _read("/etc/os-release").splitlines() if "=" in line)
    os_name = os_release.get("PRETTY_NAME", platform.system()).strip('"')
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "OS": f"{os_name} (kernel {platform.release()})",
        "Python": platform.python_version(),
    }


def code_version() -> str:
    """Which code was measured: the commit, and whether the working tree differed from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "no commit yet"
    return f"{commit} + uncommitted changes" if git("status", "--porcelain") else commit


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def table(headers: list[str], rows: list[list[str]], text_columns: int = 1) -> str:
    """Markdown table: the first `text_columns` columns left-aligned, numbers right-aligned."""
    align = [":---"] * text_columns + ["---:"] * (len(headers) - text_columns)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in (headers, align, *rows))


@dataclass
class Section:
    """A benchmark's part of docs/benchmarks.md.

    With a subheading, only that subsection is replaced (plus the shared intro), so results
    for, say, PostgreSQL and SQLite can sit side by side and be refreshed independently.
    """

    heading: str  # "## ..."
    intro: str
    body: str
    subheading: str | None = None  # "### ..."

    def markdown(self) -> str:
        sub = f"{self.subheading}\n\n" if self.subheading else ""
        return f"{self.heading}\n\n{self.intro}\n\n{sub}{self.body}\n"


def _split(lines: list[str], prefix: str) -> tuple[list[str], list[list[str]]]:
    """Split lines into what precedes the first `prefix` heading and one block per heading."""
    blocks: list[list[str]] = []
    head: list[str] = []
    for line in lines:
        if line.startswith(prefix):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
        else:
            head.append(line)
    return head, blocks


def _trim(lines: list[str]) -> list[str]:
    return "\n".join(lines).strip("\n").split("\n") if any(lines) else []


def update_section(section: Section, path: Path = DOCS) -> None:
    """Rewrite this benchmark's section (or subsection), keep everything else as it is."""
    text = path.read_text() if path.exists() else INTRO
    preamble, sections = _split(text.rstrip("\n").split("\n"), "## ")
    new = section.markdown().rstrip("\n").split("\n")
    for i, block in enumerate(sections):
        if block[0] == section.heading:
            if section.subheading:
                _, subsections = _split(block[1:], "### ")
                subsections = [_trim(sub) for sub in subsections]
                mine = _trim(new[new.index(section.subheading) :])
                index = next((j for j, sub in enumerate(subsections) if sub[0] == section.subheading), None)
                if index is None:
                    subsections.append(mine)
                else:
                    subsections[index] = mine
                new = [section.heading, "", *_trim(section.intro.split("\n"))]
                for sub in subsections:
                    new += ["", *sub]
            sections[i] = new
            break
    else:
        sections.append(new)
    parts = ["\n".join(_trim(preamble))] + ["\n".join(_trim(block)) for block in sections]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(part for part in parts if part) + "\n")
