"""Each role's main journey, walked as its user would, photographed for the guides in docs/.

`DOCS_SCREENSHOTS=1 pytest tests/browser/test_role_guides.py` refreshes docs/screenshots/;
without it the pictures go to the test's temporary folder. Either way every step asserts what the
user sees, so a guide never shows a screen that stopped working."""

import io
import os
import uuid
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from events.enums import RegistrationStatus
from events.models import CheckIn, Gate, Registration, WalkIn
from events.services.checkin import check_in
from home.groups import GATE_STAFF
from publishers.enums import ApplicationStatus
from tests.browser.conftest import PHONE, pin_clock, solve_altcha
from tests.browser.test_publisher_portal import spreadsheet as two_new_titles_and_a_bad_isbn
from tests.browser.test_scanner import (  # noqa: F401 (fixtures used by name)
    _server_settles,
    _test_hooks,
    next_result,
    server_log,
    vi,
    wait_until,
)
from tests.factories import register_visitor
from tests.publishers.portal_factories import (
    PASSWORD,
    ApplicationFactory,
    ExhibitorFactory,
    PublisherFactory,
    PublisherUserFactory,
    StockListingFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shoot(tmp_path):
    """shoot(page, "gate-01-sign-in"): a picture of the viewport (or of `clip`), into docs/ when
    DOCS_SCREENSHOTS=1. Viewport-sized at scale 1 keeps each picture small."""
    folder = DOCS if os.environ.get("DOCS_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name, element=None, **options):
        path = folder / f"{name}.png"
        (element or page).screenshot(path=str(path), animations="disabled", caret="hide", **options)
        return path

    return take


def new_page(browser, viewport, *, mobile=False):
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, is_mobile=mobile, has_touch=mobile, locale="vi-VN"
    )
    pin_clock(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, page.url


# ---------------------------------------------------------------------------------------------
# Gate staff, on their own phone.


def test_gate_staff_guide(live_server, server_log, browser, event, settings, shoot):  # noqa: F811
    settings.BASE_URL = live_server.url
    Gate.objects.create(event=event, name="Cổng A")
    Gate.objects.create(event=event, name="Cổng B (bãi xe)")
    staff = User.objects.create_user("soatve", password="bookday-gate")
    staff.groups.add(Group.objects.get(name=GATE_STAFF))
    today, opened = timezone.localdate(), event.opens_on(event.start_date)

    def registration(**fields):
        fields = {"visit_date": today, "notify": False, "now": opened, **fields}
        return register_visitor(event, **fields).registration

    single = registration(full_name="Nguyễn Thị Hồng")
    school = registration(full_name="Phạm Thu Trang", organisation="Trường THCS Lê Lợi", party_size=5)
    forgot = registration(full_name="Trần Văn Bình", phone="0912 345 678", party_size=2)
    offline_pass = registration(full_name="Lê Minh Châu")

    context, page = new_page(browser, PHONE, mobile=True)

    # Before the fair: sign in once; the phone remembers it.
    page.goto(live_server.url + "/scan/")
    page.wait_for_url("**/scan/login/?next=/scan/")
    expect(page.locator("#id_remember")).to_be_checked()
    fits(page)
    shoot(page, "gate-01-sign-in")
    page.locator("#id_username").fill("soatve")
    page.locator("#id_password").fill("bookday-gate")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/scan/")

    # Choose the gate you stand at.
    expect(page.locator("#setup")).to_be_visible()
    page.locator("#gate").select_option(label="Cổng A")
    shoot(page, "gate-02-choose-gate")
    page.locator("#setup button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('bundle-status').dataset.passes !== undefined")
    expect(page.locator("#where")).to_have_text(f"Cổng A · {event.title}")

    # A valid pass: green.
    page.locator("#code").fill(single.entry_pass.code)
    page.locator("#code").press("Enter")
    assert next_result(page, 1)["result"] == "admitted"
    expect(page.locator("#result")).to_have_attribute("data-tone", "green")
    expect(page.locator("#result-name")).to_contain_text("Nguyễn Thị Hồng")
    shoot(page, "gate-03-admitted")
    page.locator("#result-next").click()

    # The same pass again: red, with the reason and where it came in.
    page.locator("#code").fill(single.entry_pass.code)
    page.locator("#code").press("Enter")
    assert next_result(page, 2)["result"] != "admitted"
    expect(page.locator("#result")).to_have_attribute("data-tone", "red")
    expect(page.locator("#result-message")).to_contain_text("Cổng A")
    shoot(page, "gate-04-refused")
    page.locator("#result-next").click()

    # A group pass asks how many come in now.
    page.locator("#code").fill(school.entry_pass.code)
    page.locator("#code").press("Enter")
    page.locator("#group").wait_for()
    expect(page.locator("#headcount")).to_have_value("5")
    shoot(page, "gate-05-group")
    page.locator("#group-less").click()
    page.locator("#group-admit").click()
    assert next_result(page, 3)["result"] == "admitted"
    assert CheckIn.objects.get(entry_pass=school.entry_pass).admitted == 4
    page.locator("#result-next").click()

    # Visitors without a pass: one tap per arrival (or a typed number).
    page.get_by_role("button", name="+5", exact=True).click()
    page.wait_for_function("() => document.getElementById('t-gate-walkins').textContent === '5'")
    page.locator("#walkins-title").evaluate("h => h.scrollIntoView({block: 'start', behavior: 'instant'})")
    expect(page.locator("#walkins-status")).to_contain_text("5")
    shoot(page, "gate-06-walk-ins")

    # Undo a mistake: the button names the last action and asks first.
    what = vi("%(n)s visitors without registration", n=5)
    expect(page.locator("#undo")).to_have_text(vi("Undo: %(what)s", what=what))
    page.locator("#undo").click()
    page.locator("#confirm").wait_for()
    expect(page.locator("#confirm-text")).to_have_text(what)
    shoot(page, "gate-07-undo")
    page.locator("#confirm-yes").click()
    wait_until(page, lambda: WalkIn.objects.get().undone_at is not None)

    # A visitor without their QR: found by name, typed without accents.
    page.locator("#lookup-q").fill("tran van binh")
    page.locator("#lookup-q").press("Enter")
    rows = page.locator("#lookup-results li")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Trần Văn Bình")
    page.locator("#lookup-title").scroll_into_view_if_needed()
    shoot(page, "gate-08-look-up")
    rows.first.locator("button").click()
    page.locator("#group").wait_for()
    page.locator("#group-admit").click()
    assert next_result(page, 4)["result"] == "admitted"
    assert CheckIn.objects.get(entry_pass=forgot.entry_pass).admitted == 2
    page.locator("#result-next").click()

    # The network drops: scanning goes on, the banner says so, the scan is uploaded later.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.wait_for_selector("#net[data-state=offline]")
    page.locator("#code").fill(offline_pass.entry_pass.code)
    page.locator("#code").press("Enter")
    next_result(page, 5)
    expect(page.locator("#result")).to_have_attribute("data-tone", "green")
    page.locator("#result-next").click()
    page.wait_for_selector("#net[data-queued='1']")
    expect(page.locator("#offline-banner")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "gate-09-offline")
    context.set_offline(False)
    page.wait_for_selector("#net[data-queued='0']", timeout=20_000)
    assert CheckIn.objects.filter(entry_pass=offline_pass.entry_pass, admitted=1).exists()
    assert [e for e in page.errors if "Failed to load resource" not in e] == []
    context.close()


# ---------------------------------------------------------------------------------------------
# Organisers, in the Wagtail admin at a desk.


def test_organisers_guide(live_server, browser, event, admin_user, settings, shoot):
    settings.BASE_URL = live_server.url
    event.daily_capacity = 12
    event.save_revision().publish()
    event.refresh_from_db()
    today, opened = timezone.localdate(), event.opens_on(event.start_date)
    tomorrow = today + timezone.timedelta(days=1)

    phones = iter(range(1000000, 2000000))

    def registration(**fields):
        fields = {"visit_date": today, "now": opened, "phone": f"+8498{next(phones)}", **fields}
        return register_visitor(event, **fields).registration

    mai = registration(full_name="Trần Thị Mai", email="mai@example.vn", phone="+84912345678")
    others = [
        registration(full_name="Nguyễn Văn An", phone="0987 654 321", party_size=2),
        registration(full_name="Phạm Thu Trang", organisation="Trường THCS Lê Lợi", party_size=6),
    ]
    registration(
        full_name="Hoàng Văn Dũng",
        organisation="Trường Tiểu học Kinh Bắc",
        party_size=10,
        visit_date=tomorrow,
    )
    registration(full_name="Lê Thị Lan", party_size=2, visit_date=tomorrow)
    waiting = [
        registration(full_name="Đỗ Minh Quân", party_size=3, visit_date=tomorrow),
        registration(full_name="Vũ Thị Hà", party_size=1, visit_date=tomorrow),
    ]
    assert [w.status for w in waiting] == [RegistrationStatus.WAITING] * 2
    gate = Gate.objects.create(event=event, name="Cổng A")
    volunteer = User.objects.create_user("soatve", password="bookday-gate")
    volunteer.groups.add(Group.objects.get(name=GATE_STAFF))
    for visitor in others:
        check_in(
            code=visitor.entry_pass.code,
            event=event,
            gate=gate,
            client_id=str(uuid.uuid4()),
            user=volunteer,
            device="Điện thoại cổng A",
        )
    applicant = PublisherFactory(name="Công ty Sách Alpha")
    ApplicationFactory(
        event=event, publisher=applicant, status=ApplicationStatus.SUBMITTED, booths="", booth_size="standard"
    )
    # A volunteer who mistyped the password too often.
    for _ in range(6):
        Client().post("/scan/login/", {"username": "soatve", "password": "sai"})
    assert AccessAttempt.objects.filter(username="soatve").exists()

    context, page = new_page(browser, DESK)
    base = live_server.url
    page.goto(base + "/admin/login/")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("password")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/admin/")

    # The dashboard: today's capacity, the waiting list and applications to review, first.
    panel = page.locator(".book-day-panel")
    expect(panel).to_contain_text(event.title)
    expect(panel.locator("tr[aria-current=date]")).to_contain_text("9 / 12")
    expect(panel).to_contain_text("2 lượt đăng ký trong danh sách chờ")
    shoot(page, "organisers-01-dashboard")

    # Find a visitor by the phone number as they say it.
    page.goto(base + "/admin/registrations/")
    page.get_by_placeholder("Tìm kiếm…").fill("0912 345 678")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Trần Thị Mai")
    shoot(page, "organisers-02-search")

    page.get_by_role("link", name="Trần Thị Mai").click()
    page.wait_for_url(f"**/admin/registrations/inspect/{mai.pk}/")
    expect(page.get_by_role("link", name="Gửi lại vé")).to_be_visible()
    expect(page.get_by_role("link", name="Hủy đăng ký")).to_be_visible()
    shoot(page, "organisers-03-registration")

    # Resend the pass: it says where it goes first.
    mail.outbox.clear()
    page.get_by_role("link", name="Gửi lại vé").click()
    expect(page.get_by_text("Gửi lại vé tới mai@example.vn?")).to_be_visible()
    shoot(page, "organisers-04-resend")
    page.get_by_role("button", name="Gửi lại vé").click()
    expect(page.get_by_text("Đã gửi lại vé tới mai@example.vn", exact=False)).to_be_visible()
    assert [m.to for m in mail.outbox] == [["mai@example.vn"]]

    # Cancel, after a confirmation.
    page.get_by_role("link", name="Hủy đăng ký").click()
    expect(page.get_by_text("Hủy lượt đăng ký của Trần Thị Mai?", exact=False)).to_be_visible()
    shoot(page, "organisers-05-cancel")
    page.get_by_role("button", name="Có, hủy lượt đăng ký").click()
    expect(page.get_by_text("Đã hủy lượt đăng ký của Trần Thị Mai.", exact=False)).to_be_visible()
    assert Registration.objects.get(pk=mai.pk).status == RegistrationStatus.CANCELLED

    # The waiting list, in queue order.
    page.goto(base + "/admin/waiting_list/")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Đỗ Minh Quân")
    expect(rows.nth(1)).to_contain_text("Vũ Thị Hà")
    shoot(page, "organisers-06-waiting-list")

    # Capacity by day.
    page.goto(base + "/admin/event_days/")
    days = page.locator("table.listing tbody")
    expect(days).to_contain_text(today.strftime("%d/%m/%Y"))
    expect(days).to_contain_text(tomorrow.strftime("%d/%m/%Y"))
    shoot(page, "organisers-07-capacity")

    # Figures and reports: the page, with its exports.
    page.goto(base + f"/admin/event_reports/{event.pk}/")
    expect(page.locator("main")).to_contain_text("PDF")
    shoot(page, "organisers-08-figures")

    # Check-ins at the gates.
    page.goto(base + "/admin/checkins/")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.listing")).to_contain_text("Cổng A")
    shoot(page, "organisers-09-check-ins")

    # Exhibitor applications: the list, then one to approve with a booth.
    page.goto(base + "/admin/exhibitor_applications/")
    expect(page.locator("table.listing tbody tr")).to_contain_text("Công ty Sách Alpha")
    shoot(page, "organisers-10-applications")
    page.get_by_role("link", name="Công ty Sách Alpha").first.click()
    expect(page.locator("main")).to_contain_text("Chờ xét duyệt")
    shoot(page, "organisers-11-application")

    # A volunteer locked out after wrong passwords: Settings → locked sign-ins.
    page.goto(base + "/admin/locked-sign-ins/")
    expect(page.locator("main")).to_contain_text("soatve")
    shoot(page, "organisers-12-locked-sign-ins")
    page.get_by_role("button", name="Mở khóa", exact=False).first.click()
    page.wait_for_load_state()
    assert not AccessAttempt.objects.exists()
    assert page.errors == []
    context.close()


# ---------------------------------------------------------------------------------------------
# Publishers: the portal at a desk, the stock table on a phone at the booth.


def spreadsheet(existing) -> bytes:
    """The demo's two new titles and one bad ISBN, plus a new price and count for a title the
    publisher already lists: the preview shows that change as old → new."""
    workbook = load_workbook(io.BytesIO(two_new_titles_and_a_bad_isbn()))
    workbook.active.append([existing.isbn, existing.title, existing.authors, "Văn học", 120000, 99000, 35])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_publishers_guide(live_server, browser, event, settings, shoot):
    settings.BASE_URL = live_server.url
    member = PublisherUserFactory(
        user__email="banhang@kimdong.vn", user__username="banhang@kimdong.vn", publisher__name="NXB Kim Đồng"
    )
    exhibitor = ExhibitorFactory(publisher=member.publisher, event=event, booths="B07")
    listings = {
        name: StockListingFactory(
            exhibitor=exhibitor, title__title=name, title__authors=authors, copies=copies, copies_sold=sold
        )
        for name, authors, copies, sold in [
            ("Tắt đèn", "Ngô Tất Tố", 30, 4),
            ("Số đỏ", "Vũ Trọng Phụng", 25, 11),
            ("Tuổi thơ dữ dội", "Phùng Quán", 40, 9),
        ]
    }
    so_do = listings["Số đỏ"].title
    base = live_server.url

    context, page = new_page(browser, DESK)
    page.goto(base + "/publisher/login/")
    shoot(page, "publishers-01-sign-in")
    page.locator("#id_username").fill("banhang@kimdong.vn")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{base}/publisher/")
    expect(page.locator("main")).to_contain_text("B07")
    shoot(page, "publishers-02-home")

    page.goto(base + "/publisher/titles/")
    expect(page.locator("main")).to_contain_text("Số đỏ")
    shoot(page, "publishers-03-titles")

    # Import a spreadsheet: the preview shows what will change before anything is saved.
    page.goto(f"{base}/publisher/events/{event.pk}/import/")
    shoot(page, "publishers-04-import")
    page.locator("input[type=file]").set_input_files(
        {
            "name": "sach-hoi-sach.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": spreadsheet(so_do),
        }
    )
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(f"**/publisher/events/{event.pk}/import/*/")
    expect(page.locator("#refused-rows tbody tr")).to_have_count(1)
    accepted = page.locator("#accepted-rows tbody tr")
    expect(accepted).to_have_count(3)
    expect(accepted.filter(has_text="Số đỏ")).to_contain_text("→")  # old → new, before saving
    shoot(page, "publishers-05-import-preview", element=page.locator("main"))
    page.locator("#confirm-import").click()
    page.wait_for_url(f"**/publisher/events/{event.pk}/stock/")
    expect(page.get_by_role("rowheader", name="Đường xưa mây trắng", exact=True)).to_be_visible()
    assert page.errors == []
    context.close()

    # At the booth, on a phone: the stock table.
    context, phone = new_page(browser, PHONE, mobile=True)
    phone.goto(base + "/publisher/login/")
    phone.locator("#id_username").fill("banhang@kimdong.vn")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url(f"{base}/publisher/")
    phone.goto(f"{base}/publisher/events/{event.pk}/stock/")
    expect(phone.get_by_role("rowheader", name="Số đỏ", exact=True)).to_be_visible()
    assert phone.get_by_role("rowheader", name="Số đỏ", exact=True).count() == 1
    fits(phone)
    # One more copy of "Số đỏ" sold: the + beside the count saves it at once.
    listing = listings["Số đỏ"]
    listing.refresh_from_db()
    sold = phone.locator(f"#sold-{listing.pk}")
    sold.locator("xpath=following-sibling::button[@value='1']").click()
    phone.wait_for_load_state()
    expect(phone.locator(f"#sold-{listing.pk}")).to_have_value(str(listing.copies_sold + 1))
    listing_sold = type(listing).objects.get(pk=listing.pk).copies_sold
    assert listing_sold == listing.copies_sold + 1
    phone.wait_for_timeout(1000)  # the page scrolls smoothly back to the saved row first
    phone.get_by_role("rowheader", name="Số đỏ", exact=True).evaluate(
        "cell => cell.scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    shoot(phone, "publishers-06-stock-phone")
    assert phone.errors == []
    context.close()


# ---------------------------------------------------------------------------------------------
# Visitors, on their phone: what the help desk is asked about.


def test_visitors_guide(live_server, browser, event, settings, shoot):
    settings.BASE_URL = live_server.url
    event.daily_capacity = 10
    event.walk_in_policy = "Vẫn có thể vào cửa tự do khi còn chỗ."
    event.save_revision().publish()
    event.refresh_from_db()
    today, tomorrow = timezone.localdate(), timezone.localdate() + timezone.timedelta(days=1)
    register_visitor(event, visit_date=tomorrow, party_size=10, organisation="Trường THPT Hàn Thuyên")
    base = live_server.url
    context, phone = new_page(browser, PHONE, mobile=True)

    phone.goto(base + event.url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(event.title)
    fits(phone)
    shoot(phone, "visitors-01-event")

    # Register: name, email, mobile number, the day, how many people, consent.
    phone.get_by_role("link", name="Đăng ký", exact=True).first.click()
    phone.get_by_label("Họ và tên").fill("Đặng Thị Hương")
    phone.get_by_label("Email", exact=True).fill("huong@gmail.com")
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    day = phone.get_by_label(today.strftime("%d/%m/%Y"), exact=False)
    day.check()
    phone.get_by_label("Số người").fill("2")
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    day.evaluate("d => d.scrollIntoView({block: 'center', behavior: 'instant'})")
    solve_altcha(phone)
    fits(phone)
    shoot(phone, "visitors-02-form")
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()

    # The pass: confirmed, the QR on the first screen, where it was sent.
    mine = Registration.objects.get(email="huong@gmail.com")
    phone.wait_for_url(f"**/p/{mine.entry_pass.code}/")
    expect(phone.get_by_text("Đã xác nhận: xuất trình mã QR này tại cổng.")).to_be_visible()
    expect(phone.get_by_text("h***@gmail.com", exact=False)).to_be_visible()
    qr = phone.locator(".pass__qr svg").bounding_box()
    assert qr["width"] >= 250 and qr["y"] + qr["height"] <= PHONE["height"]
    shoot(phone, "visitors-03-pass")

    # At the gate: the QR full-screen.
    phone.get_by_role("link", name="Xuất trình tại cổng (toàn màn hình)").click()
    assert phone.locator(".gate-mode__qr svg").bounding_box()["width"] >= 320
    shoot(phone, "visitors-04-gate-mode")

    # A full day: a place in the waiting list, plainly not a pass.
    phone.goto(f"{base}/events/{event.pk}/register/")
    phone.get_by_label("Họ và tên").fill("Lê Văn Nam")
    phone.get_by_label("Email", exact=True).fill("nam@example.vn")
    phone.get_by_label("Số điện thoại di động").fill("0987 654 321")
    phone.get_by_label(tomorrow.strftime("%d/%m/%Y"), exact=False).check()
    phone.get_by_label("Số người").fill("1")
    phone.get_by_label("Tôi đồng ý", exact=False).check()
    solve_altcha(phone)
    phone.get_by_role("button", name="Đăng ký và nhận vé").click()
    phone.wait_for_url("**/p/*/")
    expect(phone.get_by_text("Chưa có giá trị vào cửa.")).to_be_visible()
    expect(phone.get_by_text(f"Bạn đứng thứ 1 trong danh sách chờ ngày {tomorrow:%d/%m}.")).to_be_visible()
    assert phone.locator(".pass__qr").count() == 0
    shoot(phone, "visitors-05-waiting-list")

    # Lost the pass: "find my pass" sends every pass of the address again.
    mail.outbox.clear()
    phone.goto(base + "/passes/find/")
    phone.locator("#id_email").fill("huong@gmail.com")
    solve_altcha(phone)
    shoot(phone, "visitors-06-find-pass")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    wait_until(phone, lambda: [m.to for m in mail.outbox] == [["huong@gmail.com"]])
    assert phone.errors == []
    context.close()
