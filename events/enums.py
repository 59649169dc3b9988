from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    TALK = "talk", _("Talk")
    BOOK_LAUNCH = "book_launch", _("Book launch")
    SIGNING = "signing", _("Author signing")
    WORKSHOP = "workshop", _("Workshop")
    PERFORMANCE = "performance", _("Performance")
    OTHER = "other", _("Other")


class SessionBookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class SessionEntryResult(models.TextChoices):
    """What the session door decided for a scanned pass (events.services.session_door)."""

    BOOKED = "booked", _("Booked: let them in")
    WALK_IN = "walk_in", _("Not booked, a free place: let them in")
    ALREADY_ADMITTED = "already_admitted", _("Already let in to this session")
    NOT_BOOKED = "not_booked", _("No place booked at this session")
    FULL = "full", _("No place booked and no free place")
    WAITING_LIST = "waiting_list", _("On this session's waiting list, no place yet")
    NOT_VALID = "not_valid", _("Not a valid pass for this session")


# Session door results that let people in.
SESSION_ADMITTED = (SessionEntryResult.BOOKED, SessionEntryResult.WALK_IN)


class RegistrationWindow(models.TextChoices):
    NOT_YET = "not_yet", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    # A large group's places, held until its email address is confirmed by the emailed link.
    PENDING = "pending_confirmation", _("Awaiting email confirmation")
    # A hold whose link was not followed in time: its places went back to everyone.
    EXPIRED = "expired", _("Not confirmed in time")


# Statuses whose people take places on their day (capacity and the waiting list count them).
HOLDS_PLACES = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
# Statuses that hold nothing any more: the address may register for that day again.
ENDED = (RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED)
# Registrations whose pass code was never valid: a hold not yet confirmed and a released hold.
# The gate (online and offline) treats their code as no pass at all, and the gate's look-up
# does not list them.
NOT_ISSUED = (RegistrationStatus.PENDING, RegistrationStatus.EXPIRED)
# Registrations the figures and reports count: a hold not yet confirmed is nobody's visit.
IN_FIGURES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class RegistrationSource(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    ADMIN = "admin", _("Organisers")


class CheckInResult(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    REENTRY = "reentry", _("Re-entry")
    ALREADY_ADMITTED = "already_admitted", _("Already admitted today")
    INVALID = "invalid", _("No such pass")
    CANCELLED = "cancelled", _("Registration cancelled")
    WAITING = "waiting", _("On the waiting list, not confirmed")
    WRONG_EVENT = "wrong_event", _("Pass for another event")
    WRONG_DAY = "wrong_day", _("Pass for another day")
    NOT_OPEN = "not_open", _("Outside opening hours")


class CheckInMethod(models.TextChoices):
    """How the gate found the pass: a manual admission is recorded as such."""

    SCAN = "scan", _("QR scanned")
    TYPED = "typed", _("Code typed in")
    LOOKUP = "lookup", _("Found by name or phone")


class Tone(models.TextChoices):
    """What the scanner's screen tells staff, one meaning each (twin in scanner/decide.js)."""

    GREEN = "green", _("Let them in")
    AMBER = "amber", _("Let them in, and notice")
    RED = "red", _("Do not let them in")


class QuestionKind(models.TextChoices):
    """The kinds of the organisers' own registration questions (events.models.questions)."""

    TEXT = "text", _("Short text")
    CHOICE = "choice", _("One choice")
    CHOICES = "choices", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")


# Questions whose answer is picked from the question's list of choices.
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.CHOICES)
# Questions answered from a fixed list (yes/no too): charted in the figures, and kept, with no
# one's name left beside them, when personal data are erased.
ANSWER_CHOICE_KINDS = (*CHOICE_KINDS, QuestionKind.YES_NO)


class QuestionAudience(models.TextChoices):
    """Who is asked a question: individuals, groups (events.models.registration.is_group) or both."""

    EVERYONE = "everyone", _("Individuals and groups")
    INDIVIDUALS = "individuals", _("Individuals only")
    GROUPS = "groups", _("Groups only")


# Bounds of a question's definition and of its answers (the editor's validation, the form, the
# service): a question is a short list, an answer a line.
MAX_CHOICES = 30
CHOICE_MAX_LENGTH = 100
TEXT_ANSWER_MAX_LENGTH = 200
