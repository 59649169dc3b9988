from wagtail import hooks

from events.permissions import is_organiser
from figures.admin_dashboard import BookDayPanel, FiguresPanel, current_event
from figures.admin_report import EventReportViewSet


@hooks.register("register_admin_viewset")
def register_event_reports():
    return EventReportViewSet()  # shown in the Book Day menu group (its menu_hook)


@hooks.register("construct_homepage_panels")
def add_book_day_panels(request, panels):
    event = current_event() if is_organiser(request.user) else None
    if event:
        # Capacity and what waits for the help desk first, then the figures.
        panels[:0] = [BookDayPanel(event), FiguresPanel(event)]
