"""A group registers on a phone and answers the organisers' questions."""

import datetime as dt
import os
from pathlib import Path

import pytest

from events.enums import QuestionAudience, QuestionKind
from events.models import Registration, RegistrationQuestion
from tests.browser.conftest import axe_violations, solve_altcha
from tests.browser.test_exhibitor_application import assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Screenshots to look at: kept where SHOTS says (a walk-through), else in the test's tmp dir.
SHOTS = os.environ.get("SHOTS")


def test_a_group_answers_the_organisers_questions_on_a_phone(live_server, phone, event, tmp_path):
    heard = RegistrationQuestion.objects.create(
        page=event,
        kind=QuestionKind.CHOICE,
        label="Bạn biết đến Ngày Sách qua đâu?",
        choices="Facebook, Zalo\nNhà trường\nBạn bè, người thân",
        required=True,
        purpose="Để biết kênh thông tin nào đến được với bạn đọc.",
    )
    school_class = RegistrationQuestion.objects.create(
        page=event,
        kind=QuestionKind.TEXT,
        label="Lớp/khối",
        required=True,
        audience=QuestionAudience.GROUPS,
        purpose="Để bố trí khu vực đọc phù hợp.",
    )
    shots = Path(SHOTS) if SHOTS else tmp_path
    phone.goto(f"{live_server.url}/events/{event.pk}/register/")
    phone.get_by_label("Họ và tên").fill("Đặng Thị Hương")
    phone.get_by_label("Email", exact=True).fill("huong@example.vn")
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    phone.get_by_label((event.start_date + dt.timedelta(days=2)).strftime("%d/%m/%Y"), exact=False).check()
    phone.get_by_label("Số người").fill("30")
    phone.get_by_label("Trường học hoặc tổ chức").fill("Trường THCS Suối Hoa")
    # The choice question is a group of radio buttons named by its question; its purpose is told.
    group = phone.get_by_role("group", name="Bạn biết đến Ngày Sách qua đâu?")
    assert group.get_by_text("Vì sao chúng tôi hỏi: Để biết kênh thông tin").is_visible()
    group.get_by_label("Nhà trường").check()
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    solve_altcha(phone)
    assert_fits_a_phone(phone)
    phone.locator(".questions").screenshot(path=str(shots / "questions-form-360.png"))
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()
    phone.wait_for_load_state()

    # The class was left empty: asked of groups, it is required of this one.
    class_field = phone.get_by_label("Lớp/khối")
    assert phone.get_by_text("Vui lòng trả lời câu hỏi này.").is_visible()
    assert class_field.get_attribute("aria-invalid") == "true"
    assert (
        phone.get_by_role("group", name="Bạn biết đến Ngày Sách qua đâu?")
        .get_by_label("Nhà trường")
        .is_checked()
    )
    assert not Registration.objects.exists()
    assert axe_violations(phone) == []
    phone.locator(".questions").screenshot(path=str(shots / "questions-refused-360.png"))
    class_field.fill("Lớp 9A")
    solve_altcha(phone)
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()
    phone.wait_for_url("**/p/*/")
    assert Registration.objects.get().answers == {heard.key: "Nhà trường", school_class.key: "Lớp 9A"}
    # The refused post (400) is the one failed load the console saw.
    refused = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert phone.errors == [refused]
