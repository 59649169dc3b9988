"""Announcements: audience, languages, opt-out, throttle, per-recipient log and bounded retries."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from bookday.channels import Message
from events.models import EventDay
from events.services.registration import cancel
from messaging.enums import AnnouncementStatus, DeliveryStatus
from messaging.models import Announcement, AnnouncementOptOut, Delivery
from messaging.services import MessagingError
from messaging.services.announcements import (
    deliver,
    opt_out,
    registration_for_token,
    send_test,
)
from messaging.services.deliveries import Throttle
from messaging.services.sending import start_sending
from privacy.services.rights import erase
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def visitors(event, tomorrow):
    made = {
        "huong": register_visitor(event, email="huong@example.vn"),
        "huong_tomorrow": register_visitor(event, email="huong@example.vn", visit_date=tomorrow),
        "john": register_visitor(event, email="john@example.com", language="en", visit_date=tomorrow),
        "cancelled": register_visitor(event, email="cancelled@example.vn"),
    }
    cancel(registration=made["cancelled"].registration)
    mail.outbox.clear()
    return {name: result.registration for name, result in made.items()}


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """start_sending, and the background delivery it queues after the commit."""

    def run(announcement):
        with django_capture_on_commit_callbacks(execute=True):
            return start_sending(announcement=announcement)

    return run


def announcement_for(event, day=None, **fields):
    values = {
        "event": event,
        "day": day,
        "subject": "Ngày 06/12 chuyển vào hội trường do mưa",
        "body": "Do trời mưa, hội sách ngày mai diễn ra trong hội trường tầng 2.\n\nXin cảm ơn.",
        "subject_en": "06/12 moves indoors because of rain",
        "body_en": "Because of the rain, tomorrow's fair is in the hall on the 2nd floor.",
        **fields,
    }
    return Announcement.objects.create(**values)


def test_an_announcement_reaches_each_confirmed_registration_in_its_language(event, visitors, start):
    announcement = announcement_for(event)

    assert start(announcement) == 3  # the cancelled one is left out

    assert sorted(m.to[0] for m in mail.outbox) == [
        "huong@example.vn",
        "huong@example.vn",
        "john@example.com",
    ]
    john = next(m for m in mail.outbox if m.to == ["john@example.com"])
    assert john.subject.startswith("06/12 moves indoors") and "hall on the 2nd floor" in john.body
    huong = next(m for m in mail.outbox if m.to == ["huong@example.vn"])
    assert huong.subject.startswith("Ngày 06/12 chuyển vào hội trường") and "tầng 2" in huong.body
    assert "/announcements/stop/" in huong.body and "/en/announcements/stop/" in john.body
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT and announcement.finished_at
    assert Delivery.objects.filter(announcement=announcement, status=DeliveryStatus.SENT).count() == 3
    # No address copied into the log: the rows point at registrations.
    assert not any("@" in str(value) for value in Delivery.objects.values_list("error", "channel"))


def test_the_audience_of_one_day(event, visitors, start, tomorrow):
    day = EventDay.objects.get(event=event, date=tomorrow)
    assert start(announcement_for(event, day=day)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["huong@example.vn", "john@example.com"]


def test_english_visitors_get_the_vietnamese_text_when_there_is_no_english_one(event, visitors, start):
    start(announcement_for(event, subject_en="", body_en=""))
    john = next(m for m in mail.outbox if m.to == ["john@example.com"])
    assert "tầng 2" in john.body
    assert "You receive this because you registered" in john.body  # the frame stays in English


def test_an_announcement_is_sent_once_however_often_it_is_started_or_delivered(event, visitors, start):
    announcement = announcement_for(event)
    start(announcement)
    with pytest.raises(MessagingError) as refused:
        start_sending(announcement=announcement)
    assert refused.value.code == "not_draft"
    deliver(announcement_id=announcement.pk)
    assert len(mail.outbox) == 3


def test_nobody_to_send_to_is_refused_and_changes_nothing(event):
    announcement = announcement_for(event)
    with pytest.raises(MessagingError) as refused:
        start_sending(announcement=announcement)
    assert refused.value.code == "no_recipients"
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT and not Delivery.objects.exists()


def test_the_opt_out_link_stops_announcements_for_that_visitor_and_event_only(client, event, visitors, start):
    start(announcement_for(event))
    huong = next(m for m in mail.outbox if m.to == ["huong@example.vn"])
    link = re.search(r"http://testserver(/announcements/stop/\S+/)", huong.body).group(1)

    page = client.get(link)
    assert page.status_code == 200 and not AnnouncementOptOut.objects.exists()  # a GET changes nothing
    page = client.post(link)
    assert page.status_code == 200
    # Both of her registrations of this event; John's stays.
    assert set(AnnouncementOptOut.objects.values_list("registration_id", flat=True)) == {
        visitors["huong"].pk,
        visitors["huong_tomorrow"].pk,
    }
    mail.outbox.clear()
    assert start(announcement_for(event, subject="Tin thứ hai")) == 1
    assert [m.to for m in mail.outbox] == [["john@example.com"]]


def test_a_tampered_opt_out_link_changes_nothing(client, event, visitors):
    page = client.post("/announcements/stop/not-a-token/")
    assert page.status_code == 404
    assert registration_for_token("1:forged") is None
    assert not AnnouncementOptOut.objects.exists()


def test_opting_out_twice_is_harmless(visitors):
    assert opt_out(registration=visitors["john"]) == 1
    assert opt_out(registration=visitors["john"]) == 1
    assert AnnouncementOptOut.objects.count() == 1


def test_a_registration_erased_or_opted_out_after_the_start_is_skipped(
    event, visitors, django_capture_on_commit_callbacks
):
    announcement = announcement_for(event)
    # Started, but the worker has not run yet.
    with django_capture_on_commit_callbacks(execute=False):
        start_sending(announcement=announcement)
    erase(email="huong@example.vn")
    opt_out(registration=visitors["john"])
    mail.outbox.clear()

    counts = deliver(announcement_id=announcement.pk)

    assert counts == {"sent": 0, "failed": 0, "skipped": 3}
    assert mail.outbox == []


class FakeClock:
    def __init__(self):
        self.now, self.slept = 0.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_the_throttle_spaces_sends_evenly():
    fake = FakeClock()
    throttle = Throttle(30, sleep=fake.sleep, clock=fake.clock)  # one every 2 seconds
    for _ in range(4):
        throttle.wait()
    assert fake.slept == [2.0, 2.0, 2.0]
    fake.now += 10  # a slow send: no extra wait is owed
    throttle.wait()
    assert fake.slept == [2.0, 2.0, 2.0]


def test_sending_is_throttled_to_the_configured_rate(
    event, visitors, settings, django_capture_on_commit_callbacks
):
    settings.ANNOUNCEMENT_RATE_PER_MINUTE = 120
    announcement = announcement_for(event)
    with django_capture_on_commit_callbacks(execute=False):
        start_sending(announcement=announcement)
    fake = FakeClock()
    deliver(announcement_id=announcement.pk, throttle=Throttle(120, sleep=fake.sleep, clock=fake.clock))
    assert fake.slept == [0.5, 0.5]
    assert len(mail.outbox) == 3


class Flaky:
    name = "flaky"

    def __init__(self, failing: set[str]):
        self.failing, self.sent = failing, []

    def address_of(self, registration):
        return registration.email

    def send(self, *, recipient: str, message: Message):
        if recipient in self.failing:
            raise ConnectionError(f"550 mailbox unavailable: {recipient}")
        self.sent.append(recipient)


def test_a_failed_recipient_is_retried_a_bounded_number_of_times(
    event, visitors, settings, django_capture_on_commit_callbacks
):
    settings.ANNOUNCEMENT_MAX_ATTEMPTS = 3
    announcement = announcement_for(event)
    with django_capture_on_commit_callbacks(execute=False):
        start_sending(announcement=announcement)
    channel = Flaky({"john@example.com"})
    fake = FakeClock()

    counts = deliver(
        announcement_id=announcement.pk,
        channel=channel,
        throttle=Throttle(60, sleep=fake.sleep, clock=fake.clock),
    )

    assert counts == {"sent": 2, "failed": 3, "skipped": 0}
    john = Delivery.objects.get(registration=visitors["john"])
    assert (john.status, john.attempts) == (DeliveryStatus.FAILED, 3)
    assert john.error.startswith("550 mailbox unavailable")
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT  # nothing left to try
    progress = Announcement.objects.with_progress().get(pk=announcement.pk)
    assert (progress.recipients_count, progress.sent_count, progress.failed_count) == (3, 2, 1)


def test_a_recipient_that_recovers_is_sent_on_a_retry(event, visitors, django_capture_on_commit_callbacks):
    announcement = announcement_for(event)
    with django_capture_on_commit_callbacks(execute=False):
        start_sending(announcement=announcement)

    class OnceDown(Flaky):
        def send(self, *, recipient, message):
            if recipient in self.failing:
                self.failing.discard(recipient)
                raise ConnectionError("421 try again later")
            self.sent.append(recipient)

    channel = OnceDown({"john@example.com"})
    fake = FakeClock()
    deliver(
        announcement_id=announcement.pk,
        channel=channel,
        throttle=Throttle(6000, sleep=fake.sleep, clock=fake.clock),
    )
    john = Delivery.objects.get(registration=visitors["john"])
    assert (john.status, john.attempts, john.error) == (DeliveryStatus.SENT, 2, "")
    assert channel.sent.count("john@example.com") == 1


def test_a_test_goes_to_the_organiser_only_in_both_languages(event, visitors):
    organiser = User.objects.create_user("mai", email="mai@sovanhoa.gov.vn")
    announcement = announcement_for(event)

    assert send_test(announcement=announcement, user=organiser) == "mai@sovanhoa.gov.vn"

    assert [m.to for m in mail.outbox] == [["mai@sovanhoa.gov.vn"]] * 2
    assert [m.subject[:7] for m in mail.outbox] == ["[TEST] "] * 2
    assert "tầng 2" in mail.outbox[0].body and "2nd floor" in mail.outbox[1].body
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT and not Delivery.objects.exists()
    with pytest.raises(MessagingError) as refused:
        send_test(announcement=announcement, user=User.objects.create_user("noemail"))
    assert refused.value.code == "no_address"


def test_what_was_sent_is_in_my_data_and_erasing_leaves_no_address_in_the_log(event, visitors, start):
    from privacy.services.rights import export_csv, personal_data

    start(announcement_for(event))
    Delivery.objects.filter(registration=visitors["john"]).update(error="550 no such user john@example.com")
    [today, tomorrow_visit] = sorted(personal_data("huong@example.vn"), key=lambda r: r["visit_date"])
    [sent] = today["emails"]["reminders_and_announcements"]
    assert sent["what"].endswith("Ngày 06/12 chuyển vào hội trường do mưa")
    assert "Ngày 06/12 chuyển vào hội trường do mưa" in export_csv(email="huong@example.vn").decode()

    erase(email="john@example.com")

    assert not Delivery.objects.filter(error__contains="john@example.com").exists()
    assert Delivery.objects.filter(registration=visitors["john"]).exists()  # the count stays


def test_my_data_lists_the_reminders_and_announcements_sent(client, event, visitors, start):
    from privacy.services.links import request_link
    from tests.privacy.test_links import link_in

    start(announcement_for(event))
    mail.outbox.clear()
    request_link(email="huong@example.vn")
    page = client.post(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "Thông báo: Ngày 06/12 chuyển vào hội trường do mưa" in page
