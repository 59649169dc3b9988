"""'Dữ liệu của tôi' on a 360 px phone: find my pass → emailed link → see, correct, download, erase."""

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core import mail

from events.models import Registration
from privacy.models import DataRequest
from tests.browser.conftest import axe_violations, solve_altcha
from tests.factories import register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "huong@example.vn"


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $MY_DATA_SCREENSHOTS to keep them, else the test's temporary folder."""
    folder = Path(os.environ.get("MY_DATA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fits(phone) -> bool:
    return phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_sees_corrects_downloads_and_erases_their_data(
    live_server, phone, event, settings, shots, tmp_path
):
    settings.BASE_URL = live_server.url
    registration = register_visitor(
        event, email=EMAIL, party_size=12, organisation="Trường THCS Kinh Bắc"
    ).registration
    mail.outbox.clear()

    phone.goto(f"{live_server.url}/passes/find/")
    phone.get_by_role("link", name="Dữ liệu của tôi", exact=True).first.click()
    phone.get_by_label("Email bạn đã dùng để đăng ký").fill(EMAIL)
    solve_altcha(phone)
    phone.screenshot(path=str(shots / "01-request-360.png"), full_page=True)
    phone.get_by_role("button", name="Gửi liên kết cho tôi").click()
    assert phone.get_by_role("heading", name="Kiểm tra email của bạn").is_visible()

    [message] = mail.outbox
    link = re.search(r"https?://\S+/my-data/open/\S+/", message.body).group(0)
    phone.goto(link)
    phone.get_by_role("button", name="Mở dữ liệu của tôi").click()
    phone.wait_for_url("**/my-data/")
    assert phone.get_by_text("Đặng Thị Hương").is_visible()
    assert phone.get_by_text("0912 345 678").is_visible()
    assert phone.get_by_text("Tôi đồng ý", exact=False).first.is_visible()  # the consent, word for word
    assert fits(phone)
    assert axe_violations(phone) == []
    phone.screenshot(path=str(shots / "02-my-data-360.png"), full_page=True)

    phone.get_by_text("Sửa họ tên, số điện thoại hoặc đơn vị").click()
    phone.get_by_label("Họ và tên").fill("Đặng Thị Hường")
    phone.get_by_label("Số điện thoại di động").fill("0987 654 321")
    phone.get_by_label("Trường học hoặc tổ chức").fill("")
    phone.get_by_role("button", name="Lưu nội dung sửa").click()
    assert phone.get_by_text("Đoàn trên 5 người phải ghi", exact=False).is_visible()  # a group keeps it
    phone.screenshot(path=str(shots / "03-refused-360.png"), full_page=True)
    phone.get_by_label("Trường học hoặc tổ chức").fill("Trường THCS Kinh Bắc")
    phone.get_by_role("button", name="Lưu nội dung sửa").click()
    assert phone.get_by_text("Đã lưu nội dung sửa.").is_visible()
    assert phone.get_by_text("Đặng Thị Hường").is_visible()

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Tải về (JSON)").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["registrations"][0]["full_name"] == "Đặng Thị Hường"
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Tải về (bảng tính, CSV)").click()
    raw = Path(download_info.value.path()).read_bytes()
    (tmp_path / "my-data.csv").write_bytes(raw)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert raw.startswith("\ufeff".encode()) and rows[1][3] == "Đặng Thị Hường"

    phone.get_by_role("link", name="Xoá dữ liệu của tôi").click()
    assert phone.get_by_text("1 lượt tham quan sắp tới sẽ bị huỷ", exact=False).is_visible()
    phone.get_by_label("Tôi hiểu việc này không thể hoàn tác.").check()
    phone.screenshot(path=str(shots / "04-erase-360.png"), full_page=True)
    phone.get_by_role("button", name="Xoá dữ liệu của tôi").click()
    assert phone.get_by_role("heading", name="Dữ liệu của bạn đã được xoá").is_visible()
    phone.screenshot(path=str(shots / "05-erased-360.png"), full_page=True)

    registration.refresh_from_db()
    assert registration.full_name == "" and registration.anonymised_at
    assert registration.status == "cancelled"
    assert list(DataRequest.objects.order_by("pk").values_list("kind", flat=True)) == [
        "link",
        "access",
        "correct",
        "export",
        "export",
        "erase",
    ]
    # The link and the page are gone with the data: the same clear page as for any bad link.
    phone.goto(f"{live_server.url}/my-data/")
    assert phone.get_by_role("heading", name="Đường dẫn này không còn dùng được").is_visible()
    phone.screenshot(path=str(shots / "06-link-gone-360.png"), full_page=True)
    assert Registration.objects.filter(email=EMAIL).count() == 0
    assert [e for e in phone.errors if not re.search(r"status of (400|404) ", e)] == []
