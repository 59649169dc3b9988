from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """The event's figures, charts and report for organisers, and the public counters.

    Read only and without models: it sits above events and publishers and reads both.
    """

    name = "figures"
    verbose_name = _("Figures")
