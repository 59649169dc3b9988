"""The programme and a pass's session bookings in the JSON API (the contract)."""

import datetime as dt

import pytest

from events.enums import ProgrammeKind
from events.models import SessionBooking
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(event):
    return event.start_date + dt.timedelta(days=1)


@pytest.fixture
def signing(event, today):
    return ProgrammeItemFactory(
        page=event,
        date=today,
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=2,
        kind=ProgrammeKind.SIGNING,
        title="Ký tặng - Nguyễn Nhật Ánh",
    )


def a_pass(event, day, party_size=2):
    return register_visitor(event, visit_date=day, party_size=party_size).registration.entry_pass


def post(client, code, body):
    return client.post(f"/api/v1/passes/{code}/sessions/", body, content_type="application/json")


def test_the_programme_lists_places_and_places_left(client, event, today, signing):
    talk = ProgrammeItemFactory(page=event, date=today, start_time=dt.time(16, 0), places=None)
    post(client, a_pass(event, today).code, {"session_id": signing.pk, "people": 1})
    response = client.get(f"/api/v1/events/{event.pk}/programme/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()}
    assert (rows[signing.pk]["places"], rows[signing.pk]["places_left"]) == (2, 1)
    assert (rows[talk.pk]["places"], rows[talk.pk]["places_left"]) == (None, None)


def test_book_201_then_200_then_cancel(client, event, today, signing):
    code = a_pass(event, today).code
    first = post(client, code, {"session_id": signing.pk, "people": 2})
    assert first.status_code == 201
    assert first.json() == {
        "session_id": signing.pk,
        "title": "Ký tặng - Nguyễn Nhật Ánh",
        "status": "booked",
        "people": 2,
        "queue_number": 1,
    }
    assert post(client, code, {"session_id": signing.pk, "people": 2}).status_code == 200
    deleted = client.delete(f"/api/v1/passes/{code}/sessions/?session_id={signing.pk}")
    assert deleted.status_code == 200
    assert deleted.json() == {"session_id": signing.pk, "status": "cancelled"}
    assert not SessionBooking.objects.active().exists()


@pytest.mark.parametrize("code", ["full", "clash", "not_confirmed", "wrong_day"])
def test_conflicts_answer_409_with_their_code(client, event, today, signing, code):
    entry_pass = a_pass(event, today)
    body = {"session_id": signing.pk, "people": 1}
    if code == "full":
        post(client, a_pass(event, today).code, {"session_id": signing.pk, "people": 2})
        body["join_waitlist"] = False
    elif code == "clash":
        other = ProgrammeItemFactory(
            page=event, date=today, start_time=dt.time(14, 30), end_time=dt.time(15, 30), places=5
        )
        post(client, entry_pass.code, {"session_id": other.pk, "people": 1})
    elif code == "not_confirmed":
        entry_pass.registration.status = "waiting"
        entry_pass.registration.save()
    elif code == "wrong_day":
        body["session_id"] = ProgrammeItemFactory(page=event, date=today + dt.timedelta(days=1), places=5).pk
    response = post(client, entry_pass.code, body)
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_more_people_than_the_pass_admits_is_422_on_people(client, event, today, signing):
    response = post(client, a_pass(event, today, party_size=1).code, {"session_id": signing.pk, "people": 2})
    assert response.status_code == 422
    assert "people" in response.json()["errors"]


def test_unknown_pass_or_another_events_session_is_404(client, event, today, signing):
    from tests.factories import EventPageFactory

    assert post(client, "X" * 26, {"session_id": signing.pk, "people": 1}).status_code == 404
    other = ProgrammeItemFactory(page=EventPageFactory(parent=event.get_parent()), date=today, places=5)
    code = a_pass(event, today).code
    assert post(client, code, {"session_id": other.pk, "people": 1}).status_code == 404
    assert client.delete(f"/api/v1/passes/{code}/sessions/?session_id={signing.pk}").status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/events/{event_id}/programme/" in paths
    assert {"post", "delete"} <= set(paths["/api/v1/passes/{code}/sessions/"])
