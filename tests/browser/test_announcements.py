"""An organiser at a desk (1366 px) writes an announcement, previews it, sends a test to
themselves, then sends it; the visitors get it in their language, with the opt-out link."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from home.groups import ORGANISERS
from messaging.enums import AnnouncementStatus, DeliveryStatus
from messaging.models import Announcement, Delivery
from tests.browser.conftest import pin_clock
from tests.factories import register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $ANNOUNCEMENT_SCREENSHOTS to keep them, else the test's temporary folder."""
    folder = Path(os.environ.get("ANNOUNCEMENT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_organiser_writes_previews_tests_and_sends_an_announcement(
    live_server, browser, event, settings, shots
):
    settings.BASE_URL = live_server.url
    settings.ANNOUNCEMENT_RATE_PER_MINUTE = 6000  # the throttle has its own tests
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for email, language in [("huong@example.vn", "vi"), ("an@example.vn", "vi"), ("john@example.com", "en")]:
        register_visitor(event, email=email, language=language, visit_date=tomorrow)
    register_visitor(event, email="homnay@example.vn")  # today: not in tomorrow's audience
    organiser = User.objects.create_user("mai", email="mai@sovanhoa.gov.vn", password="bookday-organiser")
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    mail.outbox.clear()

    context = browser.new_context(viewport=DESK, locale="vi-VN")
    pin_clock(context)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Tên đăng nhập").fill("mai")
    page.get_by_label("Mật khẩu").fill("bookday-organiser")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/admin/")

    # Book Day → Announcements → add.
    page.goto(live_server.url + "/admin/announcements/")
    page.screenshot(path=str(shots / "01-announcements-empty.png"))
    page.goto(live_server.url + "/admin/announcements/new/")
    page.locator("#id_event").select_option(label=event.title)
    page.locator("#id_day").select_option(label=f"{event.title} — {tomorrow:%d/%m/%Y}")
    page.locator("#id_subject").fill(f"Ngày {tomorrow:%d/%m} chuyển vào hội trường do mưa")
    page.locator("#id_body").fill(
        "Do trời mưa, hội sách ngày mai diễn ra trong hội trường tầng 2.\n\nXin cảm ơn quý khách."
    )
    page.locator("#id_subject_en").fill(f"{tomorrow:%d/%m} moves indoors because of rain")
    page.locator("#id_body_en").fill("Because of the rain, tomorrow's fair is in the hall on the 2nd floor.")
    page.screenshot(path=str(shots / "02-write.png"), full_page=True)
    page.get_by_role("button", name="Tạo").click()

    # The review page: the audience counted, a preview in each language.
    page.wait_for_url("**/review/")
    expect(page.get_by_text("3 lượt đăng ký", exact=False).first).to_be_visible()
    expect(page.get_by_text("Xem trước: Tiếng Việt")).to_be_visible()
    expect(page.locator("pre").first).to_contain_text("hội trường tầng 2")
    expect(page.locator("pre").nth(1)).to_contain_text("hall on the 2nd floor")
    page.screenshot(path=str(shots / "03-review.png"), full_page=True)

    page.get_by_role("button", name=re.compile("Gửi thử cho tôi")).click()
    expect(page.get_by_text("Đã gửi bản thử tới mai@sovanhoa.gov.vn")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["mai@sovanhoa.gov.vn"]] * 2
    assert all(m.subject.startswith("[TEST]") for m in mail.outbox)
    page.screenshot(path=str(shots / "04-test-sent.png"))
    mail.outbox.clear()

    # Sending needs the box ticked first.
    page.get_by_role("button", name="Gửi tới 3 lượt đăng ký").click()
    assert not Delivery.objects.exists()
    page.get_by_label(re.compile("Tôi đã đọc bản xem trước")).check()
    page.get_by_role("button", name="Gửi tới 3 lượt đăng ký").click()
    expect(page.get_by_text("Đã bắt đầu gửi tới 3 lượt đăng ký.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Tiến độ"))).to_be_visible()
    announcement = Announcement.objects.get()
    assert announcement.status == AnnouncementStatus.SENT
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3
    page.reload()
    expect(page.get_by_text("Gửi xong lúc", exact=False)).to_be_visible()
    page.screenshot(path=str(shots / "05-sent-progress.png"), full_page=True)
    assert not page.get_by_role("button", name=re.compile("Gửi tới")).count()

    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.vn", "huong@example.vn", "john@example.com"]
    john = next(m for m in mail.outbox if m.to == ["john@example.com"])
    assert "hall on the 2nd floor" in john.body and "/en/announcements/stop/" in john.body
    (shots / "email-vi.txt").write_text(next(m for m in mail.outbox if m.to == ["huong@example.vn"]).body)
    (shots / "email-en.txt").write_text(john.body)

    # The list shows the progress.
    page.goto(live_server.url + "/admin/announcements/")
    expect(page.get_by_text("Đã gửi 3/3, 0 lỗi")).to_be_visible()
    page.screenshot(path=str(shots / "06-list.png"))

    # A visitor stops announcements from the link, on a phone.
    link = re.search(r"https?://\S+/announcements/stop/\S+/", john.body.replace("/en/", "/")).group(0)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    phone.goto(link)
    phone.screenshot(path=str(shots / "07-opt-out-360.png"), full_page=True)
    phone.get_by_role("button", name="Ngừng nhận thông báo").click()
    expect(phone.get_by_text("Xong: bạn sẽ không nhận thêm thông báo", exact=False)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(shots / "08-opted-out-360.png"), full_page=True)
    context.close()
