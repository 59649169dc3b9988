"""A large group's places are held until its email address is confirmed, then released."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum

from events.enums import CheckInResult, RegistrationStatus
from events.models import EventDay, Gate, Registration
from events.services import checkin, lookup, registration_sql
from events.services.access import hold_token
from events.services.registration import (
    RegistrationError,
    cancel,
    confirm_hold,
    promote_waitlist,
    release_expired_holds,
)
from events.services.scanner import scanner_bundle
from figures.stats import event_figures
from tests.conftest import pinned_now
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db

NOON = dt.time(12, 0)  # the end of a hold made at 10:00 (the pinned hour) for 120 minutes


@pytest.fixture
def fair(event):
    """Holds on, as a new event has them: groups of more than 10 confirm their email first."""
    event.confirm_groups_above = 10
    event.hold_minutes = 120
    event.daily_capacity = 60
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def school(event, **overrides):
    data = {
        "full_name": "Trần Thị Mai",
        "email": "mai.gv@example.vn",
        "party_size": 30,
        "organisation": "Trường THCS Suối Hoa",
        **overrides,
    }
    return register_visitor(event, **data).registration


def imported(event, people: int, email: str):
    """A confirmed group, as organisers import them (no email, so never held)."""
    return register_visitor(
        event, party_size=people, email=email, organisation="Đoàn thanh niên", notify=False
    ).registration


def later(clock, hour: dt.time) -> None:
    clock.move_to(pinned_now(hour))


def at(moment: dt.datetime, hour: dt.time) -> bool:
    """``moment`` is ``hour`` today (the clock ticks on from where a test put it)."""
    return dt.timedelta(0) <= moment - pinned_now(hour) < dt.timedelta(seconds=5)


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/register/confirm/[^/\s]+/)", message.body).group(1)


def emailed_token(message) -> str:
    return confirm_link(message).split("/")[-2]


# --- registering -------------------------------------------------------------------------------


def test_a_group_above_the_threshold_holds_its_places_with_no_pass_and_gets_a_link(fair):
    mail.outbox.clear()
    registration = school(fair)
    assert registration.status == RegistrationStatus.PENDING
    assert registration.confirmed_at is None
    assert at(registration.held_until, NOON)
    assert fair.places_left_by_day()[registration.day.date] == 30  # nobody else gets them meanwhile
    [message] = mail.outbox
    assert message.subject == f"Xác nhận chỗ cho đoàn của bạn: {fair.title}"
    assert "12:00" in message.body and "30 chỗ" in message.body
    assert "/register/confirm/" in message.body
    assert message.attachments == []  # no pass yet
    assert registration.entry_pass.code not in message.body


@pytest.mark.parametrize(
    ("party_size", "overrides", "status"),
    [
        (10, {}, RegistrationStatus.CONFIRMED),  # at the threshold: no email proof needed
        (11, {}, RegistrationStatus.PENDING),
        (30, {"source": "admin"}, RegistrationStatus.CONFIRMED),  # organisers vouch for their entries
        (30, {"notify": False}, RegistrationStatus.CONFIRMED),  # imports: nobody to send a link to
    ],
)
def test_who_is_held(fair, party_size, overrides, status):
    assert school(fair, party_size=party_size, **overrides).status == status


def test_a_hold_ends_at_the_latest_when_its_day_closes(fair, clock):
    later(clock, dt.time(20, 0))  # the factory's fair closes at 21:00
    assert at(school(fair).held_until, dt.time(21, 0))


def test_a_hold_counts_against_capacity_so_nobody_is_oversold(fair):
    school(fair)  # 30 held
    imported(fair, 10, "gia-dinh@example.vn")
    second = school(fair, email="lop-7b@example.vn", party_size=25)
    assert second.status == RegistrationStatus.WAITING  # 30 + 10 + 25 > 60


def test_the_same_address_again_while_held_gets_the_link_again_and_nothing_new(fair):
    school(fair)
    mail.outbox.clear()
    result = register_visitor(fair, email="MAI.GV@example.vn", party_size=30, organisation="THCS Suối Hoa")
    assert not result.created and result.registration.status == RegistrationStatus.PENDING
    assert Registration.objects.count() == 1
    assert "/register/confirm/" in mail.outbox[0].body


# --- confirming --------------------------------------------------------------------------------


def test_confirming_in_time_gives_the_pass_and_the_pass_email(
    fair, clock, django_capture_on_commit_callbacks
):
    registration = school(fair)
    token = emailed_token(mail.outbox[0])
    mail.outbox.clear()
    later(clock, dt.time(11, 59))
    with django_capture_on_commit_callbacks(execute=True):
        result = confirm_hold(token=token)
    assert result.confirmed_now
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert at(registration.confirmed_at, dt.time(11, 59))
    [message] = mail.outbox
    assert message.subject == f"Vé vào cổng của bạn: {fair.title}"
    assert message.attachments[0][0] == f"ve-vao-cong-{registration.entry_pass.code}.pdf"


def test_confirming_twice_changes_nothing_and_sends_nothing(fair, django_capture_on_commit_callbacks):
    registration = school(fair)
    confirm_hold(token=hold_token(registration))
    registration.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = confirm_hold(token=hold_token(registration))
    assert not again.confirmed_now
    assert again.registration.confirmed_at == registration.confirmed_at
    assert mail.outbox == []


def test_confirming_after_the_hold_releases_the_places_to_the_waiting_list(
    fair, clock, django_capture_on_commit_callbacks
):
    held = school(fair)
    imported(fair, 25, "family@example.vn")
    too_big = school(fair, email="lop-8a@example.vn", party_size=40)
    fits = register_visitor(fair, party_size=8, email="cho@example.vn", organisation="Nhóm bạn").registration
    assert (too_big.status, fits.status) == (RegistrationStatus.WAITING, RegistrationStatus.WAITING)
    later(clock, dt.time(12, 1))  # the hold ended at 12:00
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RegistrationError) as refused:
        confirm_hold(token=hold_token(held))
    assert refused.value.code == "hold_expired"
    assert refused.value.message == (
        "Đường dẫn này đến quá muộn: số chỗ giữ cho lượt đăng ký này đã được trả lại."
    )
    for registration in (held, too_big, fits):
        registration.refresh_from_db()
    assert held.status == RegistrationStatus.EXPIRED
    assert too_big.status == RegistrationStatus.WAITING  # 25 + 40 > 60: keeps its place in line
    assert fits.status == RegistrationStatus.CONFIRMED
    with pytest.raises(RegistrationError) as again:
        confirm_hold(token=hold_token(held))
    assert again.value.code == "hold_expired"


def test_a_forged_or_cancelled_link_is_invalid(fair):
    registration = school(fair)
    for token in ["abc", hold_token(registration)[:-2] + "xx"]:
        with pytest.raises(RegistrationError) as refused:
            confirm_hold(token=token)
        assert refused.value.code == "link_invalid"
    assert cancel(registration=registration) == []
    with pytest.raises(RegistrationError) as refused:
        confirm_hold(token=hold_token(registration))
    assert refused.value.code == "link_invalid"


def test_cancelling_a_hold_gives_its_places_to_the_waiting_list(fair):
    held = school(fair)
    imported(fair, 25, "family@example.vn")
    waiting = school(fair, email="lop-8a@example.vn", party_size=20, notify=False)
    assert waiting.status == RegistrationStatus.WAITING
    assert cancel(registration=held) == [waiting]


def test_a_large_group_promoted_from_the_waiting_list_confirms_its_address_first(
    fair, clock, django_capture_on_commit_callbacks
):
    # A made-up group on the waiting list must not take real places when its turn comes: it is
    # held, like a group registering, and the next in line gets them if nobody confirms.
    taken = imported(fair, 50, "family@example.vn")
    imported(fair, 9, "ban-be@example.vn")
    made_up = school(fair, email="truong-ma@example.vn", party_size=20)
    real = register_visitor(fair, party_size=2, email="that@example.vn").registration
    assert (made_up.status, real.status) == (RegistrationStatus.WAITING, RegistrationStatus.WAITING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel(registration=taken) == [made_up, real]
    made_up.refresh_from_db()
    assert made_up.status == RegistrationStatus.PENDING
    assert at(made_up.held_until, NOON)
    assert made_up.entry_pass.url not in " ".join(m.body for m in mail.outbox)
    assert confirm_link(next(m for m in mail.outbox if m.to == ["truong-ma@example.vn"]))

    fits_later = register_visitor(
        fair, party_size=40, email="lop-9@example.vn", organisation="Lớp 9"
    ).registration
    assert fits_later.status == RegistrationStatus.WAITING  # 20 held + 2 + 40 > 60
    later(clock, dt.time(12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        release_expired_holds()
    made_up.refresh_from_db()
    fits_later.refresh_from_db()
    assert made_up.status == RegistrationStatus.EXPIRED
    assert fits_later.status == RegistrationStatus.PENDING  # its turn, and it too confirms first


# --- releasing -------------------------------------------------------------------------------


def test_the_next_registration_releases_an_expired_hold_and_the_waiting_list_goes_first(fair, clock):
    held = school(fair)
    imported(fair, 25, "family@example.vn")
    waiting = register_visitor(
        fair, party_size=8, email="cho@example.vn", organisation="Nhóm bạn"
    ).registration
    assert waiting.status == RegistrationStatus.WAITING  # 30 + 25 + 8 > 60
    later(clock, dt.time(12, 5))
    newcomer = register_visitor(fair, party_size=5, email="moi@example.vn").registration
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == RegistrationStatus.EXPIRED
    assert waiting.status == RegistrationStatus.CONFIRMED  # first in line got the freed places
    assert newcomer.status == RegistrationStatus.CONFIRMED
    assert fair.places_left_by_day()[held.day.date] == 60 - 25 - 8 - 5


def test_the_address_of_a_released_hold_may_register_again(fair, clock):
    held = school(fair)
    later(clock, dt.time(12, 30))
    again = school(fair)
    held.refresh_from_db()
    assert held.status == RegistrationStatus.EXPIRED
    assert again.pk != held.pk and again.status == RegistrationStatus.PENDING
    assert at(again.held_until, dt.time(14, 30))


def test_the_periodic_release_frees_places_and_promotes(fair, clock):
    held = school(fair)
    imported(fair, 25, "family@example.vn")
    waiting = register_visitor(
        fair, party_size=8, email="cho@example.vn", organisation="Nhóm bạn"
    ).registration
    assert waiting.status == RegistrationStatus.WAITING
    later(clock, dt.time(11, 0))
    assert release_expired_holds() == 0
    later(clock, dt.time(12, 1))
    out = io.StringIO()
    call_command("release_expired_holds", stdout=out)
    assert out.getvalue().strip() == "1 hold(s) released."
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert (held.status, waiting.status) == (RegistrationStatus.EXPIRED, RegistrationStatus.CONFIRMED)
    assert fair.places_left_by_day()[held.day.date] == 60 - 25 - 8


def test_the_waiting_list_is_not_promoted_into_held_places(fair):
    school(fair)
    imported(fair, 25, "family@example.vn")
    waiting = register_visitor(
        fair, party_size=8, email="cho@example.vn", organisation="Nhóm bạn"
    ).registration
    day = EventDay.objects.get(pk=waiting.day_id)
    assert promote_waitlist(day=day) == []
    fair.daily_capacity = 62
    fair.save_revision().publish()  # 2 more places: still fewer than the 8 waiting
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING


# --- one rule, everywhere it is read -----------------------------------------------------------


def test_the_sql_twin_counts_the_same_places_as_the_queryset(fair, clock):
    day = school(fair).day
    register_visitor(fair, party_size=10, email="a@example.vn", organisation="Nhóm bạn")
    imported(fair, 5, "e@example.vn")
    register_visitor(fair, party_size=50, email="b@example.vn", organisation="Đoàn thanh niên")  # waiting
    cancel(registration=register_visitor(fair, party_size=2, email="c@example.vn").registration)
    later(clock, dt.time(12, 30))
    school(fair, email="d@example.vn", party_size=12)  # releases the first hold, holds 12 more
    assert set(Registration.objects.values_list("status", flat=True)) == set(RegistrationStatus.values)
    expected = Registration.objects.filter(day=day).holding_places().aggregate(n=Sum("party_size"))["n"]
    assert registration_sql.people_holding_places(day.pk, pinned_now(dt.time(12, 31))) == (expected, 0)
    assert expected == 10 + 5 + 12
    later(clock, dt.time(14, 31))  # the second hold's time is over too: counted until released
    assert registration_sql.people_holding_places(day.pk, pinned_now(dt.time(14, 31))) == (27, 1)


def test_a_hold_is_no_pass_at_the_gate_online_or_offline(fair):
    held = school(fair)
    gate = Gate.objects.create(event=fair, name="Cổng A")
    decision = checkin.check_in(event=fair, gate=gate, code=held.entry_pass.code, client_id="c-1")
    assert decision.checkin.result == CheckInResult.INVALID
    assert b'"p":30' not in scanner_bundle(fair)
    assert lookup.find(event=fair, query="Suối Hoa", day=held.day.date) == []


def test_figures_count_no_hold_as_a_visitor_or_a_registration(fair):
    school(fair)
    register_visitor(fair, party_size=3, email="a@example.vn")
    figures = event_figures(fair)
    assert (figures.registrations, figures.registered_people) == (1, 3)
