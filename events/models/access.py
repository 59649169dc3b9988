"""One-time codes that let a visitor manage a registration without the emailed link.

Writes happen only in events.services.access. The code itself is never stored: only its keyed
hash, so a copy of the database cannot be used to cancel anyone's registration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 5  # wrong guesses before a code stops working: 5 in 10^6


class AccessCodeQuerySet(models.QuerySet):
    def usable(self, now):
        """Codes still good for one try: not used, not expired, not worn out by wrong guesses."""
        return self.filter(used_at__isnull=True, expires_at__gt=now, attempts__lt=MAX_ATTEMPTS)


class AccessCode(models.Model):
    wagtail_reference_index_ignore = True

    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="access_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = AccessCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.registration_id} @ {self.created_at:%Y-%m-%d %H:%M}"
