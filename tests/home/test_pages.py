import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page

from events.models import EventIndexPage, EventPage
from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.factories import EventPageFactory, NewsIndexPageFactory, NewsPageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db


class TestPageTree:
    """What editors may create where: the admin offers only these choices."""

    def test_home_page_sits_at_the_top_only(self):
        assert HomePage.allowed_parent_page_models() == [Page]
        assert HomePage.max_count == 1

    @pytest.mark.parametrize(
        ("parent", "allowed", "refused"),
        [
            (HomePage, [StandardPage, NewsIndexPage, EventIndexPage], [EventPage, NewsPage, HomePage]),
            (EventIndexPage, [EventPage], [StandardPage, NewsPage, EventIndexPage]),
            (NewsIndexPage, [NewsPage], [EventPage, StandardPage]),
            (StandardPage, [StandardPage], [EventPage, NewsPage, EventIndexPage]),
            (EventPage, [], [StandardPage, EventPage, NewsPage]),
            (NewsPage, [], [NewsPage, StandardPage]),
        ],
    )
    def test_allowed_children(self, parent, allowed, refused):
        children = parent.allowed_subpage_models()
        for model in allowed:
            assert model in children
        for model in refused:
            assert model not in children


def test_home_page_features_the_next_event_and_latest_news(client, home, event_index):
    EventPageFactory(
        parent=event_index,
        title="Hội sách năm ngoái",
        start_date=dt.date(2020, 4, 18),
        end_date=dt.date(2020, 4, 20),
    )
    current = EventPageFactory(parent=event_index, title="Ngày Sách năm nay")
    news_index = NewsIndexPageFactory(parent=home)
    NewsPageFactory(parent=news_index, title="Khai mạc hội sách", date=timezone.localdate())

    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["featured_event"].pk == current.pk
    assert "Ngày Sách năm nay" in html
    assert "Hội sách năm ngoái" not in html
    assert "Khai mạc hội sách" in html
    assert f"/events/{current.pk}/calendar.ics" in html


def test_editor_can_pin_a_featured_event(client, home, event_index):
    EventPageFactory(parent=event_index, title="Sớm hơn")
    later = EventPageFactory(
        parent=event_index,
        title="Được chọn",
        start_date=timezone.localdate() + dt.timedelta(days=30),
        end_date=timezone.localdate() + dt.timedelta(days=31),
    )
    home.featured_event = later
    home.save()
    assert client.get("/").context["featured_event"].pk == later.pk


def test_home_page_without_events_still_renders(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["featured_event"] is None


def test_standard_page_renders_its_streamfield_body(client, home):
    page = StandardPageFactory(
        parent=home,
        title="Câu hỏi thường gặp",
        body=[
            ("heading", "Vào cửa"),
            (
                "faq",
                {
                    "title": "",
                    "questions": [
                        {"question": "Có mất phí không?", "answer": "<p>Không, vào cửa tự do.</p>"}
                    ],
                },
            ),
            ("quote", {"text": "Sách mở ra chân trời mới.", "author": "Gorky"}),
            (
                "contact",
                {
                    "name": "Ban tổ chức",
                    "address": "",
                    "phone": "0222 3822 555",
                    "email": "bantochuc@example.vn",
                    "hours": "",
                },
            ),
        ],
    )
    html = client.get(page.url).content.decode()
    assert "<h2>Vào cửa</h2>" in html
    assert "<summary>Có mất phí không?</summary>" in html
    assert "Sách mở ra chân trời mới." in html
    assert 'href="tel:02223822555"' in html


def test_news_index_lists_newest_first_and_paginates(client, home):
    index = NewsIndexPageFactory(parent=home)
    for n in range(12):
        NewsPageFactory(parent=index, title=f"Tin {n:02d}", date=dt.date(2026, 1, 1) + dt.timedelta(days=n))
    first = client.get(index.url).content.decode()
    assert first.index("Tin 11") < first.index("Tin 10")
    assert "Tin 01" not in first
    second = client.get(index.url + "?page=2").content.decode()
    assert "Tin 01" in second and "Tin 00" in second


def test_news_page_shows_date_in_vietnamese_format(client, home):
    index = NewsIndexPageFactory(parent=home)
    article = NewsPageFactory(parent=index, title="Khai mạc", date=dt.date(2026, 4, 18))
    html = client.get(article.url).content.decode()
    assert "18/04/2026" in html


def test_pages_are_in_vietnamese_by_default_and_english_under_en(client, home):
    vi = client.get("/").content.decode()
    assert '<html lang="vi">' in vi
    assert "Bỏ qua, tới nội dung chính" in vi
    en = client.get("/en/").content.decode()
    assert '<html lang="en">' in en
    assert "Skip to content" in en


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, event):
    html = client.get(event.url).content.decode()
    assert f'href="http://testserver/en{event.url}"' in html
    html_en = client.get("/en" + event.url).content.decode()
    assert f'href="http://testserver{event.url}"' in html_en


def test_menu_shows_pages_marked_for_menus(client, home):
    StandardPageFactory(parent=home, title="Giới thiệu", show_in_menus=True)
    StandardPageFactory(parent=home, title="Ẩn khỏi menu", show_in_menus=False)
    html = client.get("/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</nav>", html.index('class="site-nav"'))]
    assert "Giới thiệu" in nav
    assert "Ẩn khỏi menu" not in nav


@pytest.mark.parametrize(("prefix", "text"), [("", "Không tìm thấy trang"), ("/en", "Page not found")])
def test_unknown_urls_get_a_styled_translated_404(client, home, prefix, text):
    response = client.get(f"{prefix}/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert "css/site.css" in html


def test_server_errors_get_the_styled_500_page(client, home, settings, monkeypatch):
    settings.DEBUG = False
    client.raise_request_exception = False

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "get_context", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.content.decode()
