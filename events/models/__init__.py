from .pages import EventIndexPage, EventPage, EventPageQuerySet, ProgrammeItem

__all__ = ["EventIndexPage", "EventPage", "EventPageQuerySet", "ProgrammeItem"]
