from .access import AccessCode, AccessCodeQuerySet
from .checkin import CheckIn, CheckInQuerySet, Gate, WalkIn
from .pages import EventIndexPage, EventPage, EventPageQuerySet, ProgrammeItem
from .questions import RegistrationQuestion
from .registration import EventDay, Pass, Registration, RegistrationQuerySet
from .sessions import SessionAdmission, SessionBooking, SessionBookingQuerySet

__all__ = [
    "AccessCode",
    "AccessCodeQuerySet",
    "CheckIn",
    "CheckInQuerySet",
    "Gate",
    "WalkIn",
    "EventDay",
    "EventIndexPage",
    "EventPage",
    "EventPageQuerySet",
    "Pass",
    "ProgrammeItem",
    "Registration",
    "RegistrationQuestion",
    "RegistrationQuerySet",
    "SessionAdmission",
    "SessionBooking",
    "SessionBookingQuerySet",
]
