"""Sending one delivery once: claim the row, send through the channel, record what happened.

A row is claimed by a conditional update (its status and attempts as they were read), so of two
workers that read the same row only one sends it. A failure is recorded with its error and the
row tried again later, at most ANNOUNCEMENT_MAX_ATTEMPTS times in all.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from bookday.channels import Channel, Message
from messaging.enums import DeliveryStatus
from messaging.models import Delivery

log = logging.getLogger(__name__)


def max_attempts() -> int:
    return max(settings.ANNOUNCEMENT_MAX_ATTEMPTS, 1)


def claim(delivery: Delivery) -> bool:
    """Take ``delivery`` for sending; False when another run took it (or it changed) first."""
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=delivery.status, attempts=delivery.attempts
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
    if claimed:
        delivery.status, delivery.attempts = DeliveryStatus.SENDING, delivery.attempts + 1
    return bool(claimed)


def send_claimed(delivery: Delivery, *, channel: Channel, build: Callable[[], Message]) -> bool:
    """Send a claimed delivery and record the outcome; True when it went. Never raises: a
    rendering or transport failure is the row's error, and the row is tried again later."""
    try:
        message = build()
        channel.send(recipient=channel.address_of(delivery.registration), message=message)
    except Exception as error:  # any provider's failure is recorded, never raised
        log.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.kind, error)
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=str(error)[:300])
        delivery.status = DeliveryStatus.FAILED
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    delivery.status = DeliveryStatus.SENT
    return True


def skip(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SKIPPED)
    delivery.status = DeliveryStatus.SKIPPED


class Throttle:
    """At most ``per_minute`` sends a minute, evenly spaced: ``wait()`` before each send."""

    def __init__(self, per_minute: int, *, sleep=time.sleep, clock=time.monotonic):
        self.interval = 60.0 / max(per_minute, 1)
        self.sleep, self.clock = sleep, clock
        self.next_at = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval
