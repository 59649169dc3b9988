"""Anonymous visitors get public pages from the cache; nothing personal is ever cached."""

import pytest

from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_a_public_page_is_served_from_the_cache_until_it_is_published_again(
    client, event, django_assert_num_queries
):
    first = client.get(event.url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(event.url)
    assert again.content == first.content

    event.title = "Ngày Sách đổi tên"
    event.save_revision().publish()
    assert "Ngày Sách đổi tên" in client.get(event.url).content.decode()


def test_languages_and_pages_are_cached_apart(client, event):
    vi = client.get(event.url).content.decode()
    en = client.get("/en" + event.url).content.decode()
    assert 'lang="vi"' in vi and 'lang="en"' in en


def test_pages_with_a_form_or_a_session_are_never_cached(client, admin_client, event):
    url = f"/events/{event.pk}/register/"
    client.get(url)
    assert "csrfmiddlewaretoken" in client.get(url).content.decode()
    admin_client.get(event.url)
    html = admin_client.get(event.url).content.decode()
    assert "wagtail-userbar" in html  # the editor's own page, not a cached copy
    assert "wagtail-userbar" not in client.get(event.url).content.decode()


def test_pass_pages_are_never_cached(client, event, django_capture_on_commit_callbacks):
    from events.services.registration import cancel

    registration = register_visitor(event).registration
    url = f"/p/{registration.entry_pass.code}/"
    assert "Đã xác nhận" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(registration=registration)
    assert "Đăng ký đã hủy" in client.get(url).content.decode()
