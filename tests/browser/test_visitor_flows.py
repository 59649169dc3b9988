"""A visitor's own journeys on a 360 px phone: the waiting list, changing and cancelling."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Registration
from events.services.registration import cancel
from tests.browser.conftest import axe_violations, solve_altcha
from tests.factories import EventPageFactory, register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 09:00 in Hà Nội on the second day of a fair that runs 01–03/12/2026. The live server runs in
# this process, so patching Django's clock pins the server's time too (Playwright is untouched).
NOW = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
DAY2, DAY3 = dt.date(2026, 12, 2), dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _now():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def fair(event_index, live_server, settings):
    settings.BASE_URL = live_server.url
    return EventPageFactory(
        parent=event_index,
        start_date=dt.date(2026, 12, 1),
        end_date=DAY3,
        daily_capacity=10,
        walk_in_policy="Vẫn có thể vào cửa tự do khi còn chỗ.",
    )


def register_on_the_phone(phone, live_server, fair, *, day: dt.date, email: str, people: int = 1):
    phone.goto(f"{live_server.url}/events/{fair.pk}/register/")
    phone.get_by_label("Họ và tên").fill("Đặng Thị Hương")
    phone.get_by_label("Email", exact=True).fill(email)
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    phone.get_by_label(day.strftime("%d/%m/%Y"), exact=False).check()
    phone.get_by_label("Số người").fill(str(people))
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    solve_altcha(phone)
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()
    phone.wait_for_url(re.compile(r"/p/\w+/$"))


def unexpected(errors: list[str]) -> list[str]:
    """Console errors, less the refusals the test provoked (the page's own status 400 or 409)."""
    return [e for e in errors if not re.search(r"status of (400|409) ", e)]


def qr_fits_the_first_screen(phone) -> bool:
    box = phone.locator(".pass__qr svg").bounding_box()
    return box is not None and box["width"] >= 250 and box["y"] + box["height"] <= 740


def test_the_waiting_list_never_looks_like_a_pass_until_a_place_frees_up(live_server, phone, fair):
    holder = register_visitor(fair, visit_date=DAY3, party_size=10, organisation="Trường THPT Hàn Thuyên")
    register_on_the_phone(phone, live_server, fair, day=DAY3, email="huong@gmail.com")

    assert phone.locator(".pass__qr").count() == 0
    assert phone.get_by_text("Chưa có giá trị vào cửa.").is_visible()
    assert phone.get_by_text("Bạn đứng thứ 1 trong danh sách chờ ngày 03/12.").is_visible()
    assert phone.get_by_text("Vẫn có thể vào cửa tự do khi còn chỗ.").is_visible()
    assert phone.get_by_text("h***@gmail.com", exact=False).is_visible()
    assert phone.locator("a[href*='/cancel/'], a[href*='/manage/']").count() == 0
    assert axe_violations(phone) == []

    cancel(registration=holder.registration)  # a place frees up: the visitor is promoted
    phone.reload()
    assert phone.get_by_text("Đã xác nhận: xuất trình mã QR này tại cổng.").is_visible()
    assert qr_fits_the_first_screen(phone)
    phone.get_by_role("link", name="Xuất trình tại cổng (toàn màn hình)").click()
    qr = phone.locator(".gate-mode__qr svg").bounding_box()
    assert qr["width"] >= 320  # nearly the whole width of the phone
    # White behind the code for the gate's scanner, once the gate page's style applies.
    expect(phone.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
    assert phone.errors == []


def test_a_visitor_changes_day_and_party_size_from_the_emailed_link(live_server, phone, fair):
    register_visitor(fair, visit_date=DAY3, party_size=10, organisation="Trường THPT Hàn Thuyên")
    mine = register_visitor(fair, visit_date=DAY2, email="lan@example.vn").registration
    link = re.search(r"http\S+/manage/\?t=\S+", mail.outbox[-1].body).group(0)

    phone.goto(link)
    phone.get_by_label("03/12/2026", exact=False).check()
    phone.get_by_role("button", name="Lưu thay đổi").click()
    assert phone.get_by_text("Ngày này đã kín chỗ.").is_visible()  # a full day: nothing moved
    waitlist = phone.get_by_label("Nếu ngày đó đã kín chỗ", exact=False)
    assert waitlist.is_visible()
    assert axe_violations(phone) == []  # with the refusal shown

    phone.get_by_label("02/12/2026", exact=False).check()
    phone.get_by_label("Số người").fill("3")
    phone.get_by_role("button", name="Lưu thay đổi").click()
    phone.wait_for_url(re.compile(r"/p/\w+/\?changed=1$"))
    assert phone.get_by_text("Đã đổi lượt đăng ký của bạn.", exact=False).is_visible()
    assert phone.get_by_text("3 người").is_visible()
    assert qr_fits_the_first_screen(phone)
    mine.refresh_from_db()
    assert mine.party_size == 3 and mine.day.date == DAY2 and mine.status == "confirmed"
    assert unexpected(phone.errors) == []


def test_a_visitor_cancels_with_a_code_sent_to_their_address(live_server, phone, fair):
    register_on_the_phone(phone, live_server, fair, day=DAY2, email="hoa@example.vn")
    pass_url = phone.url
    phone.get_by_role("link", name="Hủy hoặc đổi vé").click()
    solve_altcha(phone)
    phone.get_by_role("button", name="Gửi mã tới h***@example.vn").click()
    code = re.search(r"^\s+(\d{6})\s*$", mail.outbox[-1].body, re.M).group(1)
    assert mail.outbox[-1].to == ["hoa@example.vn"]

    phone.get_by_label("Mã trong email").fill("999999" if code != "999999" else "000000")
    phone.get_by_role("button", name="Tiếp tục").click()
    field = phone.get_by_label("Mã trong email")
    assert field.get_attribute("aria-invalid") == "true"
    assert phone.get_by_text("Mã không đúng hoặc đã hết hiệu lực.", exact=False).is_visible()
    assert axe_violations(phone) == []

    field.fill(code)
    phone.get_by_role("button", name="Tiếp tục").click()
    phone.get_by_role("link", name="Hủy đăng ký của tôi").click()
    phone.get_by_role("button", name="Có, hủy đăng ký").click()
    phone.wait_for_url(pass_url)
    assert phone.get_by_text("Không có giá trị vào cửa.", exact=False).is_visible()
    assert phone.locator(".pass__qr").count() == 0
    assert phone.locator("a[href$='calendar.ics'], a[href*='calendar.google.com']").count() == 0
    assert Registration.objects.get().status == "cancelled"
    assert unexpected(phone.errors) == []


def test_the_programme_starts_within_three_screens_of_a_phone(live_server, phone, fair):
    from tests.factories import ProgrammeItemFactory

    for hour in (9, 10, 14):
        ProgrammeItemFactory(page=fair, date=DAY2, start_time=dt.time(hour, 0), end_time=dt.time(hour, 45))
    phone.goto(live_server.url + fair.url)
    top = phone.evaluate("document.getElementById('programme-title').getBoundingClientRect().top + scrollY")
    assert top < 3 * 740
    # Filtering works without script: a plain GET form with its own address.
    phone.locator("select[name=kind]").select_option("talk")
    phone.get_by_role("button", name="Xem", exact=True).click()
    assert "kind=talk" in phone.url
    assert phone.get_by_text("Hôm nay tại hội sách").is_visible()
