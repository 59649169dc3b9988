"""The visitor's rights over their data: the log of requests, the one-time links, the notice's settings.

Writes happen only in privacy.services. Neither table keeps an address in the clear for longer
than a link lives: the request log identifies the address by a keyed hash, so the controller can
show what was asked and done without the log itself holding the data that was erased.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from privacy.enums import DataRequestKind


class DataRequest(models.Model):
    """One request of a visitor about their data: what, when it was asked, when it was done."""

    wagtail_reference_index_ignore = True

    kind = models.CharField(_("request"), max_length=12, choices=DataRequestKind.choices)
    # HMAC of the address with SECRET_KEY: the same address gives the same value, but the log
    # cannot be read back into addresses (privacy.services.links.address_key).
    address_key = models.CharField(_("address (keyed hash)"), max_length=64, db_index=True)
    registrations = models.PositiveIntegerField(_("registrations concerned"), default=0)
    details = models.CharField(_("details"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("asked at"))
    done_at = models.DateTimeField(_("done at"))

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.requested_at:%d/%m/%Y %H:%M}"


class DataLinkQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(opened_at__isnull=True, expires_at__gt=now)


class DataLink(models.Model):
    """A one-time link to "My data", emailed on request. Only a hash of its secret is stored."""

    wagtail_reference_index_ignore = True

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)

    objects = DataLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("link to my data")
        verbose_name_plural = _("links to my data")

    def __str__(self):
        return f"{self.pk} @ {self.created_at:%Y-%m-%d %H:%M}"


@register_setting(icon="lock")
class PrivacySettings(BaseSiteSetting):
    """Who controls visitors' personal data and how to reach them, for the privacy notice.

    Empty fields fall back to the site details (the organiser and its contact).
    """

    controller = models.CharField(
        _("data controller"),
        max_length=200,
        blank=True,
        help_text=_("The body responsible for visitors' personal data. Empty: the organiser."),
    )
    contact_email = models.EmailField(_("contact email for personal data"), blank=True)
    contact_phone = models.CharField(_("contact phone for personal data"), max_length=50, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=300, blank=True)
    other_information = models.TextField(
        _("other information"),
        blank=True,
        help_text=_("Shown at the end of the privacy notice, e.g. a data protection officer."),
    )

    panels = [
        FieldPanel("controller"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("contact_address"),
        FieldPanel("other_information"),
    ]

    class Meta:
        verbose_name = _("privacy notice")
