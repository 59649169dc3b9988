"""The organisers' help desk at a desk (1366 px): find a visitor by phone typed another way, open
the registration, send the pass again, cancel it after a confirmation, see it cancelled."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Registration
from tests.factories import register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=DESK, locale="vi-VN")
    page = context.new_page()
    page.errors = []
    page.outside = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_the_help_desk_finds_resends_and_cancels(live_server, desk, event, admin_user, settings, tmp_path):
    settings.BASE_URL = live_server.url
    desk.on(
        "request",
        lambda request: (
            not request.url.startswith((live_server.url, "data:", "blob:"))
            and desk.outside.append(request.url)
        ),
    )
    registration = register_visitor(
        event, full_name="Trần Thị Mai", email="mai@example.vn", phone="+84912345678"
    ).registration
    register_visitor(event, full_name="Lê Văn Tám", email="tam@example.vn", phone="+84987654321")

    desk.goto(live_server.url + "/admin/login/")
    desk.get_by_label("Tên đăng nhập").fill("admin")
    desk.get_by_label("Mật khẩu").fill("password")
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.wait_for_url("**/admin/")

    # Find: the phone as the visitor says it, with spaces and the leading 0.
    desk.goto(live_server.url + "/admin/registrations/")
    desk.get_by_placeholder("Tìm kiếm…").fill("0912 345 678")  # the list updates as one types
    rows = desk.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Trần Thị Mai")

    # Open its page: details and check-in history.
    desk.get_by_role("link", name="Trần Thị Mai").click()
    desk.wait_for_url(f"**/admin/registrations/inspect/{registration.pk}/")
    expect(desk.get_by_role("heading", name="Lượt soát vé")).to_be_visible()
    expect(desk.get_by_text("Chưa có lượt soát vé nào.")).to_be_visible()

    # Resend, after saying where it goes.
    mail.outbox.clear()
    desk.get_by_role("link", name="Gửi lại vé").click()
    expect(desk.get_by_text("Gửi lại vé tới mai@example.vn?")).to_be_visible()
    desk.get_by_role("button", name="Gửi lại vé").click()
    desk.wait_for_url(f"**/admin/registrations/inspect/{registration.pk}/")
    expect(desk.get_by_text("Đã gửi lại vé tới mai@example.vn", exact=False)).to_be_visible()
    assert [m.to for m in mail.outbox] == [["mai@example.vn"]]

    # Cancel from the list's row, with a confirmation; back on the same search.
    desk.goto(live_server.url + "/admin/registrations/?q=%2B84912345678")
    row = desk.locator("table.listing tbody tr", has_text="Trần Thị Mai")
    row.get_by_role("button", name="Tùy chọn khác", exact=False).click()
    row.get_by_role("link", name="Hủy đăng ký").click()
    expect(desk.get_by_text("Hủy lượt đăng ký của Trần Thị Mai?", exact=False)).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # nothing happens before the confirmation
    desk.screenshot(path=str(tmp_path / "help-desk-cancel.png"))
    desk.get_by_role("button", name="Có, hủy lượt đăng ký").click()
    desk.wait_for_url("**/admin/registrations/?q=*")
    expect(desk.locator("table.listing tbody tr", has_text="Trần Thị Mai")).to_contain_text("Đã hủy")
    expect(desk.get_by_text("Đã hủy lượt đăng ký của Trần Thị Mai.", exact=False)).to_be_visible()
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert desk.errors == []
    assert desk.outside == []  # the admin asks no outside service for anything
