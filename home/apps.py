from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site")

    def ready(self):
        from django.apps import apps as global_apps
        from django.db.models.signals import post_migrate

        from home.groups import sync_groups

        def grant_new_permissions(sender, **kwargs):
            # Models added by later migrations reach Organisers without a migration each.
            sync_groups(kwargs.get("apps") or global_apps)

        # Sent once per app: listen for the last one, when every permission exists.
        last_app = list(global_apps.get_app_configs())[-1]
        post_migrate.connect(grant_new_permissions, sender=last_app, dispatch_uid="bookday_groups")
