import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import translation
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
