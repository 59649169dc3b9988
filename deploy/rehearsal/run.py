"""`make rehearsal`: the production topology under a fair morning's load, with faults injected.

    REHEARSAL_SECONDS=600 python deploy/rehearsal/run.py        # the full run (default 600 s)
    python deploy/rehearsal/run.py --short                      # ~2 minutes, every fault once

Starts the topology (deploy/rehearsal/topology.py), seeds the demo fair, runs the load
(load.py) while injecting faults at known times, then checks the invariants (checks.py),
restores a backup into a new database and compares counts, prints the table and writes it to
docs/rehearsal.md. Exits 1 when an invariant fails. Everything started is stopped at the end,
on failure and on Ctrl+C too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser  # noqa: E402
import checks  # noqa: E402
import load  # noqa: E402
from topology import (  # noqa: E402
    DATABASE,
    HTTPS_PORT,
    PGBOUNCER_PORT,
    REDIS_DB,
    REDIS_PORT,
    ROOT,
    Topology,
    healthy,
    psql,
    wait_for,
)

SETUP = r"""
import datetime as dt
import json
from django.templatetags.static import static
from django.utils import timezone
from wagtail.models import APIToken
from django.contrib.auth import get_user_model
from events.enums import RegistrationStatus
from events.models import EventPage, Gate, Pass

today = timezone.localdate()
live = EventPage.objects.live().order_by("start_date")
event = next(e for e in live if e.start_date <= today <= e.end_date)
gates = list(Gate.objects.filter(event=event).order_by("sort_order", "pk").values_list("pk", flat=True))
todays = Pass.objects.filter(registration__event=event, registration__day__date=today).filter(
    registration__status=RegistrationStatus.CONFIRMED
)
codes = list(todays.values_list("code", flat=True))
User = get_user_model()
gate_user, organiser = User.objects.get(username="soatve"), User.objects.get(username="admin")
# An answer to each of the organisers' own questions, as a visitor would give (a required one
# missing is refused); questions not asked of a party are dropped by the server.
def _answer(question):
    if question.kind == "yes_no":
        return True
    if question.kind == "choices":
        return question.choice_list[:1]
    if question.kind == "choice":
        return question.choice_list[0]
    return "Lớp 6A"
answers = {question.key: _answer(question) for question in event.questions.all()}
tokens = {
    "gates": [APIToken.create_token(user=gate_user, name=f"Rehearsal gate {n}")[1] for n in gates],
    "offline": APIToken.create_token(user=gate_user, name="Rehearsal offline phone")[1],
    "organiser": APIToken.create_token(user=organiser, name="Rehearsal figures")[1],
}
print(json.dumps({
    "event": event.pk, "event_url": event.url, "today": today.isoformat(),
    "tomorrow": (today + dt.timedelta(days=1)).isoformat(), "gates": gates, "codes": codes,
    "tokens": tokens, "static_path": static("css/site.css"), "answers": answers,
}))
"""

FAULTS = [
    "kill -9 app server 1",
    "restart Redis",
    "pg_terminate_backend",
    "kill worker mid-job",
    "pause PgBouncer",
]


def shell(topology: Topology, script: str, **params) -> dict:
    prelude = "".join(f"{name} = {value!r}\n" for name, value in params.items())
    out = topology.manage("shell", "-c", prelude + script)
    return json.loads(out.strip().splitlines()[-1])


class Faults:
    """Each fault at a known time; a window runs from the fault until the system answers again."""

    def __init__(self, topology: Topology, record: load.Record):
        self.topology, self.record = topology, record
        self.windows: list[tuple[str, float, float]] = []
        self.notes: list[str] = []
        self.current = ""

    def run(self, name: str) -> None:
        top = self.topology
        start = self.record.now()
        note = ""
        self.current = name
        if name == "kill -9 app server 1":
            top.kill9("app1")
            time.sleep(2)  # the machine is down for a moment
            note = f"back in {top.start_app(0):.1f}s after restart"
        elif name == "restart Redis":
            top.restart_redis()
        elif name == "pg_terminate_backend":
            killed = psql(
                f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()"
            )
            note = f"{killed} connections terminated"
            wait_for(lambda: healthy(8161) and healthy(8162), "app servers after pg_terminate_backend", 30)
        elif name == "kill worker mid-job":
            busy = self._wait_worker_busy()
            top.kill9("worker")
            time.sleep(1)
            top.start_worker()
            note = "killed while running a job" if busy else "no job was running within 60s (killed anyway)"
        elif name == "pause PgBouncer":
            top.pgbouncer_admin("PAUSE")
            time.sleep(4)
            top.pgbouncer_admin("RESUME")
        self.current = ""
        end = self.record.now()
        self.windows.append((name, start, end))
        self.notes.append(note)
        print(f"  fault at {start:6.1f}s: {name} ({end - start:.1f}s) {note}", flush=True)

    def _wait_worker_busy(self) -> bool:
        """Until a job is running (in RQ's started registry): an email takes a fraction of a
        second, so the registry is watched closely, on one connection."""
        import redis

        client = redis.Redis(port=REDIS_PORT, db=REDIS_DB)
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                if client.zcard("rq:wip:default"):
                    return True
                time.sleep(0.002)
        finally:
            client.close()
        return False


def supervise_worker(topology: Topology, faults: Faults, stop: threading.Event, restarts: list) -> None:
    """Restart the worker when it exits on its own, as systemd's Restart=always does (RQ's worker
    quits when Redis goes away under it)."""
    while not stop.wait(1):
        proc = topology.procs["worker"]
        if proc.poll() is not None and faults.current != "kill worker mid-job":
            time.sleep(2)  # RestartSec=2
            if faults.current == "kill worker mid-job":
                continue
            topology.start_worker()
            restarts.append(f"worker exited with code {proc.returncode}; restarted after 2 s")
            print(f"  supervisor: {restarts[-1]}", flush=True)


def pending_emails_timer(topology: Topology, stop: threading.Event, every: float) -> None:
    """What bookday-send-pending-emails.timer does in production, faster."""
    while not stop.wait(every):
        try:
            # Never-tried emails count as lost after 90 s here (10 minutes in production): the
            # rehearsal's one worker falls minutes behind a rush, and a job queued twice is only
            # skipped, never sent twice, so a shorter wait costs little.
            topology.manage("send_pending_emails", "--older-than", "90", direct=False, timeout=60)
        except Exception as error:  # noqa: BLE001 - a fault window may make it fail; the next run retries
            print(f"  send_pending_emails failed: {str(error)[-200:]}", flush=True)


def _alive(topology: Topology, worker: str, within: float = 60) -> bool:
    """Whether the RQ worker sent a heartbeat in the last ``within`` seconds."""
    beat = topology.redis_cli("HGET", worker, "last_heartbeat")
    try:
        at = dt.datetime.fromisoformat(beat.replace("Z", "+00:00"))
    except ValueError:
        return True  # unknown: counted, as before
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return (dt.datetime.now(dt.UTC) - at).total_seconds() < within


def drain_queue(topology: Topology, timeout: float = 900) -> None:
    """Wait until the worker has nothing queued, running or scheduled."""
    deadline, said = time.monotonic() + timeout, 0.0
    while time.monotonic() < deadline:
        queued = topology.redis_cli("LLEN", "rq:queue:default")
        # Busy workers, not RQ's started registry: a job whose worker was killed stays there
        # until RQ's next clean-up, minutes later.
        # A worker killed mid-job stays "busy" until its key expires (minutes): only a worker that
        # still sends heartbeats counts.
        workers = [w for w in topology.redis_cli("SMEMBERS", "rq:workers").split() if _alive(topology, w)]
        states = [topology.redis_cli("HGET", worker, "state") for worker in workers]
        running = str(states.count("busy"))
        scheduled = topology.redis_cli("ZCARD", "rq:scheduled:default")
        if queued in ("0", "") and running in ("0", "") and scheduled in ("0", ""):
            return
        if time.monotonic() - said > 30:
            print(f"    queue: {queued} waiting, {running} running, {scheduled} scheduled", flush=True)
            said = time.monotonic()
        time.sleep(1)
    print("    the queue did not drain in time", flush=True)


def backup_and_restore(topology: Topology) -> tuple[bool, str]:
    """pg_dump -Fc, restore into a new database, compare the row counts of the main tables."""
    dump = topology.workdir / "bookday.dump"
    target = f"{DATABASE}_restore"
    started = time.monotonic()
    subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-f", str(dump), DATABASE],
        check=True,
        timeout=600,
    )
    psql(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
    psql(f"CREATE DATABASE {target}")
    subprocess.run(
        ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", "-d", target, str(dump)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    tables = [
        "events_registration",
        "events_pass",
        "events_checkin",
        "events_walkin",
        "publishers_stocklisting",
        "publishers_title",
        "wagtailcore_page",
    ]
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    before, after = psql(query, database=DATABASE), psql(query, database=target)
    psql(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
    size = dump.stat().st_size / 1e6
    counts = ", ".join(line.replace("|", " ") for line in before.splitlines()[:4])
    return (
        before == after,
        f"dump {size:.1f} MB, restored in {time.monotonic() - started:.0f}s; same counts: {counts}, ...",
    )


def latency_table(answers: list[dict]) -> list[str]:
    kinds = sorted({a["kind"] for a in answers})
    lines = [
        "| request | answers | p50 ms | p95 ms | p99 ms | 5xx / none |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        rows = [a for a in answers if a["kind"] == kind]
        ok = [(a["end"] - a["start"]) * 1000 for a in rows if 0 < a["status"] < 500]
        p50, p95, p99 = checks.percentiles(ok)
        bad = sum(1 for a in rows if a["status"] == 0 or a["status"] >= 500)
        lines.append(f"| {kind} | {len(rows)} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {bad} |")
    return lines


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {memory} GB RAM, {platform.platform()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="about two minutes, every fault once")
    parser.add_argument("--report", default=str(ROOT / "docs" / "rehearsal.md"))
    args = parser.parse_args()
    seconds = 110 if args.short else int(os.environ.get("REHEARSAL_SECONDS", "600"))
    cycles = 1 if seconds < 400 else 2

    # nginx and PgBouncer live in /usr/sbin, which an ordinary user's PATH may lack.
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = {
        "nginx": "nginx",
        "pgbouncer": "pgbouncer",
        "redis-server": "redis-server",
        "openssl": "openssl",
        "pg_dump": "postgresql-client",
        "psql": "postgresql-client",
    }
    missing = sorted({package for command, package in missing.items() if not shutil.which(command)})
    if missing:
        print(f"The rehearsal needs: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    try:
        psql("SELECT 1")
    except (RuntimeError, OSError) as error:
        print(f"PostgreSQL at 127.0.0.1:5432 (user postgres) is needed: {error}", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="bookday-rehearsal-"))
    workdir.chmod(0o755)  # nginx's workers (nobody) read the certificate's folder's neighbours
    topology = Topology(workdir)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        print(f"Rehearsal: {seconds}s of load, work directory {workdir}", flush=True)
        topology.start_redis()
        print("  seeding the demo fair (migrate, collectstatic, seed_demo) ...", flush=True)
        topology.create_database()
        (workdir / "nginx").chmod(0o777)
        topology.start_pgbouncer()
        for index in (0, 1):
            topology.start_app(index)
        topology.start_worker()
        topology.start_nginx()
        setup = shell(topology, SETUP)
        setup["drain_until"] = seconds + 60
        setup["ca"] = str(workdir / "tls" / "cert.pem")
        print(
            f"  topology up: nginx https://127.0.0.1:{HTTPS_PORT}/, app servers 8161 8162, "
            f"PgBouncer {PGBOUNCER_PORT}, Redis 8171, one worker; {len(setup['codes'])} passes for today",
            flush=True,
        )
        memory_start = topology.app_memory_kb()

        record = load.Record()
        stop = threading.Event()
        fair = load.Fair(f"https://127.0.0.1:{HTTPS_PORT}", setup, record, stop)
        actors = load.start_actors(fair, setup["tokens"])
        timer_stop = threading.Event()
        timer = threading.Thread(target=pending_emails_timer, args=(topology, timer_stop, 30), daemon=True)
        timer.start()

        faults = Faults(topology, record)
        restarts: list[str] = []
        watch_stop = threading.Event()
        supervisor = threading.Thread(
            target=supervise_worker, args=(topology, faults, watch_stop, restarts), daemon=True
        )
        supervisor.start()
        plan = []
        for cycle in range(cycles):
            for n, name in enumerate(FAULTS):
                plan.append(((cycle + (n + 1) / (len(FAULTS) + 1.5)) * seconds / cycles, name))
        importer_at = 0.38 * seconds
        importer = None
        for at, name in sorted(plan):
            if importer is None and at > importer_at:
                time.sleep(max(0.0, importer_at - record.now()))
                importer = threading.Thread(target=fair.stock_import, daemon=True)
                importer.start()
            time.sleep(max(0.0, at - record.now()))
            faults.run(name)
        time.sleep(max(0.0, seconds - record.now()))
        stop.set()
        print(f"  load stopped at {record.now():.0f}s; draining the queue", flush=True)
        for actor in [*actors, importer]:
            if actor is not None:
                actor.join(timeout=90)
        timer_stop.set()
        print("  clients stopped; waiting for the worker", flush=True)
        drain_queue(topology)
        topology.manage("send_pending_emails", "--older-than", "5", direct=False, timeout=120)  # the last run
        drain_queue(topology)
        watch_stop.set()
        print("  checking the invariants", flush=True)
        memory_end = topology.app_memory_kb()

        recorded = load.encode(record)
        record_path = workdir / "record.json"
        record_path.write_text(json.dumps(recorded))
        facts = shell(topology, checks.DATABASE_CHECKS, RECORD_PATH=str(record_path))
        answers = [a.__dict__ for a in record.answers]
        (workdir / "answers.json").write_text(json.dumps(answers))
        mails = checks.mails_per_address(workdir / "mail")
        rows = checks.invariants(facts, recorded, answers, faults.windows, mails)
        print("  the scanner in Chromium over HTTPS", flush=True)
        rows.append(
            (
                "the scanner over HTTPS in Chromium: service worker, installable, works offline",
                *browser.scanner_over_https(
                    fair.base,
                    workdir / "tls" / "cert.pem",
                    setup["codes"][-1],
                    ROOT / "bench" / "out" / "shots",
                ),
            )
        )
        print("  backup and restore", flush=True)
        restored, evidence = backup_and_restore(topology)
        rows.append(("a backup restores into a new database with the same counts", restored, evidence))
        passed = all(ok for _name, ok, _evidence in rows)

        report = [
            "# Production rehearsal",
            "",
            f"Last run: {dt.datetime.now(dt.timezone(dt.timedelta(hours=7))):%d/%m/%Y %H:%M} (Hanoi), "
            f"{seconds}s of load, `make {'rehearsal-short' if args.short else 'rehearsal'}`, on {machine()}.",
            "Topology: nginx (TLS, HTTP/2) → 2 gunicorn app servers (each "
            f"{topology.env['GUNICORN_WORKERS']} workers × {topology.env['GUNICORN_THREADS']} threads) → "
            "PgBouncer (transaction pooling) → PostgreSQL; Redis (cache and queue); one RQ worker. "
            "How to run it and what it does: docs/operations.md.",
            "",
            f"**Result: {'every invariant holds' if passed else 'FAILED'}.**",
            "",
            "| invariant | holds | evidence |",
            "|---|---|---|",
            *[f"| {name} | {'yes' if ok else '**NO**'} | {evidence} |" for name, ok, evidence in rows],
            "",
            "## Faults",
            "",
            "A window runs from the fault until the system answered again; requests overlapping it may",
            "fail (and are retried by their clients), none outside it may.",
            "",
            "| at | fault | window | note |",
            "|---:|---|---:|---|",
            *[
                f"| {start:.0f}s | {name} | {end - start:.1f}s | {note} |"
                for (name, start, end), note in zip(faults.windows, faults.notes, strict=True)
            ],
            "",
            "Restarts by the supervisor (what systemd's `Restart=` does in production): "
            + ("; ".join(restarts) if restarts else "none")
            + ".",
            "",
            "## Answers per kind of request (through nginx, retries included)",
            "",
            *latency_table(answers),
            "",
            f"Throughput: {len(answers) / seconds:.0f} requests/s overall, "
            f"{sum(1 for a in answers if a['kind'] == 'checkin') / seconds:.1f} online scans/s, "
            f"{sum(1 for a in answers if a['kind'] == 'register') / seconds:.1f} registrations/s; "
            f"emails sent: {sum(mails.values())}.",
            "",
            "## App server memory (resident, master and workers)",
            "",
            "| server | start | end |",
            "|---|---:|---:|",
            *[
                f"| {name} | {memory_start[name] / 1024:.0f} MB | {memory_end[name] / 1024:.0f} MB |"
                for name in memory_start
            ],
            "",
            "app1 was killed and restarted during the run: its end figure is the new process's.",
            "",
        ]
        text = "\n".join(report)
        print("\n" + text)
        Path(args.report).write_text(text)
        return 0 if passed else 1
    except KeyboardInterrupt:
        print("Interrupted: stopping everything.", file=sys.stderr)
        return 130
    finally:
        topology.stop()
        psql(f"DROP DATABASE IF EXISTS {DATABASE}_restore WITH (FORCE)")
        print(f"Stopped every process. Logs: {workdir / 'logs'}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
