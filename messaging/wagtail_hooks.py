from wagtail import hooks

from messaging.viewsets import AnnouncementViewSet


@hooks.register("register_admin_viewset")
def register_announcements():
    return AnnouncementViewSet("announcements")
