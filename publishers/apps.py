from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publishers"
    verbose_name = _("Publishers")
