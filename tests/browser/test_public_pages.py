import pytest

from tests.factories import ProgrammeItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_fits_a_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"


def test_home_and_event_pages_work_on_a_phone(live_server, phone, event):
    ProgrammeItemFactory(page=event, title="Giao lưu tác giả Đặng Thị Hương")

    phone.goto(live_server.url + "/")
    assert phone.title().endswith("Ngày Sách")
    assert phone.locator("h1").first.inner_text()
    assert_fits_a_phone(phone)

    phone.get_by_role("link", name="Xem sự kiện").click()
    phone.wait_for_url(f"**{event.url}")
    assert phone.locator("h1").inner_text() == event.title
    assert phone.get_by_text("Giao lưu tác giả Đặng Thị Hương").is_visible()
    # The shipped font, once the page has loaded it (a busy machine may take a moment): fails if
    # it never loads, e.g. missing from static files or blocked by the CSP.
    phone.wait_for_function(
        "() => document.fonts.check('16px \"Noto Sans\"', 'Đặng Thị Hương')", timeout=10_000
    )
    assert_fits_a_phone(phone)
    assert phone.errors == []


def test_keyboard_users_can_skip_to_the_content(live_server, phone, event):
    phone.goto(live_server.url + event.url)
    phone.keyboard.press("Tab")
    skip = phone.locator(":focus")
    assert skip.inner_text() == "Bỏ qua, tới nội dung chính"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


def test_switching_to_english_keeps_the_page(live_server, phone, event):
    phone.goto(live_server.url + event.url)
    phone.get_by_role("link", name="English").click()
    phone.wait_for_url(f"**/en{event.url}")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Practical information").is_visible()
    assert phone.errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_public_pages_pass_an_accessibility_check(live_server, browser, event, width):
    from tests.browser.conftest import axe_violations
    from tests.factories import NewsIndexPageFactory, NewsPageFactory, StandardPageFactory

    ProgrammeItemFactory(page=event)
    news = NewsIndexPageFactory(parent=event.get_parent().get_parent())
    article = NewsPageFactory(parent=news)
    about = StandardPageFactory(
        parent=event.get_parent().get_parent(),
        body=[
            (
                "faq",
                {"title": "Hỏi đáp", "questions": [{"question": "Có mất phí?", "answer": "<p>Không.</p>"}]},
            )
        ],
    )
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for url in [
        "/",
        event.url,
        event.get_parent().url,
        news.url,
        article.url,
        about.url,
        "/khong-co/",
        "/en/",
    ]:
        page.goto(live_server.url + url)
        assert axe_violations(page) == [], url
    context.close()
