from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder the day before")
    ANNOUNCEMENT = "announcement", _("Announcement")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    # Claimed by one worker: nobody else sends it. A crash here leaves it unsent rather than
    # sent twice; the row shows where it stopped.
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Cancelled, erased or opted out between the announcement's start and its turn.
    SKIPPED = "skipped", _("Not sent")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


# Deliveries still to be tried (a failed one while it has attempts left: see deliveries.py).
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
