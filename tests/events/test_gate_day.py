"""A gate day where nothing is lost and nothing is wrong: replays answer as the first time, undo
reverses the action it names, refusals say why, re-entry follows the event, a visitor without
their QR can be found, and an offline upload never loses an item to a server error.

Every time is passed in: these tests do not depend on the hour they run at.
"""

import datetime as dt
import io
import itertools
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone, translation

from events.enums import CheckInMethod, CheckInResult, Tone
from events.models import CheckIn, Gate, WalkIn
from events.models.checkin import WalkInQuerySet
from events.services import lookup
from events.services.checkin import CheckInError, check_in, record_walk_ins, tone, undo
from events.services.totals import gate_totals
from figures.stats import event_figures
from home.groups import GATE_STAFF
from tests.factories import EventPageFactory, register_visitor

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


@pytest.fixture
def day(event):
    return event.start_date + dt.timedelta(days=1)


@pytest.fixture
def now(event, day):
    """10:00 on the fair's middle day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def gate(event):
    return Gate.objects.create(event=event, name="Cổng A")


@pytest.fixture
def gate_b(event):
    return Gate.objects.create(event=event, name="Cổng B")


def visitor(event, day, **extra):
    extra.setdefault("notify", False)
    return register_visitor(
        event, visit_date=day, now=event.opens_on(event.start_date) - dt.timedelta(days=3), **extra
    ).registration


def freeze_time(moment):
    """The server's clock at ``moment`` (Django's timezone.now; dates and pydantic untouched)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def scan(event, gate, code, now, **kwargs):
    kwargs.setdefault("client_id", f"gate-day-{next(_ids):06d}")
    kwargs.setdefault("scanned_at", now)
    return check_in(code=code, event=event, gate=gate, now=now, **kwargs)


def test_a_replayed_client_id_gets_the_first_answer_even_after_later_scans(event, gate, gate_b, day, now):
    group = visitor(event, day, party_size=10, organisation="Trường THCS Võ Thị Sáu")
    code = group.entry_pass.code
    scan(event, gate_b, code, now - dt.timedelta(minutes=30), headcount=4)
    first = scan(event, gate, code, now, headcount=3, client_id="phone-a-000001")
    assert (first.admitted, first.remaining, len(first.previous)) == (3, 3, 1)
    scan(event, gate_b, code, now + dt.timedelta(minutes=5))  # the last three come in
    retried_at = now + dt.timedelta(minutes=9)
    retried = check_in(
        code=code,
        event=event,
        gate=gate,
        client_id="phone-a-000001",
        headcount=3,
        scanned_at=now,
        now=retried_at,
    )
    assert retried.replayed and retried.checkin.pk == first.checkin.pk
    assert (retried.result, retried.admitted, retried.remaining) == ("admitted", 3, 3)
    assert retried.previous == first.previous and retried.tone == first.tone == Tone.AMBER
    assert retried.message == first.message and retried.name == group.full_name
    assert retried_at > now and CheckIn.objects.count() == 3


@pytest.mark.parametrize(
    ("result", "remaining", "earlier", "expected"),
    [
        (CheckInResult.ADMITTED, 0, 0, Tone.GREEN),
        (CheckInResult.ADMITTED, 4, 0, Tone.AMBER),  # part of a group, the rest may come
        (CheckInResult.ADMITTED, 0, 2, Tone.AMBER),  # the rest of a group part of which came earlier
        (CheckInResult.REENTRY, 0, 1, Tone.AMBER),
        (CheckInResult.ALREADY_ADMITTED, 0, 1, Tone.RED),
        (CheckInResult.WAITING, 1, 0, Tone.RED),
        (CheckInResult.CANCELLED, 1, 0, Tone.RED),
        (CheckInResult.WRONG_DAY, 1, 0, Tone.RED),
        (CheckInResult.WRONG_EVENT, 1, 0, Tone.RED),
        (CheckInResult.NOT_OPEN, 1, 0, Tone.RED),
        (CheckInResult.INVALID, 0, 0, Tone.RED),
    ],
)
def test_each_colour_means_one_thing(result, remaining, earlier, expected):
    assert tone(result, remaining, earlier) == expected


def test_refusals_say_why_in_plain_vietnamese(event, gate, gate_b, day, now):
    tomorrow = visitor(event, day + dt.timedelta(days=1))
    wrong = scan(event, gate, tomorrow.entry_pass.code, now)
    expected_day = (day + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert wrong.result == CheckInResult.WRONG_DAY and wrong.tone == Tone.RED
    assert wrong.message == f"Vé của ngày {expected_day}. Không cho vào hôm nay."
    used = visitor(event, day)
    scan(event, gate_b, used.entry_pass.code, now.replace(hour=8, minute=42))
    again = scan(event, gate, used.entry_pass.code, now)
    assert again.result == CheckInResult.ALREADY_ADMITTED and again.tone == Tone.RED
    assert again.message == "Đã dùng hôm nay lúc 08:42 tại Cổng B. Không cho vào."
    waiting = visitor(event, day)
    waiting.status = "waiting"
    waiting.save()
    refused = scan(event, gate, waiting.entry_pass.code, now)
    assert refused.tone == Tone.RED and "danh sách chờ" in refused.message
    with translation.override("en"):
        assert again.message == "Already used today at 08:42 at Cổng B. Do not admit."


def test_re_entry_follows_the_event_setting_and_is_not_a_new_visit(event, gate, day, now):
    family = visitor(event, day, party_size=3)
    code = family.entry_pass.code
    assert scan(event, gate, code, now).admitted == 3
    assert scan(event, gate, code, now + dt.timedelta(hours=1)).result == CheckInResult.ALREADY_ADMITTED
    event.allow_reentry = True
    back = scan(event, gate, code, now + dt.timedelta(hours=2))
    assert (back.result, back.admitted, back.tone) == (CheckInResult.REENTRY, 0, Tone.AMBER)
    assert back.message.startswith("Vào lại:") and "10:00" in back.message
    figures = event_figures(event)
    assert (figures.admitted, figures.re_entries) == (3, 2)


def test_undo_names_its_action_walk_ins_included_and_keeps_the_record(event, gate, day, now):
    staff = User.objects.create_user("soatve")
    walk_in, _ = record_walk_ins(event=event, gate=gate, count=12, client_id="walk-000012", at=now, now=now)
    undone = undo(event=event, target="walk-000012", user=staff, at=now + dt.timedelta(minutes=1), now=now)
    assert (undone.kind, undone.people) == ("walkin", 12)
    walk_in.refresh_from_db()
    assert walk_in.undone_by == staff and walk_in.undone_at == now
    assert WalkIn.objects.count() == 1 and WalkIn.objects.counted().count() == 0
    assert gate_totals(event=event, gate=gate, day=day)["event_walk_ins"] == 0
    again = undo(event=event, target="walk-000012", now=now + dt.timedelta(minutes=2))
    assert again.undone_at == now  # undoing twice changes nothing


def test_undo_is_limited_to_the_event_and_the_window(event, event_index, gate, day, now):
    other = EventPageFactory(parent=event_index)
    admitted = scan(event, gate, visitor(event, day).entry_pass.code, now)
    with pytest.raises(CheckInError) as error:
        undo(event=other, target=admitted.checkin.client_id, now=now)
    assert error.value.code == "not_found"
    with pytest.raises(CheckInError) as error:
        undo(event=other, checkin_id=admitted.checkin.pk, now=now)
    assert error.value.code == "not_found"
    late = now + dt.timedelta(minutes=6)
    with pytest.raises(CheckInError) as error:
        undo(event=event, target=admitted.checkin.client_id, now=late)
    assert error.value.code == "not_undoable"
    # Decided on the phone within the window, uploaded later: it counts.
    done = undo(event=event, target=admitted.checkin.client_id, at=now + dt.timedelta(minutes=4), now=late)
    assert done.kind == "checkin" and not CheckIn.objects.counted().exists()


def test_a_walk_in_client_id_that_loses_the_insert_race_is_checked_too(event, gate, gate_b, now):
    record_walk_ins(event=event, gate=gate, count=5, client_id="walk-race-01", now=now)
    # The first look-up misses the row (it was committed a moment later by the other request).
    with mock.patch.object(WalkInQuerySet, "first", return_value=None):
        same, created = record_walk_ins(event=event, gate=gate, count=5, client_id="walk-race-01", now=now)
        assert not created and same.count == 5
        for change in ({"count": 6, "gate": gate}, {"count": 5, "gate": gate_b}):
            with pytest.raises(CheckInError) as error:
                record_walk_ins(event=event, client_id="walk-race-01", now=now, **change)
            assert error.value.code == "client_id_conflict"
    assert WalkIn.objects.count() == 1


def test_look_up_a_visitor_without_their_qr(event, gate, day, now):
    hong = visitor(event, day, full_name="Đặng Thị Hồng", phone="+84912345670")
    visitor(event, day, full_name="Nguyễn Văn Ưng", phone="+84987654321")
    visitor(event, day + dt.timedelta(days=1), full_name="Đặng Thị Hồng Nhung", phone="+84912345670")
    for query in (
        "0912 345 670",
        "+84912345670",
        "0912.345.670",
        "dang thi hong",
        "HONG",
        hong.entry_pass.code[-5:].lower(),
    ):
        found = lookup.find(event=event, query=query, day=day)
        assert [match["name"] for match in found] == ["Đặng Thị Hồng"], query
    assert found[0]["code"] == hong.entry_pass.code and found[0]["remaining"] == 1
    assert lookup.find(event=event, query="nobody here", day=day) == []
    with pytest.raises(ValueError):
        lookup.find(event=event, query="ab", day=day)
    for n in range(8):
        visitor(event, day, full_name=f"Trần Văn Bình {n}")
    assert len(lookup.find(event=event, query="tran van binh", day=day)) == lookup.MAX_RESULTS


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def token(db, home):
    user = User.objects.create_user("soatve", password="x")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    out = io.StringIO()
    call_command("scanner_token", "soatve", stdout=out)
    return out.getvalue().strip()


def api(client, method, path, token, body=None):
    call = getattr(client, method)
    kwargs = {"content_type": "application/json"} if body is not None else {}
    return call(f"/api/v1{path}", body, headers={"authorization": f"Bearer {token}"}, **kwargs)


def test_sync_keeps_what_the_server_could_not_decide_and_applies_the_rest(
    client, event, gate, day, now, token
):
    passes = [visitor(event, day).entry_pass.code for _ in range(3)]
    items = [
        {
            "type": "checkin",
            "client_id": f"sync-item-{n}",
            "event_id": event.pk,
            "gate": gate.pk,
            "code": code,
            "scanned_at": now.isoformat(),
            "offline_result": "admitted",
        }
        for n, code in enumerate(passes)
    ]
    items.append(
        {
            "type": "walkin",
            "client_id": "sync-walk-1",
            "event_id": event.pk,
            "gate": gate.pk,
            "count": 4,
            "at": now.isoformat(),
        }
    )
    items.append(
        {
            "type": "undo",
            "client_id": "sync-undo-1",
            "event_id": event.pk,
            "target": "sync-walk-1",
            "at": (now + dt.timedelta(minutes=1)).isoformat(),
        }
    )
    from events.services import checkin_sql

    real_insert = checkin_sql.insert_checkin

    def failing(**row):
        if row["client_id"] == "sync-item-1":
            raise OperationalError("server closed the connection unexpectedly")
        return real_insert(**row)

    with (
        freeze_time(now + dt.timedelta(minutes=2)),
        mock.patch.object(checkin_sql, "insert_checkin", failing),
    ):
        answers = api(client, "post", "/sync/", token, {"items": items}).json()
    assert [(a["client_id"], a["ok"], a["final"], a["status"]) for a in answers] == [
        ("sync-item-0", True, True, 200),
        ("sync-item-1", False, False, 503),
        ("sync-item-2", True, True, 200),
        ("sync-walk-1", True, True, 200),
        ("sync-undo-1", True, True, 200),
    ]
    assert (
        answers[1]["body"]["code"] == "retry_later" and "server closed" not in answers[1]["body"]["message"]
    )
    assert answers[4]["body"] == {**answers[4]["body"], "kind": "walkin", "people": 4}
    assert CheckIn.objects.count() == 2 and not WalkIn.objects.counted().exists()
    with freeze_time(now + dt.timedelta(minutes=3)):  # the phone sends the whole queue again
        again = api(client, "post", "/sync/", token, {"items": items}).json()
    assert [a["ok"] for a in again] == [True] * 5
    assert sorted(CheckIn.objects.values_list("client_id", flat=True)) == [f"sync-item-{n}" for n in range(3)]
    assert CheckIn.objects.counted().count() == 3  # each admitted exactly once


def test_a_malformed_sync_item_is_answered_alone(client, event, gate, day, now, token):
    code = visitor(event, day).entry_pass.code
    items = [
        {
            "type": "checkin",
            "client_id": "naive-time-1",
            "event_id": event.pk,
            "gate": gate.pk,
            "code": code,
            "scanned_at": "2026-12-03T10:00:00",
        },
        {"type": "teleport", "client_id": "odd-kind-001"},
        {
            "type": "checkin",
            "client_id": "good-item-01",
            "event_id": event.pk,
            "gate": gate.pk,
            "code": code,
            "scanned_at": now.isoformat(),
        },
    ]
    with freeze_time(now):
        answers = api(client, "post", "/sync/", token, {"items": items}).json()
    assert [(a["ok"], a["final"], a["body"].get("code")) for a in answers] == [
        (False, True, "invalid"),
        (False, True, "invalid"),
        (True, True, None),
    ]


def test_undo_endpoint_by_client_id_and_the_old_one_needs_the_event(
    client, event, event_index, gate, day, now, token
):
    code = visitor(event, day, party_size=5, full_name="Trần Văn Bình").entry_pass.code
    body = {"code": code, "event_id": event.pk, "gate": gate.pk, "client_id": "undo-api-0001"}
    with freeze_time(now):
        answer = api(client, "post", "/checkins/", token, body).json()
        assert (answer["name"], answer["tone"], answer["admitted"]) == ("Trần Văn Bình", "green", 5)
        undone = api(client, "post", f"/events/{event.pk}/undo/", token, {"target": "undo-api-0001"})
        assert undone.status_code == 200 and undone.json()["people"] == 5
        assert (
            api(client, "post", f"/events/{event.pk}/undo/", token, {"target": "nothing-here"}).status_code
            == 404
        )
        other = EventPageFactory(parent=event_index)
        foreign = api(
            client, "post", f"/checkins/{answer['checkin_id']}/undo/", token, {"event_id": other.pk}
        )
        assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
        huge = api(client, "post", f"/checkins/{2**63}/undo/", token, {"event_id": event.pk})
        assert huge.status_code == 404


def test_lookup_endpoint_finds_today_and_admits_as_a_manual_admission(client, event, gate, day, now, token):
    visitor(event, day, full_name="Lê Thị Ánh", phone="+84909123456")
    with freeze_time(now):
        found = api(client, "get", f"/events/{event.pk}/lookup/?q=le+thi+anh", token).json()["results"]
        assert [(m["name"], m["status"], m["remaining"]) for m in found] == [("Lê Thị Ánh", "confirmed", 1)]
        body = {
            "code": found[0]["code"],
            "event_id": event.pk,
            "gate": gate.pk,
            "client_id": "lookup-00001",
            "method": "lookup",
        }
        assert api(client, "post", "/checkins/", token, body).json()["result"] == "admitted"
        assert CheckIn.objects.get().method == CheckInMethod.LOOKUP
        short = api(client, "get", f"/events/{event.pk}/lookup/?q=le", token)
        assert short.status_code == 422 and short.json()["code"] == "invalid"
        with mock.patch("events.api_checkin.LOOKUPS_PER_MINUTE", 1):
            assert api(client, "get", f"/events/{event.pk}/lookup/?q=0909123456", token).status_code == 429


def test_naive_or_impossible_times_are_refused_with_a_code(client, event, gate, day, now, token):
    code = visitor(event, day).entry_pass.code
    for bad in ("2026-12-03T10:00:00", "9999-99-99T00:00:00+07:00"):
        body = {
            "code": code,
            "event_id": event.pk,
            "gate": gate.pk,
            "client_id": "bad-time-0001",
            "scanned_at": bad,
        }
        response = api(client, "post", "/checkins/", token, body)
        assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert not CheckIn.objects.exists()


def test_control_characters_in_a_code_are_refused_not_a_server_error(client, event, gate, token):
    for code in ("ABC\x00DEF", "AB\x01CD", "\ud800"):
        body = {"code": code, "event_id": event.pk, "gate": gate.pk, "client_id": "ctl-chars-001"}
        response = api(client, "post", "/checkins/", token, body)
        assert response.status_code == 422 and response.json()["code"] == "invalid", code
    assert not CheckIn.objects.exists()
