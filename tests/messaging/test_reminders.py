"""The reminder the day before a visit: to every confirmed registration of tomorrow, once."""

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bookday.channels import Message
from events.enums import RegistrationStatus
from events.services.registration import cancel
from messaging.enums import DeliveryStatus
from messaging.models import Delivery
from messaging.services.reminders import send_reminders
from privacy.services.rights import erase
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def visitors(event, tomorrow):
    event.parking_info = "Bãi xe máy cổng sau, miễn phí."
    event.save()
    ProgrammeItemFactory(page=event, date=tomorrow, title="Giao lưu với nhà văn", start_time=dt.time(9, 0))
    ProgrammeItemFactory(page=event, date=timezone.localdate(), title="Hôm nay, không phải ngày mai")
    made = {
        "huong": register_visitor(event, email="huong@example.vn", visit_date=tomorrow),
        "john": register_visitor(
            event, email="john@example.com", full_name="John Smith", visit_date=tomorrow, language="en"
        ),
        "today": register_visitor(event, email="today@example.vn"),
        "cancelled": register_visitor(event, email="cancelled@example.vn", visit_date=tomorrow),
        "erased": register_visitor(event, email="erased@example.vn", visit_date=tomorrow),
    }
    cancel(registration=made["cancelled"].registration)
    erase(email="erased@example.vn")
    mail.outbox.clear()
    return {name: result.registration for name, result in made.items()}


def test_each_confirmed_visitor_of_tomorrow_gets_one_reminder_with_pass_programme_and_hours(
    visitors, tomorrow
):
    run = send_reminders()

    assert (run.due, run.sent, run.failed) == (2, 2, 0)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"huong@example.vn", "john@example.com"}
    huong = by_address["huong@example.vn"]
    assert f"{tomorrow:%d/%m/%Y}" in huong.subject
    assert "Ngày mai" in huong.subject  # in her language
    assert visitors["huong"].entry_pass.url in huong.body
    assert "08:00–21:00" in huong.body
    assert "09:00–10:00 Giao lưu với nhà văn" in huong.body
    assert "Hôm nay, không phải ngày mai" not in huong.body
    assert "Bãi xe máy cổng sau" in huong.body
    [(name, pdf, mimetype)] = huong.attachments
    assert mimetype == "application/pdf" and pdf.startswith(b"%PDF")
    html = huong.alternatives[0][0]
    assert "Giao lưu với nhà văn" in html and visitors["huong"].entry_pass.url in html
    assert "Tomorrow" in by_address["john@example.com"].subject  # in English


def test_running_twice_sends_once(visitors):
    send_reminders()
    second = send_reminders()

    assert (second.due, second.sent) == (0, 0)
    assert len(mail.outbox) == 2
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_waiting_cancelled_erased_and_other_days_get_none(event, visitors, tomorrow):
    event.daily_capacity = 2
    event.save()
    waiting = register_visitor(event, email="waiting@example.vn", visit_date=tomorrow).registration
    assert waiting.status == RegistrationStatus.WAITING
    mail.outbox.clear()

    send_reminders()

    reached = {message.to[0] for message in mail.outbox}
    assert reached == {"huong@example.vn", "john@example.com"}
    assert not Delivery.objects.filter(
        registration__in=[visitors["cancelled"], visitors["erased"], waiting]
    ).exists()


def test_a_reminder_claimed_by_another_run_is_not_sent_again(visitors, monkeypatch):
    # The other run claimed Hương's reminder and is sending it right now.
    Delivery.objects.create(
        kind="reminder",
        registration=visitors["huong"],
        visit_date=visitors["huong"].day.date,
        channel="email",
        status=DeliveryStatus.SENDING,
        attempts=1,
    )
    run = send_reminders()
    assert run.sent == 1
    assert [m.to for m in mail.outbox] == [["john@example.com"]]


class Flaky:
    """A channel that fails the first ``failures`` sends."""

    name = "flaky"

    def __init__(self, failures):
        self.failures, self.sent = failures, []

    def address_of(self, registration):
        return registration.email

    def send(self, *, recipient: str, message: Message):
        if self.failures:
            self.failures -= 1
            raise ConnectionError(f"421 try later ({recipient})")
        self.sent.append(recipient)


def test_a_failed_reminder_is_tried_again_by_the_next_run_a_bounded_number_of_times(visitors, settings):
    settings.ANNOUNCEMENT_MAX_ATTEMPTS = 2
    channel = Flaky(failures=10)
    first = send_reminders(channel=channel)
    assert (first.sent, first.failed) == (0, 2)
    assert Delivery.objects.get(registration=visitors["huong"]).error.startswith("421 try later")

    second = send_reminders(channel=channel)
    assert (second.due, second.failed) == (2, 2)
    third = send_reminders(channel=Flaky(failures=0))
    assert third.due == 0 and third.sent == 0  # two attempts each were the limit

    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


def test_the_dry_run_counts_and_sends_nothing(visitors):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Would remind 2 registration(s)" in out.getvalue()
    assert mail.outbox == [] and not Delivery.objects.exists()

    call_command("send_reminders", stdout=out)
    assert "2 sent" in out.getvalue() and len(mail.outbox) == 2


def test_the_task_sends_the_reminders(visitors):
    from messaging.tasks import send_reminders_task

    send_reminders_task.enqueue()
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(event, tomorrow):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL")
    for n in range(6):
        register_visitor(event, email=f"v{n}@example.vn", visit_date=tomorrow)
    mail.outbox.clear()
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            send_reminders()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"v{n}@example.vn" for n in range(6))


def test_the_reminder_lists_the_visitors_booked_sessions(event, visitors, tomorrow):
    from events.enums import ProgrammeKind
    from events.services.sessions import book

    signing = ProgrammeItemFactory(
        page=event,
        date=tomorrow,
        title="Ký tặng - Nguyễn Nhật Ánh",
        speakers="Nguyễn Nhật Ánh",
        kind=ProgrammeKind.SIGNING,
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=40,
    )
    book(entry_pass=visitors["huong"].entry_pass, session=signing, people=1)

    send_reminders()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Ký tặng - Nguyễn Nhật Ánh - số 1" in by_address["huong@example.vn"].body
    assert "số 1" not in by_address["john@example.com"].body  # booked nothing
