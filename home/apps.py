from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


def grant_new_permissions(sender, apps=global_apps, **kwargs):
    """Models added by later migrations reach Organisers without a migration each."""
    from home.groups import sync_groups

    sync_groups(apps)


class HomeConfig(AppConfig):
    default = True  # this module holds StaffUsersConfig too
    name = "home"
    verbose_name = _("Site")

    def ready(self):
        # Sent once per app that has models: listen for the last one, when every permission exists.
        last_app = [app for app in global_apps.get_app_configs() if app.models_module][-1]
        post_migrate.connect(grant_new_permissions, sender=last_app, dispatch_uid="bookday_groups")

        from wagtail.signals import page_published, page_unpublished

        import bookday.checks  # noqa: F401 - registers the deployment checks
        from home import admin_csp

        admin_csp.install()
        from bookday.middleware import PublicPageCacheMiddleware

        page_published.connect(PublicPageCacheMiddleware.clear, dispatch_uid="bookday_pagecache_publish")
        page_unpublished.connect(PublicPageCacheMiddleware.clear, dispatch_uid="bookday_pagecache_unpublish")


class StaffUsersConfig(WagtailUsersAppConfig):
    """wagtail.users, with staff accounts kept within what the editing user may grant."""

    user_viewset = "home.users.UserViewSet"
