"""A visitor books places at an author signing from the pass page on a phone, then cancels."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from events.enums import ProgrammeKind, SessionBookingStatus
from events.models import SessionBooking
from tests.browser.conftest import axe_violations
from tests.browser.test_exhibitor_application import assert_fits_a_phone
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_books_a_signing_from_the_pass_page_and_sees_the_queue_number(live_server, phone, event):
    today = event.start_date + dt.timedelta(days=1)
    signing = ProgrammeItemFactory(
        page=event,
        date=today,
        start_time=dt.time(16, 0),
        end_time=dt.time(17, 30),
        kind=ProgrammeKind.SIGNING,
        title="Giao lưu và ký tặng “Mắt biếc”",
        speakers="Nguyễn Nhật Ánh",
        place="Gian hàng NXB Trẻ",
        places=40,
    )
    entry_pass = register_visitor(event, visit_date=today, party_size=3).registration.entry_pass

    phone.goto(f"{live_server.url}{entry_pass.path}")
    offer = phone.locator(".session").filter(has_text="Mắt biếc")
    expect(offer).to_contain_text("Còn 40 chỗ")
    offer.get_by_label("Số người").fill("2")
    offer.get_by_role("button", name="Đặt chỗ").click()

    expect(phone.get_by_role("status").filter(has_text="Xong")).to_be_visible()
    booked = phone.locator(".session--booked")
    expect(booked).to_contain_text("Ký tặng - Nguyễn Nhật Ánh - số 1")
    expect(booked).to_contain_text("2 người")
    assert_fits_a_phone(phone)
    assert axe_violations(phone) == []
    assert SessionBooking.objects.get().people == 2

    booked.get_by_role("button", name="Hủy chỗ").click()
    expect(phone.get_by_role("status").filter(has_text="Đã hủy chỗ")).to_be_visible()
    assert SessionBooking.objects.get().status == SessionBookingStatus.CANCELLED
    assert signing.bookings.booked().people() == 0
