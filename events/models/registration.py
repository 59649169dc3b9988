"""Registrations and their passes. Writes happen only in events.services.registration."""

import datetime as dt
import secrets

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import ENDED, HOLDS_PLACES, RegistrationSource, RegistrationStatus

# 32 symbols without look-alikes (no 0/O, 1/I/L): easy to read aloud and type at a gate.
PASS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASS_CODE_LENGTH = 26  # 26 x log2(31) ≈ 129 bits


def new_pass_code() -> str:
    return "".join(secrets.choice(PASS_ALPHABET) for _ in range(PASS_CODE_LENGTH))


# The one rule of who is a group: more than one person, or anyone registering for a school or
# an organisation. The figures' organisation types (figures.stats.organisation_type) read the
# queryset twin; the organisers' questions for groups or individuals read the function.
INDIVIDUAL_REGISTRATION = Q(organisation="", party_size__lte=1)


def is_group(*, party_size: int, organisation: str) -> bool:
    """The twin of ``INDIVIDUAL_REGISTRATION`` (negated) for one registration not yet saved."""
    return party_size > 1 or bool(organisation.strip())


class EventDayQuerySet(models.QuerySet):
    def with_places(self):
        """Each day with ``places_taken`` (people of its registrations that hold places: the rule of
        RegistrationQuerySet.holding_places(), here across the relation) and ``waiting_count``."""
        holding = Q(registrations__status__in=HOLDS_PLACES)
        waiting = Q(registrations__status=RegistrationStatus.WAITING)
        return self.annotate(
            places_taken=Sum("registrations__party_size", filter=holding, default=0),
            waiting_count=Count("registrations", filter=waiting),
        )


class EventDay(models.Model):
    """One day of an event: the row locked while capacity is decided for that day."""

    # Nothing in the CMS content points at these rows; skipping Wagtail's reference index keeps
    # a background job per save out of the registration path.
    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="event_days"
    )
    date = models.DateField(_("date"))

    objects = EventDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("event day")
        verbose_name_plural = _("event days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["event", "date"], name="unique_event_day")]

    def __str__(self):
        return f"{self.event.title} — {self.date:%d/%m/%Y}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations that still stand: confirmed, waiting, or a group's hold."""
        return self.exclude(status__in=ENDED)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def holding_places(self):
        """The people who take a day's places: confirmed ones and groups' holds.

        The one rule of "places taken" (the registration service counts it under the day's
        lock in registration_sql.people_holding_places, its twin in SQL). A hold past its time
        is released under the same lock before anything is decided, and by the periodic
        ``release_expired_holds``; until then it still counts here, so nobody is oversold.
        """
        return self.filter(status__in=HOLDS_PLACES)

    def expired_holds(self, now):
        """Holds whose confirmation time is over, not yet released."""
        return self.filter(status=RegistrationStatus.PENDING, held_until__lte=now)

    def waiting(self):
        """The waiting list in the order people joined it."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def queue_position(self, registration) -> int | None:
        """1 for the first in line on the registration's day; None when it is not waiting.

        The same order as waiting(): who joined first, the id breaking ties.
        """
        if registration.status != RegistrationStatus.WAITING:
            return None
        ahead = Q(created_at__lt=registration.created_at) | Q(
            created_at=registration.created_at, pk__lt=registration.pk
        )
        return self.waiting().filter(ahead, day_id=registration.day_id).count() + 1

    def for_email(self, email: str):
        return self.filter(email=email.strip().lower())


class Registration(models.Model):
    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    day = models.ForeignKey(
        EventDay, verbose_name=_("day"), on_delete=models.PROTECT, related_name="registrations"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=16, help_text=_("Stored as +84xxxxxxxxx."))
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    organisation = models.CharField(_("school or organisation"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    source = models.CharField(
        _("source"), max_length=8, choices=RegistrationSource.choices, default=RegistrationSource.WEB
    )
    language = models.CharField(_("language"), max_length=8, default="vi")
    consent_at = models.DateTimeField(_("consent given at"))
    # The wording agreed to (events.consent); "" for registrations made before versions were kept.
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Until when a group awaiting email confirmation keeps its places (empty for everyone else).
    held_until = models.DateTimeField(_("places held until"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Delivery of the confirmation email: a failure never invalidates the registration.
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_error = models.CharField(_("last email error"), max_length=300, blank=True)
    # Set when the personal data were erased (on request or after the retention period): the row
    # stays, with its day, party size and status, so every figure stays the same.
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    # The answers to the event's own questions (events.models.questions), {question id: value}:
    # text, a choice, a list of choices or true/false. A column of the row, not a table of its
    # own, so the hot path's one INSERT writes it, an export reads it without a join, and the
    # erasure rewrites it in the same UPDATE batch as the name (privacy.services.anonymise).
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            # The same address registers once per day; the service answers "already registered".
            models.UniqueConstraint(
                fields=["day", "email"],
                condition=~Q(status__in=ENDED),
                name="one_active_registration_per_email_and_day",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="party_size_at_least_one"),
        ]
        indexes = [
            models.Index(fields=["day", "status"], name="registration_day_status"),
            # The periodic release of expired holds reads only the few holds, not the whole table.
            models.Index(
                fields=["held_until"],
                condition=Q(status=RegistrationStatus.PENDING),
                name="registration_holds",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.party_size}) — {self.day.date:%d/%m/%Y}"

    @property
    def visit_date(self) -> dt.date:
        return self.day.date


class Pass(models.Model):
    """The entry pass of one registration: an unguessable code and no personal data."""

    wagtail_reference_index_ignore = True

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="entry_pass")
    code = models.CharField(_("code"), max_length=32, unique=True, default=new_pass_code, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="passes/", blank=True)
    # Fingerprint of what the PDF shows; a different fingerprint means the file is stale.
    pdf_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")

    def __str__(self):
        return self.code

    @property
    def path(self) -> str:
        return f"/p/{self.code}/"

    @property
    def url(self) -> str:
        from django.conf import settings

        return settings.BASE_URL + self.path
