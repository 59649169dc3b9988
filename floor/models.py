"""An event's floor plan: its size, zones, booths, entrances and services, in metres.

Written only by floor.services.plan (and, for who holds a booth, floor.services.holders).
Who exhibits at a booth is recorded once, in ``Exhibitor.booths`` (publishers, written by its
applications service under the event's lock); ``Booth.exhibitor`` is that record drawn on the
plan, kept by floor.services.holders whenever either side changes.
"""

import re

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from floor.enums import ServiceKind

METRES = {"max_digits": 6, "decimal_places": 2}


class FloorQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(event=event)

    def with_plan(self):
        """Everything the map draws, in four queries, whatever the number of booths."""
        return self.select_related("background").prefetch_related(
            "zones",
            Prefetch(
                "booths",
                queryset=Booth.objects.select_related("zone", "exhibitor__publisher").order_by("sort_key"),
            ),
            Prefetch("entrances", queryset=Entrance.objects.select_related("gate")),
            "services",
        )


class Floor(models.Model):
    wagtail_reference_index_ignore = True

    event = models.OneToOneField(
        "events.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="floor"
    )
    width = models.DecimalField(_("width (m)"), **METRES)
    height = models.DecimalField(_("depth (m)"), **METRES)
    background = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("background drawing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: the venue's drawing, stretched to the floor's width and depth."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FloorQuerySet.as_manager()

    class Meta:
        verbose_name = _("floor plan")
        verbose_name_plural = _("floor plans")

    def __str__(self):
        return str(self.event)


class Zone(models.Model):
    wagtail_reference_index_ignore = True

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor plan"), on_delete=models.CASCADE, related_name="zones"
    )
    name = models.CharField(_("name"), max_length=80)
    colour = models.CharField(
        _("colour"), max_length=7, default="#dbeafe", help_text=_("For example: #dbeafe")
    )
    x = models.DecimalField("x (m)", **METRES)
    y = models.DecimalField("y (m)", **METRES)
    width = models.DecimalField(_("width (m)"), **METRES)
    height = models.DecimalField(_("depth (m)"), **METRES)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["floor", "name"]
        constraints = [models.UniqueConstraint(fields=["floor", "name"], name="unique_zone_name_per_floor")]

    def __str__(self):
        return self.name


class Booth(models.Model):
    wagtail_reference_index_ignore = True

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor plan"), on_delete=models.CASCADE, related_name="booths"
    )
    label = models.CharField(_("label"), max_length=10, help_text=_("As printed on the floor: A12, B-03."))
    x = models.DecimalField("x (m)", **METRES)
    y = models.DecimalField("y (m)", **METRES)
    width = models.DecimalField(_("width (m)"), **METRES)
    height = models.DecimalField(_("depth (m)"), **METRES)
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.SET_NULL, related_name="booths"
    )
    exhibitor = models.ForeignKey(
        "publishers.Exhibitor",
        verbose_name=_("exhibitor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_booths",
    )
    # The label in natural order (A2 before A10), kept on every save.
    sort_key = models.CharField(max_length=40, editable=False, default="")

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["floor", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["floor", "label"], name="unique_booth_label_per_floor")
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.sort_key = natural_key(self.label)
        super().save(*args, **kwargs)


def natural_key(label: str) -> str:
    """ "A2" -> "A0000000002": labels sort as people read them (A2 before A10)."""
    return re.sub(r"\d+", lambda m: m[0].zfill(10), label.upper())[:40]


class Entrance(models.Model):
    wagtail_reference_index_ignore = True

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor plan"), on_delete=models.CASCADE, related_name="entrances"
    )
    gate = models.ForeignKey(
        "events.Gate", verbose_name=_("gate"), on_delete=models.CASCADE, related_name="+"
    )
    x = models.DecimalField("x (m)", **METRES)
    y = models.DecimalField("y (m)", **METRES)

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["floor", "gate__sort_order", "gate__name"]

    def __str__(self):
        return str(self.gate)


class ServicePoint(models.Model):
    """The information desk, toilets, first aid, a stage: a kind and where it is."""

    wagtail_reference_index_ignore = True

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor plan"), on_delete=models.CASCADE, related_name="services"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices)
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("For example: Main stage."))
    x = models.DecimalField("x (m)", **METRES)
    y = models.DecimalField("y (m)", **METRES)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["floor", "kind", "pk"]

    def __str__(self):
        return self.label or self.get_kind_display()

    @property
    def name(self) -> str:
        return self.label or str(self.get_kind_display())
