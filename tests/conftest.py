import datetime as dt
import os

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.test import override_settings
from django.utils import timezone, translation
from freezegun import freeze_time
from wagtail.models import Page, Site

from tests.factories import EventIndexPageFactory, EventPageFactory, HomePageFactory


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts in Vietnamese with an empty cache: a request to /en/ leaves English
    active in the thread, which would change every URL reversed afterwards."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


# The hour of the fair's day at which every test runs, whatever the wall clock says: the rules
# that read the time (a day closes at its closing time, registration closes, a pass is for
# today) would otherwise pass or fail with the hour. 10:00 is inside the factory event's
# opening hours (08:00-21:00).
TEST_HOUR = dt.time(10, 0)


def pinned_now(hour: dt.time = TEST_HOUR) -> dt.datetime:
    """Today (the fair's time zone, by the real clock) at ``hour``.

    Today's date, not a fixed one: the clocks no test can freeze (PostgreSQL's, Redis's, a
    service worker's) then still agree on the day; the hour is what the rules depend on."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), hour))


@pytest.fixture(scope="session", autouse=True)
def _code_loaded_before_the_clock_is_frozen():
    """Import every URL's code (API schemas included) once, with the real clock: freezegun swaps
    datetime.date/datetime for its fakes while frozen, and a pydantic schema built then would
    carry the fake class and fail."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views and API modules


@pytest.fixture(autouse=True)
def clock():
    """Every test runs at ``TEST_HOUR`` today, fair time; time then goes on at its real pace
    (tick), so durations, timeouts and the order of records behave as in production.

    The freeze is process-wide, so the live server's threads share it; asyncio (Playwright's
    event loop) keeps the real monotonic clock. A test that needs another moment moves it:
    ``clock.move_to(pinned_now(dt.time(22, 30)))`` or its own ``freeze_time(...)``.
    PostgreSQL's now() is not frozen: the code reads the time from Django (timezone.now()),
    never from the database."""
    with freeze_time(pinned_now(), tick=True, real_asyncio=True) as frozen:
        yield frozen


# Redis for the tests of the Redis paths (rate limits, the hot cache's version, the task queue):
# a database of its own, and keys prefixed per process so that runs side by side (SQLite and
# PostgreSQL, two checkouts) never see each other's counters.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_client():
    """A plain client on the tests' Redis database, or fail/skip when Redis cannot be reached:
    under CI=true an unreachable Redis is a failure (as PostgreSQL is), elsewhere a skip."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis at {TEST_REDIS_URL} cannot be reached ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI needs it (.ci/run starts it).")
        pytest.skip(f"{message}: Redis tests SKIPPED.")
    return client


@pytest.fixture
def redis_cache():
    """The default cache on Redis, as in production, with this process's own key prefix."""
    client = redis_client()
    prefix = f"bookday-test-{os.getpid()}"
    backend = {"BACKEND": "bookday.cache.RedisCache", "LOCATION": TEST_REDIS_URL, "KEY_PREFIX": prefix}

    def forget():
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)

    with override_settings(CACHES={"default": backend}):
        forget()
        yield caches["default"]
        forget()
    client.close()


def ensure_initial_data():
    """What migrations create and a transactional test's flush removes: locale, root page and
    collection, staff groups. Browser tests run against a flushed database."""
    from django.apps import apps
    from wagtail.models import Collection, Locale

    from home.groups import sync_groups

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.get_first_root_node():
        Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    sync_groups(apps)


@pytest.fixture
def home(db):
    """A HomePage serving as the default site's root (Wagtail's welcome page removed)."""
    ensure_initial_data()
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
    return home


@pytest.fixture
def event_index(home):
    return EventIndexPageFactory(parent=home)


@pytest.fixture
def event(event_index):
    return EventPageFactory(parent=event_index, title="Ngày Sách và Văn hóa đọc Việt Nam tỉnh Bắc Ninh")
