"""A publisher applies to exhibit from a phone; the form and the sign-in pages pass axe-core at 360 px."""

import re

import pytest
from django.core import mail

from publishers.models import ExhibitorApplication
from tests.browser.conftest import axe_violations, solve_altcha

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_fits_a_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def test_a_publisher_applies_from_the_event_page_on_a_phone(live_server, phone, event, settings, tmp_path):
    settings.BASE_URL = live_server.url
    phone.goto(live_server.url + event.url)
    phone.locator(f'a[href="/events/{event.pk}/exhibit/"]').click()
    phone.wait_for_url(f"**/events/{event.pk}/exhibit/")
    assert_fits_a_phone(phone)
    assert axe_violations(phone) == []

    phone.locator("#id_organisation_name").fill("Nhà xuất bản Kim Đồng")
    phone.locator("#id_kind_0").check()
    phone.locator("#id_tax_code").fill("0100109106")
    phone.locator("#id_address").fill("55 Quang Trung, Hai Bà Trưng, Hà Nội")
    phone.locator("#id_contact_name").fill("Đặng Thị Hương")
    phone.locator("#id_email").fill("huong@nxbkimdong.vn")
    phone.locator("#id_phone").fill("12345")  # a mistake first
    phone.locator("#id_booth_size_1").check()
    phone.locator("#id_expected_titles").fill("120")
    phone.locator("#id_expected_copies").fill("3000")
    phone.locator("#id_consent").check()
    phone.locator("form.form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator("#id_phone").get_attribute("aria-invalid") == "true"
    assert phone.locator("#id_organisation_name").input_value() == "Nhà xuất bản Kim Đồng"  # kept
    assert not ExhibitorApplication.objects.exists()
    assert axe_violations(phone) == []  # with the errors shown
    phone.errors.clear()  # the browser logs the deliberate 400 answer

    logo = tmp_path / "logo.png"
    from PIL import Image

    Image.new("RGB", (80, 80), (13, 92, 78)).save(logo)
    phone.locator("#id_phone").fill("024 3943 4730")
    phone.locator("#id_logo").set_input_files(str(logo))
    phone.locator("#id_consent").check()
    solve_altcha(phone)
    phone.locator("form.form button[type=submit]").click()
    phone.wait_for_url(f"**/events/{event.pk}/exhibit/thanks/")
    assert "h***@nxbkimdong.vn" in phone.locator("main").inner_text()
    assert_fits_a_phone(phone)
    assert axe_violations(phone) == []
    assert ExhibitorApplication.objects.get().status == "unconfirmed"  # not with the organisers yet

    # The applicant follows the emailed link: a page to review, then one button.
    link = re.search(r"https?://[^/\s]+(/exhibit/confirm/\S+/)", mail.outbox[-1].body).group(1)
    phone.goto(live_server.url + link)
    assert "Nhà xuất bản Kim Đồng" in phone.locator("main").inner_text()
    assert_fits_a_phone(phone)
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Xác nhận và gửi tới Ban tổ chức").click()
    phone.wait_for_load_state()
    assert "Đơn đã được xác nhận" in phone.locator("h1").inner_text()
    app = ExhibitorApplication.objects.get()
    assert app.tax_code == "0100109106" and app.logo and app.status == "submitted"
    assert phone.errors == []


@pytest.mark.parametrize("path", ["/publisher/login/", "/publisher/forgot-password/", "/en/publisher/login/"])
def test_the_sign_in_pages_fit_a_phone_and_pass_axe(live_server, phone, home, path):
    phone.goto(live_server.url + path)
    assert_fits_a_phone(phone)
    assert axe_violations(phone) == []
