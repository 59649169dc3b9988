from django.db import models
from django.utils.translation import gettext_lazy as _


class DataRequestKind(models.TextChoices):
    """What a visitor asked for on "My data" (each is done at once, never queued for a person)."""

    LINK = "link", _("Link to my data sent")
    ACCESS = "access", _("Data viewed")
    CORRECT = "correct", _("Data corrected")
    EXPORT = "export", _("Data downloaded")
    WITHDRAW = "withdraw", _("Consent withdrawn")
    ERASE = "erase", _("Data erased")
