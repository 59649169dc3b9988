"""Settings come from the environment; production refuses to start unsafely."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k8#Qz2!vW9@pL5$mN3^bR7&tY1*xC4(hJ6)sD0_fG8+aE2-uI5=oP9"


def run(code: str, module: str, **env) -> subprocess.CompletedProcess:
    """Import ``module`` as the settings in a fresh interpreter and run ``code``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "BASE_URL"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


READ = """
import json
from django.conf import settings
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"], "db_name": settings.DATABASES["default"]["NAME"],
    "db_host": settings.DATABASES["default"].get("HOST"),
    "cache": settings.CACHES["default"]["BACKEND"], "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS, "base_url": settings.BASE_URL,
    "tz": settings.TIME_ZONE, "lang": settings.LANGUAGE_CODE,
}))
"""


def read(module: str, **env) -> dict:
    result = run(READ, module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_an_embedded_sqlite_site():
    values = read("bookday.settings.dev")
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["debug"] is True
    assert values["tz"] == "Asia/Ho_Chi_Minh" and values["lang"] == "vi"


def test_everything_is_read_from_the_environment():
    values = read(
        "bookday.settings.dev",
        DATABASE_URL="postgres://bookday:secret@db.internal:5432/bookday",
        REDIS_URL="redis://127.0.0.1:6379/2",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.vn:587",
        DEBUG="false",
        ALLOWED_HOSTS="ngaysach.example.vn,www.ngaysach.example.vn",
        BASE_URL="https://ngaysach.example.vn/",
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert (values["db_name"], values["db_host"]) == ("bookday", "db.internal")
    assert values["cache"] == "bookday.cache.RedisCache"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["debug"] is False
    assert values["hosts"] == ["ngaysach.example.vn", "www.ngaysach.example.vn"]
    assert values["base_url"] == "https://ngaysach.example.vn"


@pytest.mark.parametrize("key", ["", "short", "django-insecure-" + "x" * 60, "a" * 60])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    result = run(
        "import django; django.setup()",
        "bookday.settings.production",
        SECRET_KEY=key,
        ALLOWED_HOSTS="ngaysach.example.vn",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def deploy_check(**settings):
    unsafe = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "PROXY_COUNT"}
    env = {k: v for k, v in os.environ.items() if k not in unsafe}
    env.update(
        DJANGO_SETTINGS_MODULE="bookday.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="ngaysach.example.vn",
        BASE_URL="https://ngaysach.example.vn",
        **settings,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deployment_checklist():
    result = deploy_check(PROXY_COUNT="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checklist_fails_behind_a_proxy_without_proxy_count():
    # Every visitor would share the proxy's address, and so one rate-limit counter.
    result = deploy_check()
    assert result.returncode != 0
    assert "bookday.E001" in result.stderr + result.stdout
