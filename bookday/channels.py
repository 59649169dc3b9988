"""One way to send a message to a person, whatever carries it: email, the console, later SMS or Zalo.

Callers build a ``Message`` and call ``channel().send(recipient=..., message=...)``; the setting
``MESSAGING_CHANNEL`` (a dotted path) picks the class. A new provider is one more subclass:
``address_of`` says where it reaches a registration (an email address, a phone number), ``send``
delivers or raises. Nothing else changes.
"""

import sys
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string


@dataclass
class Message:
    subject: str
    text: str
    html: str = ""
    # (file name, content, MIME type); a channel that cannot carry files sends the text alone.
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


class Channel:
    name = ""

    def address_of(self, registration) -> str:
        """Where this channel reaches the visitor of ``registration``."""
        raise NotImplementedError

    def send(self, *, recipient: str, message: Message) -> None:
        """Deliver ``message`` to ``recipient`` or raise: the caller records the failure and retries."""
        raise NotImplementedError


class EmailChannel(Channel):
    """Django's email (EMAIL_URL), with the HTML part and attachments."""

    name = "email"

    def address_of(self, registration) -> str:
        return registration.email

    def send(self, *, recipient: str, message: Message) -> None:
        email = EmailMultiAlternatives(
            message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [recipient]
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for name, content, mimetype in message.attachments:
            email.attach(name, content, mimetype)
        email.send()


class ConsoleChannel(EmailChannel):
    """For development: prints what would be sent (the text, and the attachments' names)."""

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, recipient: str, message: Message) -> None:
        files = ", ".join(f"{name} ({len(content)} bytes)" for name, content, _type in message.attachments)
        self.stream.write(
            f"--- message to {recipient}\nSubject: {message.subject}\n"
            + (f"Attachments: {files}\n" if files else "")
            + f"\n{message.text}\n---\n"
        )
        self.stream.flush()


def channel() -> Channel:
    """The channel chosen in settings (MESSAGING_CHANNEL)."""
    return import_string(settings.MESSAGING_CHANNEL)()
