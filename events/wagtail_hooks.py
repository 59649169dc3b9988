from wagtail import hooks

from events.admin_dashboard import BookDayPanel
from events.admin_report import FiguresPanel, current_event
from events.permissions import is_organiser
from events.viewsets import BookDayGroup


@hooks.register("register_admin_viewset")
def register_book_day_menu():
    return BookDayGroup()


@hooks.register("construct_homepage_panels")
def add_book_day_panels(request, panels):
    event = current_event() if is_organiser(request.user) else None
    if event:
        # Capacity and what waits for the help desk first, then the figures.
        panels[:0] = [BookDayPanel(event), FiguresPanel(event)]
