"""A group's hold as the teacher sees it: the pending page, the emailed link, the pass; the API."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail

from events.enums import RegistrationStatus
from events.models import Registration
from tests.altcha import altcha_solution
from tests.conftest import pinned_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(event):
    event.confirm_groups_above = 10
    event.save_revision().publish()
    event.refresh_from_db()
    return event


@pytest.fixture
def class_of_30(fair):
    return {
        "full_name": "Trần Thị Mai",
        "email": "mai.gv@example.vn",
        "phone": "0912 345 678",
        "visit_date": (fair.start_date + dt.timedelta(days=1)).isoformat(),
        "party_size": "30",
        "organisation": "Trường THCS Suối Hoa",
        "consent": "on",
        "website": "",
    }


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def register(client, fair, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/events/{fair.pk}/register/", {"altcha": altcha_solution(), **data})


def emailed_link(message) -> str:
    return re.search(r"http://testserver(/register/confirm/[^/\s]+/)", message.body).group(1)


def test_the_pending_page_says_check_your_email_and_until_when_with_no_pass(
    client, fair, class_of_30, django_capture_on_commit_callbacks
):
    response = register(client, fair, class_of_30, django_capture_on_commit_callbacks)
    registration = Registration.objects.get()
    code = registration.entry_pass.code
    assert response.status_code == 302 and response["Location"] == f"/p/{code}/"
    page = client.get(f"/p/{code}/")
    shown = text(page)
    assert "Kiểm tra email để xác nhận" in shown
    assert "30 chỗ của bạn được giữ đến 12:00 ngày" in shown
    assert "m***@example.vn" in shown
    assert "<svg" not in page.content.decode().split("pass__status")[1].split("pass__facts")[0]
    assert code not in page.content.decode().replace(f"/p/{code}/", "")  # the code only in links
    assert client.get(f"/p/{code}/pass.pdf")["Location"] == f"/p/{code}/"
    assert client.get(f"/p/{code}/gate/")["Location"] == f"/p/{code}/"
    assert client.get(f"/p/{code}/access/")["Location"] == f"/p/{code}/"
    [message] = mail.outbox
    assert emailed_link(message).startswith("/register/confirm/")


def test_the_link_asks_first_then_confirms_and_leads_to_the_pass(
    client, fair, class_of_30, django_capture_on_commit_callbacks
):
    register(client, fair, class_of_30, django_capture_on_commit_callbacks)
    link = emailed_link(mail.outbox[0])
    mail.outbox.clear()
    asked = client.get(link)  # a mail scanner opening the link confirms nothing
    assert asked.status_code == 200 and "Xác nhận và nhận vé vào cổng" in text(asked)
    assert Registration.objects.get().status == RegistrationStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    code = Registration.objects.get().entry_pass.code
    assert done["Location"] == f"/p/{code}/?confirmed=1"
    page = client.get(done["Location"])
    assert "Đã xác nhận" in text(page) and 'class="qr"' in page.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments
    again = client.post(link)  # a second click: the pass, nothing new
    assert again["Location"] == f"/p/{code}/?already_confirmed=1" and len(mail.outbox) == 1


def test_a_late_link_says_the_places_were_released_and_offers_to_register_again(
    client, fair, class_of_30, clock, django_capture_on_commit_callbacks
):
    register(client, fair, class_of_30, django_capture_on_commit_callbacks)
    link = emailed_link(mail.outbox[0])
    clock.move_to(pinned_now(dt.time(12, 30)))
    late = client.get(link)  # the first to notice releases it: the places left are exact
    assert late.status_code == 410
    shown = text(late)
    assert "Đã trả lại chỗ" in shown
    assert "vẫn còn 100 chỗ" in shown and "Đăng ký lại" in shown
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.EXPIRED
    assert "Đã trả lại chỗ" in text(client.get(f"/p/{registration.entry_pass.code}/"))
    assert client.post(link).status_code == 410


def test_a_forged_link_is_a_clear_404(client, fair):
    response = client.get("/register/confirm/eyJyIjoxfQ:1xZ:forged/")
    assert response.status_code == 404
    assert "Liên kết không hợp lệ" in text(response)


def test_the_api_answers_pending_confirmation_without_a_code(
    client, fair, class_of_30, django_capture_on_commit_callbacks
):
    body = {**class_of_30, "party_size": 30, "consent": True, "altcha": altcha_solution()}
    body.pop("website")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/events/{fair.pk}/registrations/", body, content_type="application/json"
        )
    assert response.status_code == 201
    assert response.json() == {
        "code": None,
        "status": "pending_confirmation",
        "pass_url": None,
        "pdf_url": None,
        "held_until": response.json()["held_until"],
    }
    assert response.json()["held_until"].startswith(f"{pinned_now().date().isoformat()}T12:00:")
    assert response.json()["held_until"].endswith("+07:00")
    assert "/register/confirm/" in mail.outbox[0].body


def test_the_schema_documents_the_pending_answer(client):
    schema = client.get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["RegistrationOut"]["properties"]
    assert "pending_confirmation" in out["status"]["description"]
    assert "held_until" in out


def test_organisers_filter_the_holds_and_see_until_when(
    admin_client, client, fair, class_of_30, django_capture_on_commit_callbacks
):
    register(client, fair, class_of_30, django_capture_on_commit_callbacks)
    held = text(admin_client.get("/admin/registrations/", {"status": "pending_confirmation"}))
    assert "Trần Thị Mai" in held and "Chờ xác nhận email (giữ chỗ đến 12:00 " in held
    assert "Trần Thị Mai" not in text(admin_client.get("/admin/registrations/", {"status": "confirmed"}))


def test_the_form_says_before_posting_that_a_group_confirms_its_email(client, fair):
    shown = text(client.get(f"/events/{fair.pk}/register/"))
    assert "Đoàn trên 10 người nhận vé sau khi xác nhận liên kết chúng tôi gửi qua email" in shown
