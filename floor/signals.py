"""The plan follows the exhibitors' booth numbers, whoever changes them (floor.services.holders)."""

from django.db.models.signals import post_save


def _exhibitor_saved(sender, instance, **kwargs):
    from floor.services import holders

    update_fields = kwargs.get("update_fields")
    if update_fields is None or "booths" in update_fields:
        holders.sync(instance.event_id)


def connect() -> None:
    from publishers.models import Exhibitor

    post_save.connect(_exhibitor_saved, sender=Exhibitor, dispatch_uid="floor_follows_exhibitor_booths")
