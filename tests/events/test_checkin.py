"""The check-in service: every result, groups, undo, idempotency, offline conflicts."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from events.enums import CheckInResult
from events.models import CheckIn, Gate
from events.services.checkin import CheckInError, check_in, parse_code, record_walk_ins, undo
from events.services.registration import cancel
from tests.factories import EventPageFactory, register_visitor

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


@pytest.fixture
def gate(event):
    return Gate.objects.create(event=event, name="Cổng A")


@pytest.fixture
def today_pass(event):
    """A confirmed pass for today (the fixture event runs yesterday to tomorrow)."""
    return register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=1,
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass


def scan(event, gate, code, **kwargs):
    kwargs.setdefault("client_id", f"client-{next(_ids):06d}")
    return check_in(code=code, event=event, gate=gate, **kwargs)


def test_a_confirmed_pass_is_admitted_once(event, gate, today_pass):
    first = scan(event, gate, today_pass.code)
    assert (first.result, first.admitted, first.remaining, first.party_size) == ("admitted", 1, 0, 1)
    second = scan(event, gate, today_pass.url)  # the full URL from the QR works too
    assert second.result == CheckInResult.ALREADY_ADMITTED and second.admitted == 0
    assert [p["gate"] for p in second.previous] == ["Cổng A"]
    assert CheckIn.objects.count() == 2  # the refusal is recorded as well


def test_a_group_may_come_in_parts(event, gate):
    group = register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=30,
        organisation="Trường A",
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass
    part = scan(event, gate, group.code, headcount=18)
    assert (part.admitted, part.remaining) == (18, 12)
    rest = scan(event, gate, group.code)
    assert (rest.admitted, rest.remaining) == (12, 0)
    assert scan(event, gate, group.code).result == CheckInResult.ALREADY_ADMITTED
    with pytest.raises(CheckInError) as error:
        scan(event, gate, group.code, headcount=0)
    assert error.value.code == "invalid_headcount"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown", CheckInResult.INVALID),
        ("foreign_url", CheckInResult.INVALID),
        ("bad_shape", CheckInResult.INVALID),
        ("cancelled", CheckInResult.CANCELLED),
        ("waiting", CheckInResult.WAITING),
        ("other_event", CheckInResult.WRONG_EVENT),
        ("other_day", CheckInResult.WRONG_DAY),
    ],
)
def test_every_refusal(
    event, event_index, gate, today_pass, case, expected, django_capture_on_commit_callbacks
):
    code = today_pass.code
    if case == "unknown":
        code = "A" * 26
    elif case == "foreign_url":
        code = f"https://example.com/p/{today_pass.code}/"
    elif case == "bad_shape":
        code = "hello world"
    elif case == "cancelled":
        cancel(registration=today_pass.registration)
    elif case == "waiting":
        event.daily_capacity = 1
        event.save()
        code = register_visitor(
            event, visit_date=timezone.localdate(), notify=False, now=event.opens_on(event.start_date)
        ).registration.entry_pass.code
    elif case == "other_event":
        other = EventPageFactory(parent=event_index)
        code = register_visitor(
            other, visit_date=timezone.localdate(), notify=False, now=other.opens_on(other.start_date)
        ).registration.entry_pass.code
    elif case == "other_day":
        code = register_visitor(event, visit_date=event.end_date, notify=False).registration.entry_pass.code
    decision = scan(event, gate, code)
    assert decision.result == expected and decision.admitted == 0
    assert decision.message
    assert CheckIn.objects.get(pk=decision.checkin.pk).result == expected


def test_opening_hours_only_when_the_event_asks(event, gate, today_pass):
    night = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(5, 0)))
    assert scan(event, gate, today_pass.code, scanned_at=night).result == CheckInResult.ADMITTED
    event.enforce_opening_hours = True
    other = register_visitor(
        event, visit_date=timezone.localdate(), notify=False, now=event.opens_on(event.start_date)
    ).registration.entry_pass
    assert scan(event, gate, other.code, scanned_at=night).result == CheckInResult.NOT_OPEN


def test_the_same_client_id_returns_the_first_answer(event, gate, today_pass):
    first = scan(event, gate, today_pass.code, client_id="phone1-000001")
    again = scan(event, gate, today_pass.code, client_id="phone1-000001")
    assert again.replayed and again.checkin.pk == first.checkin.pk and again.result == "admitted"
    assert CheckIn.objects.count() == 1
    with pytest.raises(CheckInError) as error:
        scan(event, gate, "B" * 26, client_id="phone1-000001")
    assert error.value.code == "client_id_conflict"


def test_undo_is_recorded_and_frees_the_pass(event, gate, today_pass, admin_user):
    admitted = scan(event, gate, today_pass.code).checkin
    undone = undo(event=event, target=admitted.client_id, user=admin_user)
    assert (undone.kind, undone.people) == ("checkin", 1)
    row = CheckIn.objects.get(pk=admitted.pk)  # kept, not deleted
    assert row.undone_at == undone.undone_at and row.undone_by == admin_user
    assert scan(event, gate, today_pass.code).result == CheckInResult.ADMITTED
    with pytest.raises(CheckInError):
        undo(event=event, target=scan(event, gate, "A" * 26).checkin.client_id)  # a refusal cannot be undone
    late = scan(event, gate, today_pass.code).checkin
    with pytest.raises(CheckInError) as error:
        undo(event=event, checkin_id=late.pk, now=timezone.now() + dt.timedelta(minutes=6))
    assert error.value.code == "not_undoable"


def test_offline_scans_keep_their_time_and_disagreements_are_flagged(event, gate, today_pass):
    at = timezone.now() - dt.timedelta(minutes=20)
    agreed = scan(event, gate, today_pass.code, scanned_at=at, offline_result=CheckInResult.ADMITTED)
    assert agreed.checkin.scanned_at == at and not agreed.checkin.flagged
    conflict = scan(event, gate, today_pass.code, offline_result=CheckInResult.ADMITTED)
    assert conflict.result == CheckInResult.ALREADY_ADMITTED and conflict.checkin.flagged
    assert list(CheckIn.objects.flagged()) == [conflict.checkin]


def test_a_gate_of_another_event_is_refused(event, event_index, today_pass):
    other = EventPageFactory(parent=event_index)
    foreign = Gate.objects.create(event=other, name="Cổng khác")
    with pytest.raises(CheckInError) as error:
        scan(event, foreign, today_pass.code)
    assert error.value.code == "unknown_gate"


def test_walk_ins_are_counted_once_per_client_id(event, gate):
    walk_in, created = record_walk_ins(event=event, gate=gate, count=5, client_id="phone1-walk-1")
    again, created_again = record_walk_ins(event=event, gate=gate, count=5, client_id="phone1-walk-1")
    assert created and not created_again and again.pk == walk_in.pk
    for bad in (0, 501):
        with pytest.raises(CheckInError):
            record_walk_ins(event=event, gate=gate, count=bad, client_id=f"bad-{bad}-xxxx")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ABCDEFGHJKMNPQRSTUVWXYZ234", "ABCDEFGHJKMNPQRSTUVWXYZ234"),
        ("abcd efgh jkmn pqrs tuvw xyz2 34", "ABCDEFGHJKMNPQRSTUVWXYZ234"),
        ("http://testserver/p/ABCDEFGHJKMNPQRSTUVWXYZ234/", "ABCDEFGHJKMNPQRSTUVWXYZ234"),
        ("http://testserver/en/p/ABCDEFGHJKMNPQRSTUVWXYZ234/", "ABCDEFGHJKMNPQRSTUVWXYZ234"),
        ("https://evil.example/p/ABCDEFGHJKMNPQRSTUVWXYZ234/", None),
        ("ABCDEFGHJKMNPQRSTUVWXYZ23", None),
        ("ABCDEFGHJKMNPQRSTUVWXYZ230", None),  # 0 is not in the alphabet
        ("", None),
    ],
)
def test_codes_are_read_from_bare_codes_and_pass_urls(value, expected):
    assert parse_code(value) == expected


def test_gate_totals_count_people_with_and_without_a_pass(event, gate, today_pass, django_assert_num_queries):
    from events.services.totals import gate_totals

    other_gate = Gate.objects.create(event=event, name="Cổng B")
    group = register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=30,
        organisation="Trường A",
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass
    scan(event, gate, today_pass.code)
    undone = scan(event, other_gate, group.code, headcount=10).checkin
    undo(event=event, target=undone.client_id)
    scan(event, other_gate, group.code, headcount=12)
    record_walk_ins(event=event, gate=gate, count=5, client_id="walk-a-000001")
    record_walk_ins(event=event, gate=other_gate, count=2, client_id="walk-b-000001")
    with django_assert_num_queries(2):
        totals = gate_totals(event=event, gate=gate, day=timezone.localdate())
    assert totals == {
        "day": timezone.localdate(),
        "gate_admitted": 1,
        "gate_walk_ins": 5,
        "event_admitted": 13,
        "event_walk_ins": 7,
        "event_visits": 20,
    }
