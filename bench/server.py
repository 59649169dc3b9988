"""Start and stop gunicorn serving the project's real WSGI application."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.environment import ROOT, Site

HOST = "127.0.0.1"  # benchmarks only ever talk to this machine


@dataclass
class Server:
    pid: int  # the gunicorn master; its children are the workers
    port: int
    workers: int
    threads: int

    @property
    def description(self) -> str:
        kind = "sync" if self.threads == 1 else "gthread"  # gunicorn picks gthread when threads > 1
        threads = f"{self.threads} thread{'s' if self.threads > 1 else ''}"
        return f"gunicorn {self.workers} workers × {threads} ({kind} worker), bound to {HOST}"


PORTS = range(8700, 8800)  # the benchmarks' own ports, so they never take another server's


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue  # taken (another benchmark, or one still in TIME_WAIT)
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _wait_ready(proc: subprocess.Popen, port: int, timeout: float = 60.0, max_attempts: int = 600) -> None:
    """Poll /healthz until it answers 200: it also proves the database is reachable."""
    deadline = time.monotonic() + timeout
    for _ in range(max_attempts):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited early with code {proc.returncode}")
        if time.monotonic() > deadline:
            break
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f}s")


@contextmanager
def gunicorn(site: Site, *, workers: int, threads: int) -> Iterator[Server]:
    """Run gunicorn for the duration of the block; it is always stopped, even on error."""
    port = free_port()
    log_path = site.workdir / "gunicorn.log"
    options = f"--bind {HOST}:{port} --workers {workers} --threads {threads} --graceful-timeout 10"
    # The project's real WSGI entry point; DJANGO_SETTINGS_MODULE=bench.settings comes from the env.
    app = "bookday.wsgi:application"
    command = [sys.executable, "-m", "gunicorn", *options.split(), "--chdir", str(ROOT), app]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=site.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(proc, port)
            yield Server(pid=proc.pid, port=port, workers=workers, threads=threads)
        except BaseException:
            log.flush()
            tail = log_path.read_text(errors="replace")[-4000:]
            print(f"--- gunicorn log (last 4000 characters) ---\n{tail}", file=sys.stderr)
            raise
        finally:
            proc.terminate()  # SIGTERM: graceful shutdown of master and workers
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def post_json(server: Server, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    """One POST outside the load generator (set-up and checks): (status, the JSON answer)."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()
    try:
        return response.status, json.loads(text)
    except ValueError:
        return response.status, {"raw": text[:1000]}
