"""The production topology on one machine: nginx (TLS), two gunicorn app servers, PgBouncer,
Redis, one RQ worker, over the rehearsal's own PostgreSQL database.

Every process is started here with its own log under the work directory and stopped by
`Topology.stop()` (the runner calls it in `finally` and on SIGINT/SIGTERM). PostgreSQL itself is
the machine's shared server: only the rehearsal's databases are created, dropped or have their
connections terminated. The Redis and PgBouncer are the rehearsal's own, so restarting or pausing
them touches nothing else.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = os.environ.get("REHEARSAL_DATABASE", "bookday_rehearsal")
HTTP_PORT, HTTPS_PORT = 8160, 8443
APP_PORTS = (8161, 8162)
PGBOUNCER_PORT = 8163
REDIS_PORT = 8171
REDIS_DB = 9
# Collected static files survive between runs (collectstatic then only checks them).
STATIC_CACHE = ROOT / "bench" / "out" / "rehearsal-static"


def psql(sql: str, database: str = "postgres", port: int = 5432, user: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", database, "-XAtqc", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql failed: {sql}\n{done.stderr}")
    return done.stdout.strip()


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(check, what: str, timeout: float = 60.0) -> float:
    """Poll `check()` until true; return how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready within {timeout:.0f}s")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, AttributeError):
            continue
        todo.extend(int(child) for child in children)
    return total


@dataclass
class Topology:
    workdir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    direct_env: dict[str, str] = field(default_factory=dict)

    # --- set-up ---------------------------------------------------------------------------
    def __post_init__(self):
        for name in ("logs", "mail", "media", "private_media", "tls", "nginx", "pgbouncer"):
            (self.workdir / name).mkdir(parents=True, exist_ok=True)
        STATIC_CACHE.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bookday.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BASE_URL": f"https://127.0.0.1:{HTTPS_PORT}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PGBOUNCER_PORT}/{DATABASE}",
            "DATABASE_TRANSACTION_POOLING": "true",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}",
            "TASK_QUEUE": "redis",
            "PROXY_COUNT": "1",
            # Every email lands in a file: the checks count what was really sent, per address.
            "EMAIL_URL": f"filemail:///{self.workdir / 'mail'}",  # path after the third slash
            "STATIC_ROOT": str(STATIC_CACHE),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.workdir / "private_media"),
            # A small proof-of-work puzzle: the load generator solves one per registration.
            "ALTCHA_MAX_NUMBER": "2000",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": os.environ.get("REHEARSAL_GUNICORN_WORKERS", "2"),
            "GUNICORN_THREADS": os.environ.get("REHEARSAL_GUNICORN_THREADS", "4"),
            "PYTHONUNBUFFERED": "1",
        }
        # Set-up and the checks talk to PostgreSQL directly, as an operator's psql would.
        self.direct_env = {
            **self.env,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "DATABASE_TRANSACTION_POOLING": "false",
        }

    def _start(self, name: str, command: list[str], env=None) -> subprocess.Popen:
        log = open(self.workdir / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def manage(self, *args: str, direct: bool = True, timeout: float = 900) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.direct_env if direct else self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def create_database(self) -> None:
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {DATABASE}")
        self.manage("migrate", "--noinput", "-v0")
        if self._static_stale():
            self.manage("collectstatic", "--noinput", "-v0")
        self.manage("seed_demo", "--allow-production")

    def _static_stale(self) -> bool:
        """Collecting and compressing takes a minute: only when a static file changed since."""
        manifest = STATIC_CACHE / "staticfiles.json"
        if not manifest.exists():
            return True
        collected = manifest.stat().st_mtime
        sources = [
            p for app in ("bookday", "home", "events", "publishers") for p in (ROOT / app).glob("static/**/*")
        ]
        return any(p.stat().st_mtime > collected for p in sources if p.is_file())

    # --- the services -----------------------------------------------------------------------
    def start_redis(self) -> None:
        self._start(
            "redis",
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        wait_for(lambda: port_open(REDIS_PORT), "Redis")

    def redis_cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "-n", str(REDIS_DB), *args], capture_output=True, text=True
        )
        return done.stdout.strip()

    def start_pgbouncer(self) -> None:
        """deploy/pgbouncer/pgbouncer.ini with the rehearsal's port, database and files."""
        config = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text()
        folder = self.workdir / "pgbouncer"
        replace = {
            r"^bookday = .*$": f"{DATABASE} = host=127.0.0.1 port=5432 dbname={DATABASE}",
            r"^listen_port = .*$": f"listen_port = {PGBOUNCER_PORT}",
            r"^unix_socket_dir = .*$": f"unix_socket_dir = {folder}",
            r"^auth_type = .*$": "auth_type = trust",  # PostgreSQL here trusts loopback too
            r"^auth_file = .*$": f"auth_file = {folder / 'userlist.txt'}",
            r"^admin_users = .*$": "admin_users = postgres",
            r"^stats_users = .*$": "stats_users = postgres",
            r"^logfile = .*$": f"logfile = {folder / 'pgbouncer.log'}",
            r"^pidfile = .*$": f"pidfile = {folder / 'pgbouncer.pid'}",
        }
        for pattern, value in replace.items():
            config, count = re.subn(pattern, value, config, flags=re.M)
            assert count == 1, pattern
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(config)
        command = ["pgbouncer", str(folder / "pgbouncer.ini")]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root: as PostgreSQL's user, then
            shutil.chown(folder, "postgres")
            command[1:1] = ["-u", "postgres"]
        self._start("pgbouncer", command)
        wait_for(lambda: port_open(PGBOUNCER_PORT), "PgBouncer")

    def pgbouncer_admin(self, command: str) -> str:
        return psql(command, database="pgbouncer", port=PGBOUNCER_PORT)

    def start_app(self, index: int) -> float:
        """App server `index` (0 or 1) on its port; returns the seconds until /healthz answered."""
        port = APP_PORTS[index]
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "deploy/gunicorn.conf.py",
            "bookday.wsgi:application",
        ]
        self._start(f"app{index + 1}", command, env=env)
        return wait_for(lambda: healthy(port), f"app server {index + 1}")

    def start_worker(self) -> None:
        # As deploy/systemd/bookday-worker.service starts it.
        command = [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler"]
        self._start("worker", [*command, "--worker-class", "rq.worker.SimpleWorker", "--max-jobs", "5000"])
        time.sleep(1.5)

    def start_nginx(self) -> None:
        """deploy/nginx/bookday.conf with loopback ports, a self-signed certificate made now and
        the rehearsal's folders; nginx runs as this user with its own prefix."""
        tls, folder = self.workdir / "tls", self.workdir / "nginx"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(tls / "key.pem"),
                "-out",
                str(tls / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        site = (DEPLOY / "nginx" / "bookday.conf").read_text()
        replace = [
            ("server 127.0.0.1:8001", f"server 127.0.0.1:{APP_PORTS[0]}"),
            ("server 127.0.0.1:8002", f"server 127.0.0.1:{APP_PORTS[1]}"),
            ("listen 80;", f"listen 127.0.0.1:{HTTP_PORT};"),
            ("listen [::]:80;\n", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;"),
            ("listen [::]:443 ssl http2;\n", ""),
            ("/etc/letsencrypt/live/ngaysach.example.vn/fullchain.pem", str(tls / "cert.pem")),
            ("/etc/letsencrypt/live/ngaysach.example.vn/privkey.pem", str(tls / "key.pem")),
            ("/srv/bookday/static/", f"{STATIC_CACHE}/"),
            ("/srv/bookday/media/", f"{self.workdir / 'media'}/"),
            ("/etc/nginx/bookday_proxy.conf", str(DEPLOY / "nginx" / "bookday_proxy.conf")),
            ("server_name ngaysach.example.vn;", "server_name 127.0.0.1 localhost;"),
            ("https://$host$request_uri", f"https://$host:{HTTPS_PORT}$request_uri"),
        ]
        for old, new in replace:
            assert old in site, old
            site = site.replace(old, new)
        (folder / "bookday.conf").write_text(site)
        logs = self.workdir / "logs"
        (folder / "nginx.conf").write_text(
            f"""worker_processes 2;
pid {folder / "nginx.pid"};
error_log {logs / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {logs / "nginx-access.log"};
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    include {folder / "bookday.conf"};
}}
"""
        )
        self._start(
            "nginx", ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
        )
        wait_for(lambda: port_open(HTTPS_PORT), "nginx")

    # --- faults -------------------------------------------------------------------------------
    def kill9(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)  # the master and every worker: the machine "lost" it
        proc.wait()

    def restart_redis(self) -> None:
        proc = self.procs["redis"]
        proc.terminate()
        proc.wait(timeout=20)
        self.start_redis()

    def app_memory_kb(self) -> dict[str, int]:
        return {f"app{i + 1}": rss_kb(self.procs[f"app{i + 1}"].pid) for i in range(len(APP_PORTS))}

    # --- tear-down ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop everything started here (each by its own process group), whatever state it is in."""
        for name, proc in reversed(list(self.procs.items())):
            if proc.poll() is not None:
                continue
            try:
                if name == "pgbouncer":  # a paused PgBouncer still stops on SIGTERM; be sure
                    os.killpg(proc.pid, signal.SIGINT)
                else:
                    os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
