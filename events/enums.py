from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    TALK = "talk", _("Talk")
    BOOK_LAUNCH = "book_launch", _("Book launch")
    SIGNING = "signing", _("Author signing")
    WORKSHOP = "workshop", _("Workshop")
    PERFORMANCE = "performance", _("Performance")
    OTHER = "other", _("Other")


class RegistrationWindow(models.TextChoices):
    NOT_YET = "not_yet", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationSource(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    ADMIN = "admin", _("Organisers")
