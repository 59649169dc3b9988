"""Organisers manage registrations in the Wagtail admin."""

import csv
import datetime as dt
import io

import pytest
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


def test_resend_and_cancel_from_the_admin(admin_client, registrations, django_capture_on_commit_callbacks):
    registration = registrations[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{URL}resend/{registration.pk}/")
    assert [m.to for m in mail.outbox] == [["huong@example.vn"]]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{URL}cancel/{registration.pk}/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert admin_client.get(f"{URL}cancel/{registration.pk}/").status_code == 405  # never on a GET


def test_registrations_cannot_be_deleted(admin_client, registrations):
    assert admin_client.get(f"{URL}delete/{registrations[0].pk}/").status_code == 404
    assert Registration.objects.count() == 2


def test_editors_and_gate_staff_cannot_see_registrations(client, registrations):
    from django.contrib.auth.models import Group, User

    editor = User.objects.create_user("bientap", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(URL).status_code in (302, 403)
