"""The gate API: tokens, results, idempotency, undo, walk-ins, the offline bundle and sync."""

import datetime as dt
import hashlib
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import APIToken

from events.models import CheckIn, Gate, WalkIn
from home.groups import EDITORS, GATE_STAFF
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(event):
    return Gate.objects.create(event=event, name="Cổng A")


@pytest.fixture
def staff(db, home):
    user = User.objects.create_user("soatve", password="x")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    return user


@pytest.fixture
def token(staff):
    out = io.StringIO()
    call_command("scanner_token", "soatve", "--name", "Cổng A - máy 1", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def today_pass(event):
    return register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=3,
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass


def post(client, path, body, token=None, **headers):
    if token:
        headers["authorization"] = f"Bearer {token}"
    return client.post(f"/api/v1{path}", body, content_type="application/json", headers=headers)


def scan_body(event, gate, code, client_id="phone1-00000001", **extra):
    return {"code": code, "event_id": event.pk, "gate": gate.pk, "client_id": client_id, **extra}


def test_scanning_with_a_token_admits_and_records_who_and_where(
    client, event, gate, token, today_pass, staff
):
    response = post(client, "/checkins/", scan_body(event, gate, today_pass.url), token)
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("result", "admitted", "remaining", "party_size", "previous")} == {
        "result": "admitted",
        "admitted": 3,
        "remaining": 0,
        "party_size": 3,
        "previous": [],
    }
    assert body["message"] == "Xin mời vào!"
    checkin = CheckIn.objects.get(pk=body["checkin_id"])
    assert (checkin.user, checkin.gate, checkin.device.startswith("Cổng A - máy 1")) == (staff, gate, True)
    again = post(
        client, "/checkins/", scan_body(event, gate, today_pass.code, "phone1-00000002"), token
    ).json()
    assert again["result"] == "already_admitted" and len(again["previous"]) == 1


def test_same_client_id_answers_the_same_and_reuse_is_refused(client, event, gate, token, today_pass):
    first = post(client, "/checkins/", scan_body(event, gate, today_pass.code), token).json()
    again = post(client, "/checkins/", scan_body(event, gate, today_pass.code), token).json()
    assert again == first and CheckIn.objects.count() == 1
    reused = post(client, "/checkins/", scan_body(event, gate, "A" * 26), token)
    assert reused.status_code == 409 and reused.json()["code"] == "client_id_conflict"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [({}, 401, "unauthenticated"), ({"authorization": "Bearer wagtail_not-a-token"}, 401, "unauthenticated")],
)
def test_missing_or_bad_tokens_are_refused(client, event, gate, today_pass, headers, status, code):
    response = client.post(
        "/api/v1/checkins/",
        scan_body(event, gate, today_pass.code),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == status and response.json()["code"] == code
    assert not CheckIn.objects.exists()


def test_a_revoked_token_stops_working(client, event, gate, token, today_pass):
    APIToken.objects.get().revoke()
    assert post(client, "/checkins/", scan_body(event, gate, today_pass.code), token).status_code == 401


def test_users_outside_the_gate_groups_are_forbidden(client, event, gate, today_pass):
    editor = User.objects.create_user("bientap", password="x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    _, plaintext = APIToken.create_token(user=editor, name="x")
    response = post(client, "/checkins/", scan_body(event, gate, today_pass.code), plaintext)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    with pytest.raises(Exception, match="not in the Gate staff"):
        call_command("scanner_token", "bientap", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"event_id": 999999}, 422, "unknown_event"),
        ({"gate": 999999}, 422, "unknown_gate"),
        ({"client_id": "x"}, 422, "invalid"),
        ({"client_id": "has spaces in it"}, 422, "invalid"),
        ({"headcount": 0}, 422, "invalid_headcount"),
        ({"scanned_at": "hôm qua"}, 422, "invalid"),
    ],
)
def test_malformed_requests_are_422_with_a_machine_code(
    client, event, gate, token, today_pass, change, status, code
):
    response = post(client, "/checkins/", {**scan_body(event, gate, today_pass.code), **change}, token)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not CheckIn.objects.exists()


def test_undo_through_the_api(client, event, gate, token, today_pass):
    checkin_id = post(client, "/checkins/", scan_body(event, gate, today_pass.code), token).json()[
        "checkin_id"
    ]
    response = post(client, f"/checkins/{checkin_id}/undo/", {"event_id": event.pk}, token)
    assert response.status_code == 200 and response.json()["undone_at"]
    assert response.json()["kind"] == "checkin" and response.json()["people"] == 3
    refused = post(client, "/checkins/", scan_body(event, gate, "A" * 26, "phone1-00000009"), token).json()
    again = post(client, f"/checkins/{refused['checkin_id']}/undo/", {"event_id": event.pk}, token)
    assert again.status_code == 409


def test_walk_ins(client, event, gate, token):
    body = {"gate": gate.pk, "count": 5, "client_id": "phone1-walk-0001"}
    first = post(client, f"/events/{event.pk}/walkins/", body, token)
    assert first.status_code == 200 and first.json()["created"] is True
    assert post(client, f"/events/{event.pk}/walkins/", body, token).json()["created"] is False
    assert WalkIn.objects.get().count == 5
    bad = post(
        client, f"/events/{event.pk}/walkins/", {**body, "client_id": "phone1-walk-0002", "count": 0}, token
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_count"


def test_scanner_bundle_has_hashes_not_codes_and_an_etag(client, event, gate, token, today_pass):
    response = client.get(
        f"/api/v1/events/{event.pk}/scanner-bundle/", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    raw = response.content.decode()
    bundle = json.loads(raw)
    assert today_pass.code not in raw and today_pass.registration.email not in raw
    assert today_pass.registration.full_name not in raw
    digest = hashlib.sha256((bundle["salt"] + today_pass.code).encode()).hexdigest()[:32]
    entry = next(p for p in bundle["passes"] if p["h"] == digest)
    assert entry == {"h": digest, "p": 3, "d": timezone.localdate().isoformat(), "s": "c", "a": 0}
    assert bundle["event"]["allow_reentry"] is False
    assert bundle["gates"] == [{"id": gate.pk, "name": "Cổng A"}]
    unchanged = client.get(
        f"/api/v1/events/{event.pk}/scanner-bundle/",
        headers={"authorization": f"Bearer {token}", "if-none-match": response["ETag"]},
    )
    assert unchanged.status_code == 304
    post(client, "/checkins/", scan_body(event, gate, today_pass.code), token)
    changed = client.get(
        f"/api/v1/events/{event.pk}/scanner-bundle/",
        headers={"authorization": f"Bearer {token}", "if-none-match": response["ETag"]},
    )
    assert changed.status_code == 200
    used = next(p for p in changed.json()["passes"] if p["h"] == digest)
    assert used["a"] == 3 and used["g"] == "Cổng A"  # when and where, for the refusal's reason
    assert used["t"] == timezone.localtime(CheckIn.objects.get().scanned_at).strftime("%H:%M")


def test_sync_applies_good_items_and_reports_bad_ones(client, event, gate, token, today_pass):
    at = (timezone.now() - dt.timedelta(minutes=10)).isoformat()
    items = [
        {
            "type": "checkin",
            "client_id": "phone1-off-0001",
            "event_id": event.pk,
            "gate": gate.pk,
            "code": today_pass.code,
            "scanned_at": at,
            "offline_result": "admitted",
        },
        {
            "type": "checkin",
            "client_id": "phone1-off-0002",
            "event_id": event.pk,
            "gate": 999999,
            "code": today_pass.code,
            "scanned_at": at,
        },
        {
            "type": "walkin",
            "client_id": "phone1-off-0003",
            "event_id": event.pk,
            "gate": gate.pk,
            "count": 2,
            "at": at,
        },
        {
            "type": "checkin",
            "client_id": "phone1-off-0004",
            "event_id": event.pk,
            "gate": gate.pk,
            "code": today_pass.code,
            "scanned_at": at,
            "offline_result": "admitted",
        },
    ]
    response = post(client, "/sync/", {"items": items}, token)
    assert response.status_code == 200
    results = response.json()
    assert [(r["client_id"], r["ok"], r["status"], r["final"]) for r in results] == [
        ("phone1-off-0001", True, 200, True),
        ("phone1-off-0002", False, 422, True),
        ("phone1-off-0003", True, 200, True),
        ("phone1-off-0004", True, 200, True),
    ]
    assert results[1]["body"]["code"] == "unknown_gate"
    assert results[3]["body"]["result"] == "already_admitted"
    assert CheckIn.objects.get(client_id="phone1-off-0004").flagged  # kept and flagged, never dropped
    again = post(client, "/sync/", {"items": items}, token).json()  # an upload retried after a timeout
    assert [r["ok"] for r in again] == [True, False, True, True]
    assert CheckIn.objects.count() == 2 and WalkIn.objects.count() == 1


def test_checkin_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/checkins/",
        "/api/v1/checkins/{checkin_id}/undo/",
        "/api/v1/events/{event_id}/walkins/",
        "/api/v1/events/{event_id}/scanner-bundle/",
        "/api/v1/sync/",
    ]:
        assert path in paths, path


def test_organisers_see_check_ins_conflicts_walk_ins_and_gates_in_the_admin(
    admin_client, client, event, gate, token, today_pass
):
    post(client, "/checkins/", scan_body(event, gate, today_pass.code), token)
    post(
        client,
        "/sync/",
        {
            "items": [
                {
                    "type": "checkin",
                    "client_id": "phone1-off-0009",
                    "event_id": event.pk,
                    "gate": gate.pk,
                    "code": today_pass.code,
                    "offline_result": "admitted",
                }
            ]
        },
        token,
    )
    post(
        client,
        f"/events/{event.pk}/walkins/",
        {"gate": gate.pk, "count": 4, "client_id": "phone1-walk-0009"},
        token,
    )
    listed = admin_client.get("/admin/checkins/").context["object_list"]
    assert sorted(c.result for c in listed) == ["admitted", "already_admitted"]
    conflicts = admin_client.get("/admin/offline_conflicts/").context["object_list"]
    assert [c.client_id for c in conflicts] == ["phone1-off-0009"]
    assert "Cổng A" in admin_client.get("/admin/walk_ins/").content.decode()
    assert "Cổng A" in admin_client.get("/admin/gates/").content.decode()
    inspect = admin_client.get(f"/admin/checkins/inspect/{CheckIn.objects.first().pk}/")
    assert inspect.status_code == 200
    export = admin_client.get("/admin/checkins/", {"export": "csv"})
    text = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "phone1-off-0009" in text
