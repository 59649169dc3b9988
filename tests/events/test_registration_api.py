"""POST /api/v1/events/{id}/registrations/ for schools and partners."""

import datetime as dt

import pytest
from django.core import mail

from events.models import Registration
from tests.altcha import altcha_solution, wrong_solution

pytestmark = pytest.mark.django_db


@pytest.fixture
def payload(event):
    return {
        "full_name": "Đặng Thị Hương",
        "email": "huong@example.vn",
        "phone": "+84 912 345 678",
        "visit_date": (event.start_date + dt.timedelta(days=1)).isoformat(),
        "party_size": 40,
        "organisation": "Trường THCS Suối Hoa",
        "consent": True,
    }


def post(client, event, body, **headers):
    """Post as a partner's program does: with the proof-of-work check solved."""
    return client.post(
        f"/api/v1/events/{event.pk}/registrations/",
        {"altcha": altcha_solution(), **body},
        content_type="application/json",
        headers=headers,
    )


def test_a_group_registration_returns_its_pass(client, event, payload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, payload)
    assert response.status_code == 201
    body = response.json()
    registration = Registration.objects.get()
    code = registration.entry_pass.code
    assert body == {
        "code": code,
        "status": "confirmed",
        "pass_url": f"http://testserver/p/{code}/",
        "pdf_url": f"http://testserver/p/{code}/pass.pdf",
        "held_until": None,
    }
    assert (registration.party_size, registration.source, registration.phone) == (40, "api", "+84912345678")
    assert len(mail.outbox) == 1


def test_a_repeat_answers_200_without_the_code(client, event, payload, django_capture_on_commit_callbacks):
    post(client, event, payload)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, {**payload, "email": "HUONG@example.vn"})
    assert response.status_code == 200
    assert response.json() == {"status": "already_registered"}
    assert len(mail.outbox) == 1 and Registration.objects.count() == 1


def test_full_and_closed_are_409(client, event, event_index, payload):
    event.daily_capacity = 50
    event.save_revision().publish()
    assert post(client, event, payload).json()["status"] == "confirmed"
    response = post(client, event, {**payload, "email": "lop-6a@example.vn", "join_waitlist": False})
    assert response.status_code == 409
    assert response.json()["code"] == "full"
    assert response.json()["message"] == "Ngày này đã kín chỗ."
    waiting = post(client, event, {**payload, "email": "lop-6a@example.vn"})
    assert waiting.status_code == 201 and waiting.json()["status"] == "waiting"

    from tests.factories import EventPageFactory

    past = EventPageFactory(
        parent=event_index, start_date=dt.date(2020, 4, 18), end_date=dt.date(2020, 4, 20)
    )
    closed = post(client, past, {**payload, "visit_date": "2020-04-19"})
    assert closed.status_code == 409
    assert closed.json() == {"code": "closed", "message": "Đăng ký cho sự kiện này đã đóng."}


def test_invalid_input_is_422_with_translated_messages_per_field(client, event, payload):
    bad = {
        **payload,
        "email": "khong-phai-email",
        "phone": "123",
        "visit_date": "2001-01-01",
        "party_size": 0,
        "consent": False,
        "organisation": "",
    }
    response = post(client, event, bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"email", "phone", "visit_date", "party_size", "consent"}
    assert body["errors"]["phone"] == ["Hãy nhập số điện thoại di động Việt Nam, ví dụ 0912 345 678."]
    english = post(client, event, bad, accept_language="en").json()
    assert english["errors"]["visit_date"] == ["Pick one of the days of the event."]
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"party_size": "bốn mươi"}, "party_size"),
        ({"visit_date": "25/11/2026"}, "visit_date"),
        ({"full_name": "x" * 500}, "full_name"),
        ({"consent": None}, "consent"),
    ],
)
def test_wrongly_typed_fields_are_422(client, event, payload, body, field):
    response = post(client, event, {**payload, **body})
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_missing_fields_and_broken_json(client, event):
    response = post(client, event, {})
    assert response.status_code == 422
    assert response.json()["errors"]["full_name"] == ["Trường này là bắt buộc."]
    broken = client.post(
        f"/api/v1/events/{event.pk}/registrations/", "{not json", content_type="application/json"
    )
    assert broken.status_code == 400 and broken.json()["code"] == "malformed"


def test_unknown_or_draft_event_is_404(client, event, payload):
    assert post(client, event, payload).status_code == 201
    response = client.post("/api/v1/events/999999/registrations/", payload, content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    event.unpublish()
    assert post(client, event, {**payload, "email": "khac@example.vn"}).status_code == 404


def test_registration_endpoint_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/events/{event_id}/registrations/"]["post"]
    assert set(operation["responses"]) >= {"201", "200", "409", "422"}


def test_repeats_for_one_email_are_rate_limited_but_others_behind_the_address_are_not(
    client, event, payload, settings
):
    settings.RATE_LIMIT_PER_EMAIL = 2
    assert post(client, event, payload).status_code == 201
    assert post(client, event, payload).status_code == 200  # already registered, pass re-sent
    response = post(client, event, payload)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert Registration.objects.count() == 1
    assert post(client, event, {**payload, "email": "lop-8a@example.vn"}).status_code == 201


@pytest.mark.parametrize("answer", ["", wrong_solution])
def test_the_api_requires_the_same_check_as_the_form(client, event, payload, answer):
    response = post(client, event, {**payload, "altcha": answer() if callable(answer) else answer})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert "altcha" in response.json()["errors"]
    assert not Registration.objects.exists()
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["RegistrationIn"]
    assert "/altcha/challenge/" in schema["properties"]["altcha"]["description"]
