"""What happens at the gates: every scan (admitted or refused) and every walk-in count.

Writes happen only in events.services.checkin; rows are never deleted (an undo is recorded).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import CheckInMethod, CheckInResult


class Gate(models.Model):
    wagtail_reference_index_ignore = True  # not referenced from content
    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="gates"
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("For example: Main gate, Gate B."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["event", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="unique_gate_name_per_event")]

    def __str__(self):
        return self.name


# The rules, once, as conditions: the querysets below filter with them, and the figures use the
# same ones inside aggregates (Sum(..., filter=COUNTED)), where a queryset method cannot go.
COUNTED = Q(result=CheckInResult.ADMITTED, undone_at__isnull=True)
RE_ENTRY = Q(result__in=[CheckInResult.REENTRY, CheckInResult.ALREADY_ADMITTED])


class CheckInQuerySet(models.QuerySet):
    def counted(self):
        """Admissions that count: not undone."""
        return self.filter(COUNTED)

    def people(self) -> int:
        return self.aggregate(n=Sum("admitted"))["n"] or 0

    def flagged(self):
        return self.filter(flagged=True)

    def re_entries(self):
        """Scans of a pass whose whole party was already in that day: let back in (re-entry
        allowed) or refused. Not visits."""
        return self.filter(RE_ENTRY)


class CheckIn(models.Model):
    """One scan at a gate and the decision taken, refusals included (the audit trail)."""

    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="checkins"
    )
    gate = models.ForeignKey(Gate, verbose_name=_("gate"), on_delete=models.PROTECT, related_name="checkins")
    entry_pass = models.ForeignKey(
        "events.Pass",
        verbose_name=_("pass"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    code = models.CharField(_("code scanned"), max_length=300)
    method = models.CharField(
        _("how"), max_length=10, choices=CheckInMethod.choices, default=CheckInMethod.SCAN
    )
    result = models.CharField(_("result"), max_length=20, choices=CheckInResult.choices)
    admitted = models.PositiveSmallIntegerField(_("people admitted"), default=0)
    day = models.DateField(_("day"))
    scanned_at = models.DateTimeField(_("scanned at"), help_text=_("The device's time of the scan."))
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
    # What the first request was answered beyond the row's own columns (people still to come,
    # party size, earlier admissions, the pass's day), so that a retry with the same client_id
    # gets the same answer whatever happened since.
    answer = models.JSONField(default=dict, editable=False)
    # Scans decided on the phone while offline and uploaded later.
    offline_result = models.CharField(
        _("decided offline as"), max_length=20, choices=CheckInResult.choices, blank=True
    )
    flagged = models.BooleanField(
        _("needs review"), default=False, help_text=_("Decided offline differently from the server.")
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-scanned_at"]
        indexes = [
            models.Index(fields=["entry_pass", "day"], name="checkin_pass_day"),
            # Figures: index-only scans for the grouped aggregates (by day, gate and hour, also the
            # gates' live totals) and for "has this pass admitted anyone"; the partial index also
            # answers the check-in service's "people already in on this pass today".
            models.Index(
                fields=["event", "day", "gate", "scanned_at"],
                include=["result", "admitted", "undone_at"],
                name="checkin_stats",
            ),
            models.Index(
                fields=["entry_pass", "day"],
                include=["admitted"],
                name="checkin_counted_pass",
                condition=COUNTED,
            ),
            models.Index(
                fields=["event", "scanned_at"],
                name="checkin_event_time",
                condition=COUNTED,
            ),
        ]

    def __str__(self):
        return f"{self.get_result_display()} — {self.gate} {timezone.localtime(self.scanned_at):%d/%m %H:%M}"


class WalkInQuerySet(models.QuerySet):
    def counted(self):
        """Walk-ins that count: not undone."""
        return self.filter(undone_at__isnull=True)

    def people(self) -> int:
        return self.aggregate(n=Sum("count"))["n"] or 0


class WalkIn(models.Model):
    """Visitors who came in without a pass, counted at a gate with one tap."""

    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="walk_ins"
    )
    gate = models.ForeignKey(Gate, verbose_name=_("gate"), on_delete=models.PROTECT, related_name="walk_ins")
    count = models.PositiveSmallIntegerField(_("people"))
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("counted at"))
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
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = WalkInQuerySet.as_manager()

    class Meta:
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")
        ordering = ["-at"]
        indexes = [
            models.Index(
                fields=["event", "day", "gate", "at"], include=["count", "undone_at"], name="walkin_stats"
            )
        ]
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="walk_in_count_positive")]

    def __str__(self):
        return f"+{self.count} — {self.gate}"
