from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    INFO = "info", _("Information desk")
    TOILETS = "toilets", _("Toilets")
    FIRST_AID = "first_aid", _("First aid")
    STAGE = "stage", _("Stage")


# One letter per service on the map (the text list spells them out).
SERVICE_SYMBOLS = {
    ServiceKind.INFO: "i",
    ServiceKind.TOILETS: "WC",
    ServiceKind.FIRST_AID: "+",
    ServiceKind.STAGE: "♪",
}
