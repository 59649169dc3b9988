from .pages import EventIndexPage, EventPage, EventPageQuerySet, ProgrammeItem
from .registration import EventDay, Pass, Registration, RegistrationQuerySet

__all__ = [
    "EventDay",
    "EventIndexPage",
    "EventPage",
    "EventPageQuerySet",
    "Pass",
    "ProgrammeItem",
    "Registration",
    "RegistrationQuerySet",
]
