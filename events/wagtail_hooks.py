from wagtail import hooks

from events.admin_report import FiguresPanel, current_event
from events.permissions import is_organiser
from events.viewsets import BookDayGroup


@hooks.register("register_admin_viewset")
def register_book_day_menu():
    return BookDayGroup()


@hooks.register("construct_homepage_panels")
def add_figures_panel(request, panels):
    event = current_event() if is_organiser(request.user) else None
    if event:
        panels.insert(0, FiguresPanel(event))
