"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file next to manage.py is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Public address of the site: used in QR codes, emails and calendar files, where the
# request that triggers the work may come from a worker or a proxy with another host name.
BASE_URL = env("BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[BASE_URL])
# How many reverse proxies in front of the app servers append to X-Forwarded-For (for rate limits).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Spam protection for the public forms: generous per network address (a school or a mobile
# carrier's NAT shares one), strict per email address.
RATE_LIMIT_PER_IP = env.int("RATE_LIMIT_PER_IP", default=60)  # per minute
RATE_LIMIT_PER_EMAIL = env.int("RATE_LIMIT_PER_EMAIL", default=5)  # per hour
# The proof-of-work check on public forms (bookday/altcha.py): the puzzle's size, a few hundred
# milliseconds on a cheap phone at 100,000; and the key that signs challenges (derived from
# SECRET_KEY by each settings module unless given).
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=100_000)
ALTCHA_HMAC_KEY = env("ALTCHA_HMAC_KEY", default="")
# django-altcha's widget names its own script's static path on every form it renders, whether the
# template uses it or not; that package is not an installed app (our widget loads the vendored
# build), so its default path is not collected and production's manifest storage fails the page
# (found by `make rehearsal`: the registration form and "find my pass" answered 500). Our files.
ALTCHA_JS_URL = "vendor/altcha/altcha.js"
ALTCHA_JS_TRANSLATIONS_URL = "vendor/altcha/altcha.js"  # the widget's texts come from widget_strings()


def altcha_key(secret_key: str) -> str:
    """A key of its own for ALTCHA, so a leaked challenge signature says nothing about SECRET_KEY."""
    import hashlib
    import hmac

    return hmac.new(secret_key.encode(), b"bookday.altcha", hashlib.sha256).hexdigest()


INSTALLED_APPS = [
    "home",
    "events",
    "publishers",
    "figures",
    "privacy",
    "floor",
    "messaging",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "home.apps.StaffUsersConfig",  # wagtail.users, within what the editing user may grant
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v3",  # API tokens for gate phones, managed under Settings
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "csp",
    "ninja",  # serves the API docs from local static files, not a CDN
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",  # login throttling: the admin, the scanner and the publishers' portal alike
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so a cached page gets the header too.
    "bookday.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bookday.middleware.LocaleMiddleware",
    "bookday.middleware.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: answers a locked-out login
]

# Content-Security-Policy (django-csp). Public pages run only the site's own static files: no
# inline script or style, no third party. Data blocks (<script type="application/json"> and
# "application/ld+json") are not scripts and need nothing. The scanner's decode worker and
# service worker are served from this site; blob: lets the self-hosted ALTCHA widget start its
# proof-of-work Web Worker, which it builds from a blob: URL. The scanner page's import map is an
# inline script: the view adds its hash (events.scanner_views). The Wagtail admin and the API
# docs get ADMIN_CONTENT_SECURITY_POLICY (bookday.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# The Wagtail admin (and Swagger UI) set styles inline, in attributes and in <style> elements
# they create at run time; editors preview uploaded images and documents, which may be served
# from MEDIA_URL or a blob: while uploading. Scripts stay 'self' only: what Wagtail writes as
# inline <script> (choosers, date pickers, inline panels) is written as JSON data instead
# (home.admin_csp, home/templates/wagtailadmin/) and run by home/static/bookday/admin-init.js.
# The page preview is framed by the admin itself.
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}

# Every sign-in goes through django.contrib.auth.authenticate(), so one throttle covers the
# Wagtail admin, the gate staff's scanner login and the publishers' portal: after
# LOGIN_FAILURE_LIMIT wrong passwords for one account from one address, that pair is locked for
# LOGIN_LOCKOUT_MINUTES (organisers unlock it sooner under Settings → Locked sign-ins).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "bookday.ratelimit.client_ip"  # PROXY_COUNT-aware, as the rate limits
AXES_LOCKOUT_CALLABLE = "bookday.views.locked_out"
AXES_USERNAME_CALLABLE = "bookday.views.login_username"

ROOT_URLCONF = "bookday.urls"
WSGI_APPLICATION = "bookday.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction pooling mode (deploy/pgbouncer/) consecutive transactions of one
# Django connection may run on different server connections: no server-side cursors (a named
# cursor of `.iterator()` would outlive its transaction) and no prepared statements (psycopg
# prepares a query after 5 runs on a server-binding cursor; PgBouncer 1.18 cannot route them).
if env.bool("DATABASE_TRANSACTION_POOLING", default=False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# The figures' covering indexes (INCLUDE columns) are a PostgreSQL speed-up; SQLite keeps their
# key columns, which is all the embedded default needs, so its warning about it is noise.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "bookday.cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bookday",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous visitors get public pages from the cache for at most this long (0 turns it off);
# publishing a page clears it at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Gate tokens, events and gates are remembered per process for at most this long on the
# check-in and registration hot paths; a change is seen at once where the cache is shared
# (Redis), within this many seconds by other processes otherwise (bookday.hotcache).
HOT_CACHE_SECONDS = env.int("HOT_CACHE_SECONDS", default=5)

# Background work (emails with PDF passes): in-process by default; with a queue, outside the
# request, run by `manage.py rqworker default` (Redis) or `manage.py db_worker` (database).
TASK_QUEUE = env("TASK_QUEUE", default="redis" if REDIS_URL else "immediate")
if TASK_QUEUE == "redis":
    INSTALLED_APPS += ["django_rq"]
    import redis

    # Given a URL, django-rq opens a new Redis connection for every job it enqueues (~2 ms of
    # each registration). With REDIS_URL the queue reuses the cache's client (bookday.cache);
    # otherwise it gets one connection pool per process.
    _queue_pool = redis.ConnectionPool.from_url(REDIS_URL or "redis://127.0.0.1:6379/0")
    RQ_QUEUES = {
        "default": {"USE_REDIS_CACHE": "default"}
        if REDIS_URL
        else {
            "HOST": _queue_pool.connection_kwargs.get("host", ""),
            "PORT": _queue_pool.connection_kwargs.get("port", 6379),
            "DB": _queue_pool.connection_kwargs.get("db", 0),
            "REDIS_CLIENT_KWARGS": {"connection_pool": _queue_pool},
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # The worker must run jobs as django-tasks tasks: plain `rqworker default` otherwise fails
    # every job with "'Task' object is not callable".
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
elif TASK_QUEUE == "database":
    INSTALLED_APPS += ["django_tasks_db"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Bookday <no-reply@bookday.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Pass emails, reminders and announcements go through one channel (bookday.channels): email, or the console
# in development; an SMS or Zalo provider would be another class named here.
MESSAGING_CHANNEL = env("MESSAGING_CHANNEL", default="bookday.channels.EmailChannel")
# Announcements are sent in the background at most this many messages a minute (a mail provider's
# limit), each recipient tried at most ANNOUNCEMENT_MAX_ATTEMPTS times.
ANNOUNCEMENT_RATE_PER_MINUTE = env.int("ANNOUNCEMENT_RATE_PER_MINUTE", default=60)
ANNOUNCEMENT_MAX_ATTEMPTS = env.int("ANNOUNCEMENT_MAX_ATTEMPTS", default=3)

# --- Language, time, formats ------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The project's own strings, then Vietnamese for the Wagtail admin strings that Wagtail's
# catalogue leaves untranslated (the first path is where `make messages` writes).
LOCALE_PATHS = [BASE_DIR / "bookday" / "locale", BASE_DIR / "bookday" / "locale_admin"]
FORMAT_MODULE_PATH = ["bookday.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploaded stock spreadsheets: never under MEDIA_ROOT, which the web server may serve.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
# Spreadsheet import from the publisher portal; bigger files go through `manage.py import_stock`.
STOCK_IMPORT_MAX_BYTES = env.int("STOCK_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
STOCK_IMPORT_MAX_ROWS = env.int("STOCK_IMPORT_MAX_ROWS", default=20_000)
# Uploads are read by the task worker. A publisher may upload this many files per window (seconds),
# one at a time per event; a file in the worker's hands with no progress for STALE seconds (its
# worker was killed) is given up as failed; a preview not confirmed within KEEP_HOURS expires and
# its file is deleted, as is any stored file once that old (`purge_stale_imports`).
STOCK_IMPORT_UPLOADS_PER_WINDOW = env.int("STOCK_IMPORT_UPLOADS_PER_WINDOW", default=10)
STOCK_IMPORT_UPLOAD_WINDOW = env.int("STOCK_IMPORT_UPLOAD_WINDOW", default=600)
STOCK_IMPORT_STALE_SECONDS = env.int("STOCK_IMPORT_STALE_SECONDS", default=300)
STOCK_IMPORT_KEEP_HOURS = env.int("STOCK_IMPORT_KEEP_HOURS", default=24)

# --- Accounts ---------------------------------------------------------------------------
LOGIN_URL = "wagtailadmin_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Bookday"
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.AdminLoginForm"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Slugs are ASCII and transliterated (Vietnamese "Đường sách" becomes "duong-sach").
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# The admin calls no outside service (README): no Gravatar avatars (Wagtail's default image
# instead), no check for new Wagtail releases; the "what's new" banner only links out.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # One line per background task is noise at INFO; failures still show.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
