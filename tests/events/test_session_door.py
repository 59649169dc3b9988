"""At a session's door: booked passes in, walk-ins on free places when allowed, the audit trail."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from events.enums import ProgrammeKind, RegistrationStatus, SessionEntryResult
from events.models import SessionAdmission
from events.services.session_door import SessionDoorError, admit
from events.services.sessions import book
from home.groups import GATE_STAFF
from tests.events.test_admin_registrations import cells
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(event):
    return event.start_date + dt.timedelta(days=1)


def session(event, day, **kwargs):
    values = {
        "page": event,
        "date": day,
        "start_time": dt.time(14, 0),
        "end_time": dt.time(15, 0),
        "places": 3,
        "kind": ProgrammeKind.SIGNING,
        "speakers": "Nguyễn Nhật Ánh",
    }
    values.update(kwargs)
    return ProgrammeItemFactory(**values)


def a_pass(event, day, party_size=2):
    return register_visitor(event, visit_date=day, party_size=party_size).registration.entry_pass


_ids = iter(range(10_000_000, 99_999_999))


def scan(entry_pass, item, **kwargs):
    return admit(code=entry_pass.code, session=item, client_id=f"door-{next(_ids)}", **kwargs)


def test_a_booked_pass_is_let_in_once_with_its_booked_people(event, today):
    item = session(event, today)
    entry_pass = a_pass(event, today)
    book(entry_pass=entry_pass, session=item, people=2)
    first = scan(entry_pass, item)
    assert (first.result, first.admitted if hasattr(first, "admitted") else first.admission.admitted) == (
        SessionEntryResult.BOOKED,
        2,
    )
    assert first.tone == "green"
    assert first.label == "Ký tặng - Nguyễn Nhật Ánh - số 1"
    assert scan(entry_pass, item).result == SessionEntryResult.ALREADY_ADMITTED


def test_without_a_booking_refused_unless_walk_ins_are_allowed_and_a_place_is_free(event, today):
    item = session(event, today, places=3)
    book(entry_pass=a_pass(event, today), session=item, people=2)
    stranger = a_pass(event, today, party_size=2)
    assert scan(stranger, item).result == SessionEntryResult.NOT_BOOKED

    item.allow_walk_ins = True
    item.save()
    walk_in = scan(stranger, item)
    assert (walk_in.result, walk_in.admission.admitted, walk_in.tone) == (
        SessionEntryResult.WALK_IN,
        1,
        "amber",
    )
    # The walk-in took the last free place: nobody can book it any more.
    assert item.bookings.booked().people() == 3
    assert scan(a_pass(event, today), item).result == SessionEntryResult.FULL


@pytest.mark.parametrize("case", ["unknown", "waiting", "other_day"])
def test_a_pass_not_valid_for_the_sessions_day_is_refused_and_recorded(event, today, case):
    item = session(event, today, allow_walk_ins=True)
    if case == "unknown":
        code = "not a pass"
    else:
        entry_pass = a_pass(event, today + dt.timedelta(days=1) if case == "other_day" else today)
        if case == "waiting":
            entry_pass.registration.status = RegistrationStatus.WAITING
            entry_pass.registration.save()
        code = entry_pass.code
    decision = admit(code=code, session=item, client_id="door-refused-1")
    assert (decision.result, decision.tone) == (SessionEntryResult.NOT_VALID, "red")
    assert SessionAdmission.objects.get().result == SessionEntryResult.NOT_VALID  # the audit trail


def test_a_retry_with_the_same_client_id_returns_the_first_answer(event, today):
    item = session(event, today)
    entry_pass = a_pass(event, today)
    book(entry_pass=entry_pass, session=item, people=1)
    first = admit(code=entry_pass.code, session=item, client_id="door-retry-1")
    again = admit(code=entry_pass.code, session=item, client_id="door-retry-1")
    assert again.replayed and again.result == SessionEntryResult.BOOKED == first.result
    assert SessionAdmission.objects.count() == 1
    with pytest.raises(SessionDoorError) as conflict:
        admit(code="other", session=item, client_id="door-retry-1")
    assert conflict.value.code == "client_id_conflict"


def test_an_open_session_has_no_door(event, today):
    with pytest.raises(SessionDoorError):
        scan(a_pass(event, today), session(event, today, places=None))


def test_the_api_needs_gate_staff_and_answers_the_decision(client, event, today, home):
    user = User.objects.create_user("soatve", password="x")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    out = io.StringIO()
    call_command("scanner_token", "soatve", "--name", "Cửa ký tặng", stdout=out)
    token = out.getvalue().strip()
    item = session(event, today)
    entry_pass = a_pass(event, today)
    book(entry_pass=entry_pass, session=item, people=2)
    url = f"/api/v1/sessions/{item.pk}/admissions/"
    body = {"code": entry_pass.url, "client_id": "door-api-0001"}
    assert client.post(url, body, content_type="application/json").status_code in (401, 403)
    response = client.post(
        url, body, content_type="application/json", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["result"], data["tone"], data["admitted"]) == ("booked", "green", 2)
    assert data["label"] == "Ký tặng - Nguyễn Nhật Ánh - số 1"
    assert data["message"]


def test_organisers_see_every_door_scan_with_the_phones_own_verdict(admin_client, event, today):
    item = session(event, today, places=1)
    booked, stranger = a_pass(event, today, party_size=1), a_pass(event, today, party_size=1)
    book(entry_pass=booked, session=item, people=1)
    at = event.opens_on(today) + dt.timedelta(hours=5)  # 13:00 local
    scan(booked, item, scanned_at=at, now=at)
    # Decided "walk-in" on a phone without network; the server knows the session is full.
    scan(stranger, item, scanned_at=at, now=at, offline_result=SessionEntryResult.WALK_IN)

    page = admin_client.get("/admin/session_admissions/").content.decode()
    assert "<title>Lượt quét ở cửa hoạt động" in page
    assert page.count("13:00") >= 2  # local time
    assert "Đã đặt chỗ: cho vào" in page and "Không đặt chỗ và không còn chỗ trống" in page
    assert "Chưa đặt chỗ, còn chỗ trống: cho vào" in page  # what the phone decided
    rows = cells(admin_client.get("/admin/session_admissions/", {"export": "csv"}))
    assert len(rows) == 3
    assert rows[1][rows[0].index("Thời điểm quét")].endswith(" 13:00")  # local time in the export too
