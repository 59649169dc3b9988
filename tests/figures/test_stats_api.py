"""GET /api/v1/events/{id}/stats/: organisers only, the documented keys, clear errors."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from home.groups import GATE_STAFF, ORGANISERS
from tests.factories import EventPageFactory
from tests.figures.stats_data import build_books, build_known_event

pytestmark = pytest.mark.django_db

KEYS = {
    "visits",
    "walk_ins",
    "registrations",
    "registered_people",
    "passes_used",
    "no_show_rate",
    "re_entries",
    "exhibitors",
    "titles",
    "copies",
    "copies_sold",
    "by_day",
    "by_hour",
    "by_gate",
    "by_publisher",
    "by_category",
}


def token_for(username: str, group: str) -> str:
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=group))
    out = io.StringIO()
    call_command("scanner_token", username, "--name", f"{username} phone", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def organiser_token(home):
    return token_for("tochuc", ORGANISERS)


@pytest.fixture
def known(event_index):
    known = build_known_event(event_index)
    build_books(known.event, EventPageFactory(parent=event_index, title="Hội sách khác"))
    return known


def get(client, path, token=None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1{path}", headers=headers)


def test_organisers_get_every_figure(client, known, organiser_token):
    response = get(client, f"/events/{known.event.pk}/stats/", organiser_token)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert {k: body[k] for k in KEYS if not k.startswith("by_")} == {
        "visits": 89,
        "walk_ins": 40,
        "registrations": 8,
        "registered_people": 151,
        "passes_used": 4,
        "no_show_rate": 0.4286,
        "re_entries": 2,
        "exhibitors": 2,
        "titles": 4,
        "copies": 240,
        "copies_sold": 22,
    }
    assert body["by_day"][0] == {
        "date": known.d1.isoformat(),
        "visits": 58,
        "admitted": 41,
        "walk_ins": 17,
        "re_entries": 2,
        "registrations": 1,
        "registered_people": 40,
        "waiting": 0,
        "passes_used": 1,
        "registrations_by_type": {"individual": 0, "school": 1, "group": 0},
    }
    assert [(g["name"], g["visits"]) for g in body["by_gate"]] == [("Cổng A", 52), ("Cổng B", 37)]
    assert {h["hour"]: h["visits"] for h in body["by_hour"]}[9] == 33
    assert body["by_publisher"][0] == {
        "publisher_id": body["by_publisher"][0]["publisher_id"],
        "name": "NXB Kim Đồng",
        "kind": "publishing_house",
        "booths": "A1",
        "titles": 3,
        "copies": 170,
        "copies_sold": 15,
    }
    assert [c["copies"] for c in body["by_category"]] == [130, 90, 20]


def test_one_day(client, known, organiser_token):
    body = get(client, f"/events/{known.event.pk}/stats/?day={known.d2}", organiser_token).json()
    assert (body["visits"], len(body["by_day"])) == (28, 1)
    wrong = get(client, f"/events/{known.event.pk}/stats/?day=2001-01-01", organiser_token)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_day")


def test_an_empty_event_answers_zeros(client, event, organiser_token):
    body = get(client, f"/events/{event.pk}/stats/", organiser_token).json()
    assert body["visits"] == body["titles"] == body["no_show_rate"] == 0
    assert body["by_gate"] == body["by_publisher"] == body["by_category"] == []
    assert len(body["by_day"]) == 3 and all(d["visits"] == 0 for d in body["by_day"])


def test_without_a_token_401(client, event):
    response = get(client, f"/events/{event.pk}/stats/")
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert get(client, f"/events/{event.pk}/stats/", "not-a-token").status_code == 401


def test_gate_staff_403(client, event):
    response = get(client, f"/events/{event.pk}/stats/", token_for("soatve", GATE_STAFF))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert response.json()["message"]


def test_unknown_event_404(client, home, organiser_token):
    response = get(client, "/events/999999/stats/", organiser_token)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_an_organiser_logged_in_to_the_admin_may_use_the_session(client, event):
    user = User.objects.create_user("tochuc2", password="x")
    user.groups.add(Group.objects.get(name=ORGANISERS))
    client.force_login(user)
    assert get(client, f"/events/{event.pk}/stats/").status_code == 200


def test_documented_in_the_openapi_schema(client, home):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/events/{event_id}/stats/"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    stats_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(stats_schema["properties"]) == KEYS
    assert {"401", "403", "404"} <= set(operation["responses"])
