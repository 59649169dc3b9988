"""What follows a change made elsewhere: the hot paths forget what they remembered (see
bookday.hotcache), and a published event gives freed places to its waiting lists.

Check-ins remember a token's user and whether that user may scan, the event and the gate;
registrations remember the event and whether it is public. Any change to the rows those come
from makes every process read them again.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import APIToken, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from bookday.hotcache import forget
from events.models import EventPage, Gate
from events.services.registration import capacity_changed
from events.services.sessions import places_changed


def _event_published(sender, instance: EventPage, **kwargs) -> None:
    """Every way a page goes live (the editor, scheduled publishing, bulk actions, the API)
    sends page_published; saving a draft of a live page does not, and leaves the live values
    (the capacity registration reads) as they were."""
    capacity_changed(event=instance)
    places_changed(event=instance)  # a session's places, like a day's capacity, change by publishing


def connect() -> None:
    user = get_user_model()
    # A token revoked or deleted, a user deactivated, deleted or made (non-)superuser, a group
    # renamed; an event edited or deleted, a gate added or removed; a page restriction changed.
    for model in (APIToken, user, Group, EventPage, Gate, PageViewRestriction):
        post_save.connect(forget, sender=model, dispatch_uid=f"hotcache_save_{model._meta.label}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"hotcache_delete_{model._meta.label}")
    # A user added to or taken out of a group (from either side).
    m2m_changed.connect(forget, sender=user.groups.through, dispatch_uid="hotcache_user_groups")
    # Publishing and unpublishing (also of an ancestor page), and moves under a restricted page.
    page_published.connect(forget, dispatch_uid="hotcache_publish")
    page_unpublished.connect(forget, dispatch_uid="hotcache_unpublish")
    post_page_move.connect(forget, dispatch_uid="hotcache_move")
    # A published event may hold more people per day: its waiting lists move up.
    page_published.connect(_event_published, sender=EventPage, dispatch_uid="events_capacity_changed")
