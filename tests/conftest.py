import pytest
from django.conf import settings
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


@pytest.fixture
def home(db):
    """A HomePage serving as the default site's root (Wagtail's welcome page removed)."""
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
