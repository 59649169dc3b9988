import datetime as dt

import pytest

from events.models import Registration
from tests.browser.conftest import solve_altcha
from tests.browser.test_exhibitor_application import assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_registers_on_a_phone_and_gets_a_pass(live_server, phone, event, settings, tmp_path):
    settings.BASE_URL = live_server.url
    phone.goto(live_server.url + event.url)
    phone.get_by_role("link", name="Đăng ký", exact=True).first.click()

    phone.get_by_label("Họ và tên").fill("Đặng Thị Hương")
    phone.get_by_label("Email", exact=True).fill("huong@example.vn")
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    tomorrow = event.start_date + dt.timedelta(days=2)
    phone.get_by_label(tomorrow.strftime("%d/%m/%Y"), exact=False).check()
    phone.get_by_label("Số người").fill("2")
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    solve_altcha(phone)
    assert phone.get_by_text("Đã kiểm tra").is_visible()
    assert_fits_a_phone(phone)
    phone.locator(".form").screenshot(path=str(tmp_path / "form-360.png"))
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()

    registration = Registration.objects.get()
    code = registration.entry_pass.code
    phone.wait_for_url(f"**/p/{code}/")
    assert phone.get_by_text("Đã xác nhận: xuất trình mã QR này tại cổng.").is_visible()
    qr = phone.locator(".pass__qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 250  # big enough to scan from a screen
    assert phone.get_by_text("Đặng Thị Hương").is_visible()

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Tải vé PDF").click()
    pdf = tmp_path / "pass.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert phone.errors == []


def test_the_form_shows_errors_next_to_fields(live_server, phone, event):
    phone.goto(f"{live_server.url}/events/{event.pk}/register/")
    phone.get_by_label("Họ và tên").fill("Nguyễn Văn Ưng")
    phone.get_by_label("Email", exact=True).fill("ung@example.vn")
    phone.get_by_label("Số điện thoại di động").fill("12345")
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()
    phone.wait_for_load_state()
    phone_field = phone.get_by_label("Số điện thoại di động")
    assert phone_field.get_attribute("aria-invalid") == "true"
    assert phone.get_by_text("Hãy nhập số điện thoại di động Việt Nam").is_visible()
    assert phone.get_by_text("Vui lòng đồng ý cho xử lý dữ liệu cá nhân").is_visible()
    assert phone_field.input_value() == "12345"  # what the visitor typed is kept
    assert not Registration.objects.exists()
