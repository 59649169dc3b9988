"""The plan follows the exhibitors' booth numbers, whoever changes them (floor.services.holders);
a plan made or removed shows at once on the cached event pages (their "Floor plan" link)."""

from django.db.models.signals import post_delete, post_save


def _exhibitor_saved(sender, instance, **kwargs):
    from floor.services import holders

    update_fields = kwargs.get("update_fields")
    if update_fields is None or "booths" in update_fields:
        holders.sync(instance.event_id)


def _plan_made_or_removed(sender, created=True, **kwargs):
    from bookday.middleware import PublicPageCacheMiddleware

    if created:
        PublicPageCacheMiddleware.clear()


def connect() -> None:
    from floor.models import Floor
    from publishers.models import Exhibitor

    post_save.connect(_exhibitor_saved, sender=Exhibitor, dispatch_uid="floor_follows_exhibitor_booths")
    post_save.connect(_plan_made_or_removed, sender=Floor, dispatch_uid="floor_pagecache_save")
    post_delete.connect(_plan_made_or_removed, sender=Floor, dispatch_uid="floor_pagecache_delete")
