"""Run Bookday's benchmarks: `make bench`, or `.venv/bin/python bench/run.py [NAME ...]`.

Each benchmark is a module in bench/ exposing NAME and run(options) -> report.Section (its
part of docs/benchmarks.md). Add new ones to BENCHMARKS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, Python puts bench/ itself first on sys.path; put the project root there
# instead so `bench.*`, `bookday.*` import as packages and bench modules shadow nothing.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import (  # noqa: E402
    catalogue,
    checkins,
    floor,
    import_attacks,
    imports,
    pages,
    passes,
    registrations,
    report,
    sessions,
    stats,
)

BENCHMARKS = {
    module.NAME: module
    for module in (
        pages,
        registrations,
        passes,
        checkins,
        imports,
        import_attacks,
        stats,
        catalogue,
        sessions,
        floor,
    )
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--db",
        choices=["auto", "postgres", "sqlite"],
        default="auto",
        help="auto: PostgreSQL at 127.0.0.1:5432 if reachable, else SQLite",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent connections")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured warm-up per target")
    parser.add_argument("--max-requests", type=int, default=500_000, help="request cap per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    group = parser.add_argument_group("registrations")
    group.add_argument("--registration-concurrency", type=int, default=32, help="concurrent POST clients")
    group.add_argument("--oversell-places", type=int, default=100, help="places left on an oversell day")
    group.add_argument("--oversell-requests", type=int, default=500, help="requests fired at that day")
    group.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/15",
        help="an otherwise unused Redis database: the task queue and cache, flushed before and after",
    )
    group = parser.add_argument_group("passes")
    group.add_argument("--pass-count", type=int, default=6000, help="passes for generate_passes")
    group.add_argument("--pdf-samples", type=int, default=30, help="PDFs rendered per in-process target")
    group.add_argument("--no-jobs1", action="store_true", help="skip the generate_passes --jobs 1 run")
    options = parser.parse_args(argv)
    # Checked here rather than with choices=: argparse rejects an empty nargs="*" list then.
    unknown = sorted(set(options.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if options.concurrency < 1 or options.duration <= 0 or options.warmup < 0 or options.max_requests < 1:
        parser.error("concurrency and max-requests must be >= 1, duration > 0, warmup >= 0")
    counts = (options.registration_concurrency, options.oversell_places, options.oversell_requests)
    if min(counts) < 1 or options.pass_count < 3 or options.pdf_samples < 1:
        parser.error("registration and pass counts must be >= 1 (--pass-count >= 3)")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    for name in options.names or list(BENCHMARKS):
        section = BENCHMARKS[name].run(options)
        print(f"\n{section.markdown()}", flush=True)
        if not options.no_docs:
            report.update_section(section)
            print(f"[{name}] updated {report.DOCS.relative_to(report.ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
