"""A teacher registers 30 pupils on a phone: places held, the emailed link, then the pass."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.enums import RegistrationStatus
from events.models import Registration
from tests.browser.conftest import axe_violations, solve_altcha
from tests.browser.test_exhibitor_application import assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_teacher_registers_a_class_confirms_by_email_and_gets_the_pass(
    live_server, phone, event, settings, tmp_path
):
    settings.BASE_URL = live_server.url
    event.confirm_groups_above = 10
    event.save_revision().publish()
    shots = DOCS if os.environ.get("DOCS_SCREENSHOTS") == "1" else tmp_path
    day = event.start_date + dt.timedelta(days=1)

    phone.goto(f"{live_server.url}/events/{event.pk}/register/")
    phone.get_by_label("Họ và tên").fill("Trần Thị Mai")
    phone.get_by_label("Email", exact=True).fill("mai.gv@example.vn")
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    phone.get_by_label(day.strftime("%d/%m/%Y"), exact=False).check()
    phone.get_by_label("Số người").fill("30")
    phone.get_by_label("Trường học hoặc tổ chức", exact=False).fill("Trường THCS Suối Hoa")
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    solve_altcha(phone)
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()

    # The pending page: plainly not a pass, and until when the places are held.
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    phone.wait_for_url(f"**/p/{registration.entry_pass.code}/")
    expect(phone.get_by_role("heading", name="Kiểm tra email để xác nhận")).to_be_visible()
    expect(phone.get_by_text("Chưa xác nhận: đây chưa phải vé vào cổng.")).to_be_visible()
    expect(phone.get_by_text(re.compile(r"30 chỗ của bạn được giữ đến 12:00 ngày"))).to_be_visible()
    assert phone.locator(".pass__qr").count() == 0
    assert phone.get_by_role("link", name="Tải vé PDF").count() == 0
    assert_fits_a_phone(phone)
    assert axe_violations(phone) == []
    phone.screenshot(
        path=str(shots / "visitors-07-group-held.png"), animations="disabled", caret="hide", scale="css"
    )

    # The email: the link, no pass.
    [message] = mail.outbox
    assert message.subject.startswith("Xác nhận chỗ cho đoàn của bạn")
    assert not message.attachments
    link = re.search(r"(http://\S+/register/confirm/\S+/)", message.body).group(1)
    inbox = phone.context.new_page()  # a blank page of its own: the mail client, not the site
    inbox.set_content(message.alternatives[0][0])
    expect(inbox.get_by_role("link", name="Xác nhận đăng ký của tôi")).to_have_attribute("href", link)
    inbox.screenshot(path=str(tmp_path / "email.png"), full_page=True)
    inbox.close()

    # The link asks once more, then the pass.
    phone.goto(link)
    expect(phone.get_by_text("30 chỗ đang được giữ cho bạn", exact=False)).to_be_visible()
    assert_fits_a_phone(phone)
    phone.screenshot(path=str(tmp_path / "confirm.png"))
    phone.get_by_role("button", name="Xác nhận và nhận vé vào cổng").click()
    phone.wait_for_url(f"**/p/{registration.entry_pass.code}/?confirmed=1")
    expect(phone.get_by_text("Đã xác nhận. Số chỗ đã là của bạn", exact=False)).to_be_visible()
    expect(phone.get_by_text("Đã xác nhận: xuất trình mã QR này tại cổng.")).to_be_visible()
    assert phone.locator(".pass__qr svg").bounding_box()["width"] >= 250
    phone.screenshot(path=str(tmp_path / "pass.png"))
    assert mail.outbox[-1].subject.startswith("Vé vào cổng của bạn") and mail.outbox[-1].attachments
    assert phone.errors == []
