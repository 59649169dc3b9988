"""Announcements and the log of every reminder and announcement sent. Writes happen only in
messaging.services.

No address is copied here: a delivery points at its registration, so erasing the registration
(privacy.services.anonymise) leaves nothing personal behind but an error text, which it clears.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.enums import AnnouncementStatus, DeliveryKind, DeliveryStatus


class AnnouncementQuerySet(models.QuerySet):
    def with_progress(self):
        """Each announcement with its deliveries counted by status (one aggregate query)."""
        counts = {
            f"{status}_count": Count("deliveries", filter=Q(deliveries__status=status))
            for status in DeliveryStatus.values
        }
        return self.annotate(recipients_count=Count("deliveries"), **counts)


class Announcement(models.Model):
    """A message from the organisers to the confirmed registrations of an event or of one day."""

    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.ForeignKey(
        "events.EventDay",
        verbose_name=_("day"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: everyone registered for any day of the event."),
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(
        _("message"), max_length=5000, help_text=_("Plain text; a blank line starts a paragraph.")
    )
    subject_en = models.CharField(_("subject in English"), max_length=150, blank=True)
    body_en = models.TextField(
        _("message in English"),
        max_length=5000,
        blank=True,
        help_text=_("For visitors who registered in English. Empty: they get the Vietnamese text."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished at"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    def clean(self):
        super().clean()
        if self.day_id and self.event_id and self.day.event_id != self.event_id:
            raise ValidationError({"day": _("This day belongs to another event.")})

    @property
    def is_draft(self) -> bool:
        return self.status == AnnouncementStatus.DRAFT

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, body) in the visitor's language, Vietnamese when there is no English text."""
        if language == "en" and self.subject_en.strip() and self.body_en.strip():
            return self.subject_en, self.body_en
        return self.subject, self.body


class AnnouncementOptOut(models.Model):
    """A registration that asked for no more announcements (reminders and pass emails stay)."""

    wagtail_reference_index_ignore = True

    registration = models.OneToOneField(
        "events.Registration", on_delete=models.CASCADE, related_name="announcement_opt_out"
    )
    at = models.DateTimeField(_("asked at"))

    class Meta:
        verbose_name = _("announcement opt-out")
        verbose_name_plural = _("announcement opt-outs")

    def __str__(self):
        return f"{self.registration_id} @ {self.at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One reminder or announcement to one registration: claimed before it is sent, so a job run
    twice, or by two workers at once, sends it once (the unique constraints)."""

    wagtail_reference_index_ignore = True

    kind = models.CharField(_("kind"), max_length=12, choices=DeliveryKind.choices)
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The visit a reminder is for: a registration moved to another day gets that day's reminder.
    visit_date = models.DateField(_("day of the visit"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "visit_date"],
                condition=Q(kind=DeliveryKind.REMINDER),
                name="one_reminder_per_registration_and_day",
            ),
            models.UniqueConstraint(
                fields=["registration", "announcement"],
                condition=Q(announcement__isnull=False),
                name="one_delivery_per_registration_and_announcement",
            ),
        ]
        indexes = [models.Index(fields=["announcement", "status"], name="delivery_announcement_status")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.registration_id}"
