"""Capacity under a rush, where it is real: PostgreSQL with concurrent transactions."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from events.enums import RegistrationStatus
from events.models import Registration
from events.services.registration import RegistrationError, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (run `make test`)")


def rush(event, day, count: int, party_size: int = 1, **kwargs) -> list:
    """``count`` registrations at the same moment, each on its own connection."""
    barrier = threading.Barrier(count)
    outcomes = []

    def one(n):
        try:
            barrier.wait()
            result = register(
                event=event,
                full_name=f"Khách {n}",
                email=f"khach{n}@example.vn",
                phone="+84912345678",
                visit_date=day,
                party_size=party_size,
                consent=True,
                **kwargs,
            )
            outcomes.append(result.registration.status)
        except RegistrationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_fifty_at_once_against_twenty_places_admits_exactly_twenty(event):
    day = event.start_date + dt.timedelta(days=1)
    event.daily_capacity = 20
    event.save()
    outcomes = rush(event, day, 50)
    assert len(outcomes) == 50
    assert outcomes.count(RegistrationStatus.CONFIRMED) == 20
    assert outcomes.count(RegistrationStatus.WAITING) == 30
    confirmed = Registration.objects.filter(day__date=day, status=RegistrationStatus.CONFIRMED)
    assert sum(r.party_size for r in confirmed) == 20


def test_groups_never_overfill_a_day_and_refusals_write_nothing(event):
    day = event.start_date + dt.timedelta(days=1)
    event.daily_capacity = 20
    event.save()
    outcomes = rush(event, day, 30, party_size=3, join_waitlist=False)
    assert outcomes.count(RegistrationStatus.CONFIRMED) == 6  # 18 people; a seventh group would be 21
    assert outcomes.count("full") == 24
    assert Registration.objects.count() == 6


def test_the_same_person_twice_at_once_is_registered_once(event):
    day = event.start_date + dt.timedelta(days=1)
    barrier = threading.Barrier(2)
    results = []

    def one():
        barrier.wait()
        results.append(
            register(
                event=event,
                full_name="Đặng Thị Hương",
                email="huong@example.vn",
                phone="+84912345678",
                visit_date=day,
                consent=True,
            ).created
        )
        connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, True]
    assert Registration.objects.count() == 1


def scan_rush(event, code: str, count: int, headcount=None) -> list:
    from events.models import Gate
    from events.services.checkin import check_in

    gates = [Gate.objects.get_or_create(event=event, name=f"Cổng {n}")[0] for n in range(3)]
    barrier = threading.Barrier(count)
    outcomes = []

    def one(n):
        try:
            barrier.wait()
            decision = check_in(
                code=code, event=event, gate=gates[n % 3], client_id=f"rush-{n:04d}-xyz", headcount=headcount
            )
            outcomes.append((decision.result, decision.admitted))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_gates_scanning_the_same_pass_at_once_admit_it_once(event):
    from django.utils import timezone

    from events.models import CheckIn

    code = register(
        event=event,
        full_name="Đặng Thị Hương",
        email="huong@example.vn",
        phone="+84912345678",
        visit_date=timezone.localdate(),
        consent=True,
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass.code
    outcomes = scan_rush(event, code, 20)
    assert len(outcomes) == 20
    assert [r for r in outcomes if r[0] == "admitted"] == [("admitted", 1)]
    assert CheckIn.objects.filter(result="already_admitted").count() == 19
    assert CheckIn.objects.counted().people() == 1


def test_a_group_scanned_at_many_gates_at_once_admits_exactly_its_size(event):
    from django.utils import timezone

    from events.models import CheckIn

    code = register(
        event=event,
        full_name="Trường THCS Suối Hoa",
        email="lop6a@example.vn",
        phone="+84912345678",
        visit_date=timezone.localdate(),
        party_size=30,
        organisation="Trường THCS Suối Hoa",
        consent=True,
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass.code
    scan_rush(event, code, 24, headcount=4)
    assert CheckIn.objects.counted().people() == 30  # 7 admissions of 4, one of the last 2


def test_publishing_a_larger_capacity_amid_registrations_and_cancellations_never_oversells(event):
    """An organiser publishes 10 -> 15 places while ten people register and four cancel: the
    day ends exactly full, the places going to those who waited longest."""
    from django.utils import timezone

    from events.models import EventPage
    from events.services.registration import cancel

    # Tomorrow, which no hour of today's run can close.
    day = timezone.localdate() + dt.timedelta(days=1)
    EventPage.objects.filter(pk=event.pk).update(start_date=day, end_date=day, daily_capacity=10)
    event.refresh_from_db()

    def registered(n: int):
        return register(
            event=event,
            full_name=f"Khách {n}",
            email=f"truoc{n}@example.vn",
            phone="+84912345678",
            visit_date=day,
            consent=True,
            notify=False,
        ).registration

    holders = [registered(n) for n in range(10)]
    waiting = [registered(n) for n in range(10, 20)]
    assert {r.status for r in waiting} == {RegistrationStatus.WAITING}

    barrier = threading.Barrier(15)
    errors, late = [], []

    def publish():
        page = EventPage.objects.get(pk=event.pk)
        page.daily_capacity = 15
        revision = page.save_revision()
        barrier.wait()
        revision.publish()

    def cancel_one(registration):
        barrier.wait()
        cancel(registration=registration)

    def register_one(n):
        barrier.wait()
        late.append(
            register(
                event=event,
                full_name=f"Khách {n}",
                email=f"moi{n}@example.vn",
                phone="+84912345678",
                visit_date=day,
                consent=True,
            ).registration.status
        )

    def run(work, *args):
        try:
            work(*args)
        except Exception as error:  # a deadlock or any other failure is reported below
            errors.append(error)
        finally:
            connections.close_all()

    work = [(publish,)] + [(cancel_one, r) for r in holders[:4]] + [(register_one, n) for n in range(10)]
    threads = [threading.Thread(target=run, args=args) for args in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    confirmed = Registration.objects.filter(day__date=day, status=RegistrationStatus.CONFIRMED)
    assert sum(r.party_size for r in confirmed) == 15
    # The newcomers find the day full (or, holding the event as it was, at its old capacity);
    # the places go to the nine who waited longest.
    assert late.count(RegistrationStatus.WAITING) == 10
    assert set(confirmed) == set(holders[4:]) | set(waiting[:9])


def test_a_publish_and_a_cancellation_waiting_on_each_other_do_not_deadlock(event, monkeypatch):
    """The worst interleaving, forced: a publish inside a transaction (as Wagtail's workflow
    publishes on the last approval: WorkflowState.finish is atomic) has written the page's row,
    and holds it to its commit, when the cancellation, holding the day's lock, reads its
    registration and the event. Were that read to lock the event's rows too, each would wait
    for the other and PostgreSQL would abort one of them."""
    from django.utils import timezone

    from events import signals
    from events.models import EventPage
    from events.services.registration import cancel

    day = timezone.localdate() + dt.timedelta(days=1)
    EventPage.objects.filter(pk=event.pk).update(start_date=day, end_date=day, daily_capacity=1)
    event.refresh_from_db()
    holder, waiting = (
        register(
            event=event,
            full_name="Nguyễn Văn Ưng",
            email=f"ung{n}@example.vn",
            phone="+84912345678",
            visit_date=day,
            consent=True,
            notify=False,
        ).registration
        for n in range(2)
    )
    page_written, day_locked = threading.Event(), threading.Event()
    real = signals.capacity_changed

    def after_the_page_is_written(**kwargs):
        page_written.set()
        day_locked.wait(10)
        return real(**kwargs)

    monkeypatch.setattr(signals, "capacity_changed", after_the_page_is_written)

    def once_the_day_is_locked(execute, sql, params, many, context):
        if "FOR UPDATE" in sql and 'FROM "events_registration"' in sql:
            page_written.wait(10)
            day_locked.set()
        return execute(sql, params, many, context)

    errors = []

    def publish():
        page = EventPage.objects.get(pk=event.pk)
        page.daily_capacity = 3
        with transaction.atomic():
            page.save_revision().publish()

    def cancel_holder():
        with connection.execute_wrapper(once_the_day_is_locked):
            cancel(registration=holder)

    def run(work):
        try:
            work()
        except Exception as error:  # psycopg's DeadlockDetected among them
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in (publish, cancel_holder)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert day_locked.is_set(), "the interleaving was not forced"
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
