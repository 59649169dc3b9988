"""Gate staff at a signing's door: pick the session instead of a gate, scan the same pass."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from events.enums import ProgrammeKind, SessionEntryResult
from events.models import SessionAdmission
from events.services.sessions import book
from home.groups import GATE_STAFF
from tests.browser.test_exhibitor_application import assert_fits_a_phone
from tests.browser.test_scanner import new_phone
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_pick_the_session_and_a_booked_pass_is_let_in_once(live_server, browser, event, tmp_path):
    today = event.start_date + dt.timedelta(days=1)
    signing = ProgrammeItemFactory(
        page=event,
        date=today,
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=40,
        kind=ProgrammeKind.SIGNING,
        title="Giao lưu và ký tặng “Mắt biếc”",
        speakers="Nguyễn Nhật Ánh",
    )
    entry_pass = register_visitor(event, visit_date=today, party_size=2).registration.entry_pass
    book(entry_pass=entry_pass, session=signing, people=2)
    staff = User.objects.create_user("soatve", password="x")
    staff.groups.add(Group.objects.get(name=GATE_STAFF))
    context, page = new_phone(browser, live_server, staff)

    page.goto(live_server.url + "/scan/session/")
    page.get_by_label("Hoạt động").select_option(str(signing.pk))
    page.get_by_role("button", name="Bắt đầu quét").click()
    page.get_by_label("Mã vé", exact=False).fill(entry_pass.code)
    page.get_by_label("Mã vé", exact=False).press("Enter")

    result = page.locator("#result")
    expect(result).to_be_visible()
    expect(result).to_have_attribute("data-tone", "green")
    expect(result).to_contain_text("Ký tặng - Nguyễn Nhật Ánh - số 1")
    page.screenshot(path=str(tmp_path / "door.png"))
    assert_fits_a_phone(page)

    page.get_by_role("button", name="Quét tiếp").click()
    page.get_by_label("Mã vé", exact=False).fill(entry_pass.code)
    page.get_by_label("Mã vé", exact=False).press("Enter")
    expect(result).to_have_attribute("data-tone", "red")
    results = list(SessionAdmission.objects.order_by("pk").values_list("result", flat=True))
    assert results == [SessionEntryResult.BOOKED, SessionEntryResult.ALREADY_ADMITTED]
    context.close()
