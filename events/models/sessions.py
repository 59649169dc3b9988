"""Places booked at a programme session (a signing, a workshop). Writes happen only in
events.services.sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import SESSION_ADMITTED, SessionBookingStatus, SessionEntryResult

# Bookings that still stand: their people are in the session or in its waiting list.
ACTIVE_BOOKING = (SessionBookingStatus.BOOKED, SessionBookingStatus.WAITING)


class SessionBookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_BOOKING)

    def booked(self):
        """The one rule of "places taken" at a session: booked bookings, counting their people."""
        return self.filter(status=SessionBookingStatus.BOOKED)

    def waiting(self):
        """The session's waiting list in the order people joined it."""
        return self.filter(status=SessionBookingStatus.WAITING).order_by("created_at", "pk")

    def of_pass(self, entry_pass):
        """A pass's standing bookings in time order, as the pass, its PDF and its email list them."""
        return (
            self.active()
            .filter(entry_pass=entry_pass)
            .select_related("session")
            .order_by("session__date", "session__start_time", "pk")
        )

    def people(self) -> int:
        return self.aggregate(n=Sum("people"))["n"] or 0

    def taken_and_last_number(self) -> tuple[int, int]:
        """(people booked, the highest queue number ever given) of a session's bookings, in one
        query: booked()'s rule of places taken and the queue's, for a booking under the lock."""
        found = self.aggregate(
            taken=Sum("people", filter=Q(status=SessionBookingStatus.BOOKED)), last=Max("queue_number")
        )
        return found["taken"] or 0, found["last"] or 0


class SessionBooking(models.Model):
    """Places of one pass at one session; the row stays when cancelled (queue numbers are never reused)."""

    wagtail_reference_index_ignore = True

    session = models.ForeignKey(
        "events.ProgrammeItem", verbose_name=_("session"), on_delete=models.CASCADE, related_name="bookings"
    )
    entry_pass = models.ForeignKey(
        "events.Pass", verbose_name=_("pass"), on_delete=models.CASCADE, related_name="session_bookings"
    )
    people = models.PositiveSmallIntegerField(_("number of people"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionBookingStatus.choices, default=SessionBookingStatus.BOOKED
    )
    # Signings only: the place in the queue at the author's table, given when the places are booked.
    queue_number = models.PositiveIntegerField(_("queue number"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = SessionBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("session booking")
        verbose_name_plural = _("session bookings")
        ordering = ["session", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "entry_pass"],
                condition=Q(status__in=ACTIVE_BOOKING),
                name="one_active_booking_per_pass_and_session",
            ),
            models.UniqueConstraint(
                fields=["session", "queue_number"],
                condition=Q(queue_number__isnull=False),
                name="unique_queue_number_per_session",
            ),
            models.CheckConstraint(condition=Q(people__gte=1), name="session_booking_people_at_least_one"),
        ]
        indexes = [models.Index(fields=["session", "status"], name="session_booking_status")]

    def __str__(self):
        return f"{self.session} — {self.people}"

    @property
    def time_range(self) -> str:
        session = self.session
        end = f"–{session.end_time:%H:%M}" if session.end_time else ""
        return f"{session.start_time:%H:%M}{end}"

    @property
    def label(self) -> str:
        """How the pass shows it; a signing with its queue number ("Ký tặng - Nguyễn Nhật Ánh - số 37")."""
        session = self.session
        if self.queue_number is None:
            return session.title
        return _("Signing - %(author)s - no. %(number)s") % {
            "author": session.speakers or session.title,
            "number": self.queue_number,
        }


class SessionAdmissionQuerySet(models.QuerySet):
    def admitted(self):
        """Scans at a session's door that let people in (the attendance figures count these)."""
        return self.filter(result__in=SESSION_ADMITTED)


class SessionAdmission(models.Model):
    """One scan at a session's door and the decision taken, refusals included (the audit trail).
    Writes happen only in events.services.session_door; rows are never deleted."""

    wagtail_reference_index_ignore = True

    session = models.ForeignKey(
        "events.ProgrammeItem", verbose_name=_("session"), on_delete=models.CASCADE, related_name="admissions"
    )
    entry_pass = models.ForeignKey(
        "events.Pass",
        verbose_name=_("pass"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="session_admissions",
    )
    code = models.CharField(_("code scanned"), max_length=300)
    result = models.CharField(_("result"), max_length=20, choices=SessionEntryResult.choices)
    admitted = models.PositiveSmallIntegerField(_("people admitted"), default=0)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    device = models.CharField(_("device"), max_length=255, blank=True)
    client_id = models.CharField(_("client id"), max_length=64, unique=True)
    request_fingerprint = models.CharField(max_length=64, editable=False)
    offline_result = models.CharField(
        _("decided on the phone"),
        max_length=20,
        blank=True,
        choices=SessionEntryResult.choices,
        help_text=_("What the phone decided without network, when the scan was uploaded later."),
    )

    objects = SessionAdmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session admission")
        verbose_name_plural = _("session admissions")
        ordering = ["-scanned_at"]
        indexes = [models.Index(fields=["session", "result"], name="session_admission_result")]

    def __str__(self):
        return f"{self.session} — {self.get_result_display()}"
