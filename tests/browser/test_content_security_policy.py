"""Pages used in Chromium under the site's Content-Security-Policy: not one violation. The public
pages at 360 px, the publisher portal, the Wagtail admin at 1366 px with the widgets whose set-up
Wagtail writes inline (date pickers, an inline panel's "Add", the image chooser, StreamField).
The scanner with its camera and decode worker is checked in test_scanner.py."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from events.models import Registration
from tests.browser.conftest import csp_violations, solve_altcha, watch_csp
from tests.factories import ProgrammeItemFactory, register_visitor
from tests.publishers.portal_factories import PASSWORD, ExhibitorFactory, PublisherUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=DESK, locale="vi-VN")
    watch_csp(context)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def assert_clean(page, where: str):
    assert csp_violations(page) == [], where
    assert page.errors == [], where


def test_a_visitor_registers_without_a_violation(live_server, phone, event, settings):
    settings.BASE_URL = live_server.url
    ProgrammeItemFactory(page=event, title="Giao lưu tác giả")
    phone.goto(live_server.url + "/")
    assert_clean(phone, "home")
    phone.goto(live_server.url + event.url)
    phone.wait_for_load_state("networkidle")
    assert_clean(phone, "event page")

    phone.goto(f"{live_server.url}/events/{event.pk}/register/")
    phone.get_by_label("Họ và tên").fill("Đặng Thị Hương")
    # The "did you mean" hint is the form's own script, now a static file: it runs.
    phone.get_by_label("Email", exact=True).fill("huong@gmial.com")
    phone.get_by_label("Số điện thoại di động").focus()
    expect(phone.locator("#email-hint")).to_contain_text("huong@gmail.com")
    phone.get_by_role("button", name="Dùng địa chỉ này").click()
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    phone.get_by_label((event.start_date + dt.timedelta(days=2)).strftime("%d/%m/%Y"), exact=False).check()
    phone.get_by_label("Số người").fill("2")
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    solve_altcha(phone)  # the self-hosted check's script and worker run under the policy too
    assert_clean(phone, "registration form")
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()

    registration = Registration.objects.get()
    assert registration.email == "huong@gmail.com"
    phone.wait_for_url(f"**/p/{registration.entry_pass.code}/")
    assert phone.locator(".pass__qr svg").is_visible()
    assert_clean(phone, "pass page")
    phone.goto(f"{live_server.url}/p/{registration.entry_pass.code}/gate/")
    assert_clean(phone, "pass at the gate")


def test_the_publisher_portal_runs_without_a_violation(live_server, phone, event):
    member = PublisherUserFactory(user__username="banhang@kimdong.vn", publisher__name="NXB Kim Đồng")
    ExhibitorFactory(publisher=member.publisher, event=event, booths="B07")
    phone.goto(live_server.url + "/publisher/login/")
    phone.locator("#id_username").fill("banhang@kimdong.vn")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url(f"{live_server.url}/publisher/")
    for path in ("/publisher/", "/publisher/titles/", "/publisher/profile/"):
        phone.goto(live_server.url + path)
        assert_clean(phone, path)
    phone.goto(f"{live_server.url}/events/{event.pk}/exhibitors/")
    assert_clean(phone, "exhibitors")


def test_the_admin_works_without_inline_scripts(live_server, desk, event, admin_user):
    register_visitor(event, full_name="Trần Thị Mai")
    desk.goto(live_server.url + "/admin/login/")
    desk.get_by_label("Tên đăng nhập").fill("admin")
    desk.get_by_label("Mật khẩu").fill("password")
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.wait_for_url("**/admin/")
    desk.wait_for_load_state("networkidle")
    assert_clean(desk, "dashboard")

    desk.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    # Date pickers set up from data, not an inline script.
    desk.locator("#id_start_date").click()
    expect(desk.locator(".xdsoft_datetimepicker:visible").first).to_be_visible()
    desk.keyboard.press("Escape")
    desk.locator("#id_title").click()
    # An inline panel adds a programme item from its template; the new item's pickers work too.
    desk.locator("#id_programme-ADD").click()
    expect(desk.locator("#id_programme-TOTAL_FORMS")).to_have_value("1")
    desk.locator("#id_programme-0-date").click()
    expect(desk.locator(".xdsoft_datetimepicker:visible").first).to_be_visible()
    desk.locator("#id_title").click()
    # The image chooser opens its modal.
    desk.locator("#id_hero_image-chooser .chooser__choose-button").click()
    expect(desk.locator(".modal-dialog").first).to_be_visible()
    expect(desk.locator(".modal-dialog").first).to_contain_text("Chọn hình ảnh")
    desk.locator(".modal [data-dismiss=modal]").first.click()
    expect(desk.locator(".modal-dialog")).to_have_count(0)
    # StreamField: a block can be added.
    desk.locator("[data-contentpath=body] button.c-sf-add-button, #body-0-appendmenu button").first.click()
    expect(desk.locator(".w-combobox, .c-sf-add-panel").first).to_be_visible()
    assert_clean(desk, "page editor")

    for path in (
        "/admin/registrations/",
        f"/admin/event_reports/{event.pk}/",
        "/admin/images/",
        "/api/v1/docs",
    ):
        desk.goto(live_server.url + path)
        desk.wait_for_load_state("networkidle")
        assert_clean(desk, path)
    expect(desk.locator("#swagger-ui .info")).to_be_visible()
