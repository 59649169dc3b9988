from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloorConfig(AppConfig):
    name = "floor"
    verbose_name = _("Floor plans")

    def ready(self):
        from floor import signals

        signals.connect()
