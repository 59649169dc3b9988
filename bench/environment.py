"""A throwaway Bookday site for benchmarks: its own database, static files and media.

Nothing here touches the developer's database or media folder: every run gets a fresh
temporary directory and, for PostgreSQL, a dedicated database that is recreated each time.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "bookday_bench"


@dataclass
class Site:
    env: dict[str, str]  # environment for every Django process of this site (manage.py, gunicorn)
    database: str  # human-readable, for the report
    workdir: Path

    def manage(self, *args: str) -> str:
        """Run manage.py against this site; fail loudly with its output if it fails."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def run_script(self, script: str, params: object = None) -> dict:
        """Run Python in `manage.py shell` with PARAMS (a JSON string) set; return the JSON it
        printed on its last line."""
        out = self.manage("shell", "-c", f"PARAMS = {json.dumps(params)!r}\n{script}")
        return json.loads(out.strip().splitlines()[-1])


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure just means "use SQLite"
        return False


def _recreate_postgres_database(name: str = PG_DATABASE) -> str:
    """Drop and create the benchmark database; return the server version for the report."""
    import psycopg

    # CREATE/DROP DATABASE cannot run inside a transaction, hence autocommit.
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version.split()[0]}"


def choose_database(requested: str) -> str:
    """'auto' means PostgreSQL when it answers, otherwise SQLite."""
    if requested != "auto":
        return requested
    return "postgres" if postgres_reachable() else "sqlite"


@contextmanager
def prepared_site(db: str, pg_database: str = PG_DATABASE) -> Iterator[Site]:
    """Migrate, collect static files and seed the demo into a fresh database.

    `pg_database` names the PostgreSQL database (dropped and recreated): a benchmark with its
    own name cannot drop the database under another benchmark running at the same time.
    """
    workdir = Path(tempfile.mkdtemp(prefix="bookday-bench-"))
    try:
        if db == "postgres":
            label = _recreate_postgres_database(pg_database)
            database_url = f"{PG_SERVER}/{pg_database}"
        else:
            label = f"SQLite {sqlite3.sqlite_version}"
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"  # absolute path: 4 slashes

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters, fresh every run
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BASE_URL": "http://127.0.0.1",
            "DEBUG": "false",
            # No TLS proxy in front of the benchmark server; everything else stays production.
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            # Empty on purpose: locmem cache, so a REDIS_URL in the shell or .env cannot
            # silently change what is measured.
            "REDIS_URL": "",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
        }
        site = Site(env=env, database=label, workdir=workdir)
        site.manage("migrate", "--noinput")
        # Production storage is whitenoise's manifest storage: {% static %} needs the manifest.
        site.manage("collectstatic", "--noinput")
        site.manage("seed_demo", "--allow-production")
        yield site
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
