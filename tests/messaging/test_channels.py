"""The channel interface: the setting picks the class; email carries the HTML and the PDF; the
console prints what would be sent; a new provider is one subclass, callers unchanged."""

import io

import pytest
from django.core import mail

from bookday.channels import Channel, ConsoleChannel, EmailChannel, Message, channel
from messaging.services.reminders import send_reminders

MESSAGE = Message(
    subject="Ngày mai: hội sách",
    text="Xin chào Đặng Thị Hương",
    html="<p>Xin chào</p>",
    attachments=[("ve.pdf", b"%PDF-1.7", "application/pdf")],
)


def test_the_setting_picks_the_channel(settings):
    assert isinstance(channel(), EmailChannel)
    settings.MESSAGING_CHANNEL = "bookday.channels.ConsoleChannel"
    assert isinstance(channel(), ConsoleChannel)


def test_email_carries_text_html_and_attachments():
    EmailChannel().send(recipient="huong@example.vn", message=MESSAGE)
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["huong@example.vn"], MESSAGE.subject, MESSAGE.text)
    assert sent.alternatives[0][0] == "<p>Xin chào</p>"
    assert sent.attachments == [("ve.pdf", b"%PDF-1.7", "application/pdf")]


def test_the_console_prints_what_would_be_sent_and_sends_nothing():
    out = io.StringIO()
    ConsoleChannel(stream=out).send(recipient="huong@example.vn", message=MESSAGE)
    printed = out.getvalue()
    assert "message to huong@example.vn" in printed and "Subject: Ngày mai: hội sách" in printed
    assert "ve.pdf (8 bytes)" in printed and "Xin chào Đặng Thị Hương" in printed
    assert mail.outbox == []


class Sms(Channel):
    """What an SMS provider would add: where it reaches a visitor, and how it sends."""

    name = "sms"
    outbox = []

    def address_of(self, registration):
        return registration.phone

    def send(self, *, recipient, message):
        self.outbox.append((recipient, message.subject))


@pytest.mark.django_db
def test_another_provider_is_one_class_and_the_callers_do_not_change(event, settings):
    import datetime as dt

    from django.utils import timezone

    from messaging.models import Delivery
    from tests.factories import register_visitor

    register_visitor(event, phone="+84912345678", visit_date=timezone.localdate() + dt.timedelta(days=1))
    mail.outbox.clear()
    settings.MESSAGING_CHANNEL = "tests.messaging.test_channels.Sms"

    send_reminders()

    assert [recipient for recipient, _subject in Sms.outbox] == ["+84912345678"]
    assert Delivery.objects.get().channel == "sms"
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_pass_email_travels_through_the_same_channel(event, settings):
    from tests.factories import register_visitor

    Sms.outbox.clear()
    settings.MESSAGING_CHANNEL = "tests.messaging.test_channels.Sms"

    register_visitor(event, phone="+84987654321")

    [(recipient, subject)] = Sms.outbox
    assert recipient == "+84987654321" and subject  # the pass's message, by the chosen channel
    assert mail.outbox == []  # nothing went round it by email
