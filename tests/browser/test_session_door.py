"""Gate staff at a signing's door: in the scanner, pick the session instead of a gate and scan
the same passes, online and without network (decided on the phone, uploaded later)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from events.enums import ProgrammeKind, SessionEntryResult
from events.models import Gate, SessionAdmission
from events.services.sessions import book
from home.groups import GATE_STAFF
from tests.browser.conftest import csp_violations
from tests.browser.test_exhibitor_application import assert_fits_a_phone
from tests.browser.test_scanner import new_phone, today_pass
from tests.factories import ProgrammeItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page, code):
    page.locator("#result").evaluate("element => element.hidden = true")
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")
    expect(page.locator("#result")).to_be_visible()


def test_staff_pick_the_session_in_the_scanner_and_scan_online_and_offline(
    live_server, browser, event, tmp_path
):
    Gate.objects.create(event=event, name="Cổng A")
    signing = ProgrammeItemFactory(
        page=event,
        date=timezone.localdate(),
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=40,
        kind=ProgrammeKind.SIGNING,
        title="Giao lưu và ký tặng “Mắt biếc”",
        speakers="Nguyễn Nhật Ánh",
    )
    first, second, stranger = today_pass(event, 2), today_pass(event), today_pass(event)
    book(entry_pass=first, session=signing, people=2)
    book(entry_pass=second, session=signing, people=1)
    staff = User.objects.create_user("soatve", password="x")
    staff.groups.add(Group.objects.get(name=GATE_STAFF))
    context, page = new_phone(browser, live_server, staff)

    # The old address of the session door leads to the scanner.
    page.goto(live_server.url + "/scan/session/")
    expect(page).to_have_url(live_server.url + "/scan/")
    # The session is offered beside the gates, in a group of its own.
    expect(page.locator("#gate optgroup").nth(1).locator("option")).to_have_text(
        "14:00 · Giao lưu và ký tặng “Mắt biếc” · Sân khấu chính"
    )
    page.locator("#gate").select_option(f"s{signing.pk}")
    page.screenshot(path=str(tmp_path / "door-setup.png"))
    page.locator("#setup button[type=submit]").click()
    expect(page.locator("#where")).to_contain_text("Mắt biếc")
    # No walk-in counter or gate totals at a session's door: its own line instead.
    expect(page.locator(".walkins")).to_be_hidden()
    expect(page.locator("#door-status")).to_contain_text("3/40")
    page.screenshot(path=str(tmp_path / "door-work.png"), full_page=True)

    result = page.locator("#result")
    scan(page, first.code)
    expect(result).to_have_attribute("data-tone", "green")
    expect(result).to_contain_text("Ký tặng - Nguyễn Nhật Ánh - số 1")
    expect(result).to_contain_text("Cho 2 người vào")
    expect(page.locator("#door-status")).to_contain_text("đã vào 2 người")
    page.screenshot(path=str(tmp_path / "door.png"))
    assert_fits_a_phone(page)
    scan(page, first.code)
    expect(result).to_have_attribute("data-tone", "red")

    # The network drops: the phone decides from its pass list and queues the scans.
    context.set_offline(True)
    page.wait_for_selector("#net[data-state=offline]")
    scan(page, second.code)
    expect(result).to_have_attribute("data-tone", "green")
    expect(result).to_have_attribute("data-offline", "true")
    expect(result).to_contain_text("Ký tặng - Nguyễn Nhật Ánh - số 2")
    page.screenshot(path=str(tmp_path / "door-offline.png"))
    scan(page, stranger.code)
    expect(result).to_have_attribute("data-tone", "red")
    expect(result).to_have_attribute("data-result", "not_booked")
    scan(page, second.code)  # let in on this phone a moment ago: refused by the phone itself
    expect(result).to_have_attribute("data-result", "already_admitted")
    page.wait_for_selector("#net[data-queued='3']")
    assert SessionAdmission.objects.count() == 2  # nothing reached the server

    # Back online: uploaded with the phone's decisions, which the server's agree with.
    context.set_offline(False)
    page.wait_for_selector("#net[data-queued='0']", timeout=20_000)
    uploaded = SessionAdmission.objects.exclude(offline_result="").order_by("scanned_at")
    assert [(a.entry_pass_id, a.result, a.offline_result) for a in uploaded] == [
        (second.pk, SessionEntryResult.BOOKED, SessionEntryResult.BOOKED),
        (stranger.pk, SessionEntryResult.NOT_BOOKED, SessionEntryResult.NOT_BOOKED),
        (second.pk, SessionEntryResult.ALREADY_ADMITTED, SessionEntryResult.ALREADY_ADMITTED),
    ]
    assert signing.admissions.admitted().count() == 2
    assert page.errors == []
    assert csp_violations(page) == []
    context.close()
