"""Settings for the test suite: fast hashing, mail kept in memory, tasks run at once."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnop"
ALTCHA_HMAC_KEY = ALTCHA_HMAC_KEY or altcha_key(SECRET_KEY)  # noqa: F405
# Small puzzles: view tests solve them in Python (tests/altcha.py), browsers in a blink.
ALTCHA_MAX_NUMBER = 1_000
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BASE_URL = env("BASE_URL", default="http://testserver").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/bookday-test-media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default="/tmp/bookday-test-private")
PAGE_CACHE_SECONDS = 0  # tests see every change at once; tests/test_page_cache.py turns it on
MESSAGING_CHANNEL = "bookday.channels.EmailChannel"  # into mail.outbox
