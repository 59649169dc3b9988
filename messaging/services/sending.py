"""Starting an announcement: its audience frozen into delivery rows, the sending queued."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bookday.channels import channel as default_channel
from messaging.enums import AnnouncementStatus, DeliveryKind
from messaging.models import Announcement, Delivery
from messaging.services import MessagingError
from messaging.services.announcements import audience
from messaging.tasks import deliver_announcement_task


def start_sending(*, announcement: Announcement, now: dt.datetime | None = None) -> int:
    """Freeze the audience (one delivery row per registration) and queue the sending.

    Only a draft may start (``not_draft`` otherwise, also to a second click), and only to an
    audience of at least one (``no_recipients``). Returns how many will get it."""
    now = now or timezone.now()
    channel = default_channel()
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status != AnnouncementStatus.DRAFT:
            raise MessagingError("not_draft")
        ids = list(audience(locked).values_list("pk", flat=True))
        if not ids:
            raise MessagingError("no_recipients")
        Delivery.objects.bulk_create(
            [
                Delivery(
                    kind=DeliveryKind.ANNOUNCEMENT,
                    announcement=locked,
                    registration_id=registration_id,
                    channel=channel.name,
                    created_at=now,
                )
                for registration_id in ids
            ],
            batch_size=1000,
        )
        Announcement.objects.filter(pk=locked.pk).update(
            status=AnnouncementStatus.SENDING, sending_started_at=now
        )
        transaction.on_commit(lambda: deliver_announcement_task.enqueue(locked.pk))
    announcement.refresh_from_db()
    return len(ids)
