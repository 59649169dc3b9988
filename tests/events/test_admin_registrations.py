"""Organisers manage registrations in the Wagtail admin."""

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from openpyxl import load_workbook

from events.models import Registration
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db

URL = "/admin/registrations/"


@pytest.fixture
def registrations(event):
    day = event.start_date + dt.timedelta(days=1)
    return [
        register_visitor(
            event, full_name="Đặng Thị Hương", email="huong@example.vn", visit_date=day
        ).registration,
        register_visitor(
            event,
            full_name="Nguyễn Văn Ưng",
            email="ung@example.vn",
            visit_date=day,
            party_size=30,
            organisation="Trường THCS Suối Hoa",
        ).registration,
    ]


def test_listing_search_and_filters(admin_client, registrations):
    html = admin_client.get(URL).content.decode()
    assert "Đặng Thị Hương" in html and "Nguyễn Văn Ưng" in html
    assert "0912 345 678" in html
    found = admin_client.get(URL, {"q": "suối hoa"}).content.decode()
    assert "Nguyễn Văn Ưng" in found and "Đặng Thị Hương" not in found
    code = registrations[0].entry_pass.code
    assert "Đặng Thị Hương" in admin_client.get(URL, {"q": code}).content.decode()
    cancelled = admin_client.get(URL, {"status": "cancelled"}).content.decode()
    assert "Đặng Thị Hương" not in cancelled


def test_export_as_spreadsheet_and_csv(admin_client, registrations):
    xlsx = admin_client.get(URL, {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)
    ).active
    rows = list(sheet.values)
    assert "Mã vé" in rows[0]
    assert any("Nguyễn Văn Ưng" in (cell or "") for row in rows for cell in map(str, row))
    response = admin_client.get(URL, {"export": "csv"})
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "Trường THCS Suối Hoa" in "\n".join(",".join(r) for r in csv.reader(io.StringIO(text)))


def test_capacity_by_day_shows_used_over_total(admin_client, event, registrations):
    html = admin_client.get("/admin/event_days/").content.decode()
    assert f"31 / {event.daily_capacity}" in html


def test_add_by_hand_goes_through_the_registration_rules(admin_client, event):
    day = event.start_date + dt.timedelta(days=1)
    data = {
        "event": event.pk,
        "visit_date": day.strftime("%d/%m/%Y"),
        "full_name": "Lê Văn Nam",
        "email": "nam@example.vn",
        "phone": "0987 654 321",
        "party_size": "2",
        "organisation": "",
        "consent": "on",
        "join_waitlist": "on",
    }
    response = admin_client.post(URL + "new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get()
    assert (registration.source, registration.phone, registration.status) == (
        "admin",
        "+84987654321",
        "confirmed",
    )
    refused = admin_client.post(URL + "new/", {**data, "email": "x@example.vn", "party_size": "12"})
    assert refused.status_code == 200
    assert "phải ghi tên trường hoặc tổ chức" in refused.content.decode()
    assert Registration.objects.count() == 1


def test_resend_and_cancel_ask_first_and_act_only_on_post(
    admin_client, registrations, django_capture_on_commit_callbacks
):
    registration = registrations[0]
    mail.outbox.clear()
    confirm = admin_client.get(f"{URL}resend/{registration.pk}/").content.decode()
    assert "huong@example.vn" in confirm and "Gửi lại vé" in confirm
    assert mail.outbox == []  # a GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{URL}resend/{registration.pk}/")
    assert [m.to for m in mail.outbox] == [["huong@example.vn"]]
    confirm = admin_client.get(f"{URL}cancel/{registration.pk}/").content.decode()
    assert "Hủy đăng ký" in confirm and "Đặng Thị Hương" in confirm
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{URL}cancel/{registration.pk}/", {"next": f"{URL}?q=huong"})
    assert response.status_code == 302 and response.url == f"{URL}?q=huong"
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    # Back to an outside address is refused: the registration's page instead.
    outside = admin_client.post(f"{URL}resend/{registration.pk}/", {"next": "https://evil.example/"})
    assert outside.url == f"{URL}inspect/{registration.pk}/"


def test_registrations_cannot_be_deleted(admin_client, registrations):
    assert admin_client.get(f"{URL}delete/{registrations[0].pk}/").status_code == 404
    assert Registration.objects.count() == 2


def test_editors_and_gate_staff_cannot_see_registrations(client, registrations):
    from django.contrib.auth.models import Group, User

    editor = User.objects.create_user("bientap", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(URL).status_code in (302, 403)


# --- The help desk, as an organiser sees it ----------------------------------------------------

SAIGON = dt.timezone(dt.timedelta(hours=7))


def cells(response) -> list[list[str]]:
    """The rows of a CSV export, after checking it starts with the byte-order mark Excel needs."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))


def xlsx_rows(response) -> list[tuple]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(body)).active.values)


@pytest.fixture
def gate(event):
    from events.models import Gate

    return Gate.objects.create(event=event, name="Cổng chính")


@pytest.fixture
def hong(event):
    return register_visitor(
        event,
        full_name="Nguyễn Thị Hồng",
        email="hong@example.vn",
        phone="+84987111222",
        party_size=3,
        visit_date=event.start_date + dt.timedelta(days=1),
    ).registration


def admit(event, gate, registration, *, at: dt.datetime, people: int, client_id: str, **extra):
    from events.services.checkin import check_in

    return check_in(
        code=registration.entry_pass.code,
        event=event,
        gate=gate,
        client_id=client_id,
        scanned_at=at,
        headcount=people,
        now=at,
        **extra,
    )


def test_search_finds_a_phone_in_any_spelling_and_a_name_without_accents(admin_client, registrations, hong):
    for query in [
        "0987 111 222",
        "0987111222",
        "+84987111222",
        "84 987 111 222",
        "111 222",
        "nguyen thi hong",
        "NGUYEN THI HONG",
        "Hồng",
        "hong@example",
    ]:
        html = admin_client.get(URL, {"q": query}).content.decode()
        assert "Nguyễn Thị Hồng" in html, query
        assert "Đặng Thị Hương" not in html, query
    assert "Nguyễn Thị Hồng" not in admin_client.get(URL, {"q": "nguyen van hong"}).content.decode()
    tail = admin_client.get(URL, {"q": hong.entry_pass.code[-6:].lower()}).content.decode()
    assert "Nguyễn Thị Hồng" in tail and "Đặng Thị Hương" not in tail  # the code's end, read out


def test_each_row_offers_resend_and_cancel_and_opens_the_registration_page(admin_client, registrations):
    html = admin_client.get(URL).content.decode()
    for registration in registrations:
        assert f'href="{URL}inspect/{registration.pk}/"' in html  # the name opens its page
        assert f"{URL}resend/{registration.pk}/?next=" in html
        assert f"{URL}cancel/{registration.pk}/?next=" in html
    assert "Gửi lại vé" in html and "Hủy đăng ký" in html


def test_a_registration_page_shows_its_check_ins_in_local_time_and_no_none(admin_client, event, gate, hong):
    from events.services.checkin import undo

    staff = User.objects.create_user("soatve1", first_name="Lan", last_name="Trần")
    day = hong.day.date
    first = dt.datetime.combine(day, dt.time(9, 5), tzinfo=SAIGON)
    admit(event, gate, hong, at=first, people=2, client_id="desk-0001", user=staff)
    second = admit(
        event,
        gate,
        hong,
        at=first + dt.timedelta(minutes=30),
        people=1,
        client_id="desk-0002",
        method="lookup",
    )
    undo(event=event, target="desk-0002", user=staff, now=first + dt.timedelta(minutes=31))
    assert second.checkin.pk
    html = admin_client.get(f"{URL}inspect/{hong.pk}/").content.decode()
    assert "Nguyễn Thị Hồng" in html and "0987 111 222" in html
    assert "09:05 " in html and "09:35 " in html and "09:36 " in html  # 02:05 UTC shown as 09:05
    assert "Cổng chính" in html and "Quét mã QR" in html and "Tìm theo tên hoặc số điện thoại" in html
    assert "Trần" in html or "Lan" in html  # who undid the second admission
    assert "Tiếng Việt" in html and ">vi<" not in html
    assert not re.search(r">\s*None\s*<", html)  # no empty value printed as "None"
    assert f"{URL}resend/{hong.pk}/" in html and f"{URL}cancel/{hong.pk}/" in html


def test_the_waiting_list_is_in_queue_order_with_positions(admin_client, event):
    from events.models import Registration

    day = event.start_date + dt.timedelta(days=1)
    event.daily_capacity = 2
    event.save()
    register_visitor(event, full_name="Người Đủ Chỗ", party_size=2, visit_date=day)
    base = dt.datetime.combine(day - dt.timedelta(days=5), dt.time(8, 0), tzinfo=SAIGON)
    for minutes, name in [(0, "Chờ Thứ Nhất"), (10, "Chờ Thứ Hai"), (20, "Chờ Thứ Ba")]:
        register_visitor(
            event,
            full_name=name,
            visit_date=day,
            join_waitlist=True,
            now=base + dt.timedelta(minutes=minutes),
        )
    # Joined first, listed last by default (newest first): the queue order must not depend on it.
    Registration.objects.filter(full_name="Chờ Thứ Nhất").update(created_at=base - dt.timedelta(hours=1))
    html = admin_client.get(URL, {"status": "waiting"}).content.decode()
    order = [html.index(name) for name in ["Chờ Thứ Nhất", "Chờ Thứ Hai", "Chờ Thứ Ba"]]
    assert order == sorted(order)
    assert "Người Đủ Chỗ" not in html
    assert "Danh sách chờ" in html
    assert "(thứ 1)" in html and "(thứ 3)" in html


def test_registration_export_is_ready_for_vietnamese_excel(admin_client, event, gate, hong):
    admitted_at = dt.datetime.combine(hong.day.date, dt.time(9, 5), tzinfo=SAIGON)
    admit(event, gate, hong, at=admitted_at, people=2, client_id="export-0001")
    rows = cells(admin_client.get(URL, {"export": "csv"}))
    heading, row = rows[0], rows[1]
    record = dict(zip(heading, row, strict=True))
    assert record["Trạng thái"] == "Đã xác nhận" and record["Nguồn"] == "Trang web"
    assert record["Điện thoại"] == "0987 111 222"
    assert record["Số người đã vào"] == "2"
    assert record["Lần vào đầu tiên"] == admitted_at.strftime("%d/%m/%Y 09:05")
    created = hong.created_at.astimezone(SAIGON).strftime("%d/%m/%Y %H:%M")
    assert record["Thời điểm đăng ký"] == created
    assert "None" not in ",".join(row) and "confirmed" not in row and "web" not in row
    sheet = xlsx_rows(admin_client.get(URL, {"export": "xlsx"}))
    record = dict(zip(sheet[0], sheet[1], strict=True))
    assert record["Trạng thái"] == "Đã xác nhận"
    assert record["Lần vào đầu tiên"] == admitted_at.replace(tzinfo=None)  # local, not 02:05 UTC
    assert record["Số người đã vào"] == 2


def test_check_in_and_walk_in_lists_show_how_and_undone_by_whom(admin_client, event, gate, hong):
    from events.services.checkin import record_walk_ins, undo

    staff = User.objects.create_user("soatve2", first_name="Minh", last_name="Phạm")
    at = dt.datetime.combine(hong.day.date, dt.time(10, 0), tzinfo=SAIGON)
    admit(event, gate, hong, at=at, people=1, client_id="list-0001", method="typed")
    record_walk_ins(event=event, gate=gate, count=4, client_id="walk-list-01", at=at, now=at)
    undo(event=event, target="walk-list-01", user=staff, now=at + dt.timedelta(minutes=1))
    checkins = admin_client.get("/admin/checkins/").content.decode()
    assert "Nhập mã bằng tay" in checkins  # how the pass was found
    assert "10:00 " in checkins
    walk_ins = admin_client.get("/admin/walk_ins/").content.decode()
    assert "Minh Phạm" in walk_ins or "Phạm Minh" in walk_ins
    assert "10:01 " in walk_ins
    rows = cells(admin_client.get("/admin/walk_ins/", {"export": "csv"}))
    assert rows[1][rows[0].index("Thời điểm hoàn tác")] == at.strftime("%d/%m/%Y 10:01")


def test_pages_are_titled_as_their_menu_entries_and_filters_read_well(admin_client, registrations):
    assert "<title>Xung đột ngoại tuyến" in admin_client.get("/admin/offline_conflicts/").content.decode()
    assert "<title>Sức chứa theo ngày" in admin_client.get("/admin/event_days/").content.decode()
    html = admin_client.get(URL).content.decode()
    assert "Ngày ngày" not in html
    # A date picker: Wagtail's set-up call, written as data for the Content-Security-Policy.
    assert "Ngày tham quan" in html
    assert re.search(r'data-bookday-init>\{"call": "initDateChooser"[^<]*"id_visit_date"', html)


def test_dashboard_starts_with_capacity_waiting_list_and_applications(admin_client, event, registrations):
    from django.test import override_settings

    with override_settings():
        html = admin_client.get("/admin/").content.decode()
    panel = html.index('id="book-day-panel-title"')
    assert panel < html.index('id="figures-panel-title"')
    day = registrations[0].day.date
    assert day.strftime("%d/%m/%Y") in html[panel:]
    assert f"31 / {event.daily_capacity}" in html[panel:]
    assert "danh sách chờ" in html[panel:] and "chờ duyệt" in html[panel:]
    # No request leaves the server: no Gravatar images, no check for Wagtail releases.
    assert "gravatar.com" not in html and "releases.wagtail.org" not in html
