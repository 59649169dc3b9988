"""What makes the hot paths forget what they remembered (see bookday.hotcache).

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
