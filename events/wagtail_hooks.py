from wagtail import hooks

from events.viewsets import BookDayGroup


@hooks.register("register_admin_viewset")
def register_book_day_menu():
    return BookDayGroup()
