"""The one door for laying out an event's floor, and every rule a plan must keep.

``save_plan`` replaces the plan of an event with what the organiser sent (the editor's table and
its drag-and-drop are two ways of filling the same form). It checks everything first
(``check_plan``) and writes only a plan that keeps every rule: booths inside the floor, no two
booths overlapping, labels unique, sizes positive. Any refusal is a ``FloorError`` with a stable
``code`` and a translated message naming the booth, and nothing is written.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from events.models import EventPage, Gate
from floor.enums import ServiceKind
from floor.models import Booth, Entrance, Floor, ServicePoint, Zone, natural_key
from floor.services import holders
from floor.services.errors import FloorError
from publishers.services.applications import ApplicationError, normalize_booths

# Bounds that keep a request cheap whatever it sends: a hall of a square kilometre holds any fair.
MAX_SIDE = Decimal("1000")
MAX_BOOTHS = 2000
MAX_ZONES = 60
MAX_POINTS = 100  # entrances, and services
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CENT = Decimal("0.01")


@dataclass
class Rect:
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal

    def overlaps(self, other: "Rect") -> bool:
        """Sharing an edge is not overlapping: booths in a row touch."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@dataclass
class CleanPlan:
    width: Decimal
    height: Decimal
    zones: list[dict] = field(default_factory=list)
    booths: list[dict] = field(default_factory=list)
    entrances: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)


def _metres(value, *, what, name) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise FloorError("invalid_number", what=what, name=name) from None
    if not number.is_finite() or abs(number) > 100 * MAX_SIDE:
        raise FloorError("invalid_number", what=what, name=name)
    return number.quantize(CENT)


def _rect(row: dict, what) -> Rect:
    rect = Rect(*(_metres(row.get(key), what=what, name=key) for key in ("x", "y", "width", "height")))
    if rect.width <= 0 or rect.height <= 0:
        raise FloorError("negative_size", what=what)
    return rect


def _shown(metres: Decimal) -> str:
    """30.00 -> "30", 12.50 -> "12,5" in Vietnamese."""
    return number_format(
        metres.quantize(Decimal(1)) if metres == metres.to_integral() else metres.normalize()
    )


def _inside(rect: Rect, width: Decimal, height: Decimal) -> bool:
    return rect.x >= 0 and rect.y >= 0 and rect.x + rect.width <= width and rect.y + rect.height <= height


def booth_label(text) -> str:
    """One booth label, written as the exhibitors' booth numbers are ("a12" -> "A12")."""
    try:
        label = normalize_booths(text)
    except ApplicationError:
        label = ""
    if not label or ", " in label:
        raise FloorError("invalid_label", label=str(text or "")[:20])
    return label


def check_plan(
    *, event: EventPage, width, height, zones=(), booths=(), entrances=(), services=()
) -> CleanPlan:
    """The plan as it will be saved, or the first rule it breaks (``FloorError``). Reads only."""
    zones, booths, entrances, services = list(zones), list(booths), list(entrances), list(services)
    for rows, limit, what in (
        (booths, MAX_BOOTHS, _("booths")),
        (zones, MAX_ZONES, _("zones")),
        (entrances, MAX_POINTS, _("entrances")),
        (services, MAX_POINTS, _("services")),
    ):
        if len(rows) > limit:
            raise FloorError("too_many", limit=limit, what=what)
    plan = CleanPlan(
        width=_metres(width, what=_("Floor"), name=_("width")),
        height=_metres(height, what=_("Floor"), name=_("depth")),
    )
    if not (0 < plan.width <= MAX_SIDE and 0 < plan.height <= MAX_SIDE):
        raise FloorError("floor_size")
    size = {"width": plan.width, "height": plan.height}
    shown = {"width": _shown(plan.width), "height": _shown(plan.height)}  # as the message writes it

    names = set()
    for row in zones:
        name = " ".join(str(row.get("name") or "").split())[:80]
        if not name or name.casefold() in names:
            raise FloorError("zone_name")
        names.add(name.casefold())
        what = _("Zone %(zone)s") % {"zone": name}
        rect = _rect(row, what)
        if not _inside(rect, plan.width, plan.height):
            raise FloorError("outside", what=what, **shown)
        colour = str(row.get("colour") or "").strip()
        if not _COLOUR.match(colour):
            raise FloorError("zone_colour", zone=name)
        plan.zones.append({"name": name, "colour": colour.lower(), **vars(rect)})
    zone_names = {zone["name"].casefold(): zone["name"] for zone in plan.zones}

    labels = set()
    for row in booths:
        label = booth_label(row.get("label"))
        if label in labels:
            raise FloorError("duplicate_label", label=label)
        labels.add(label)
        what = _("Booth %(label)s") % {"label": label}
        rect = _rect(row, what)
        if not _inside(rect, plan.width, plan.height):
            raise FloorError("outside", what=what, **shown)
        zone = " ".join(str(row.get("zone") or "").split())
        if zone and zone.casefold() not in zone_names:
            raise FloorError("unknown_zone", label=label, zone=zone[:80])
        plan.booths.append(
            {"id": row.get("id"), "label": label, "zone": zone_names.get(zone.casefold()), "rect": rect}
        )
    _refuse_overlaps(plan.booths)

    gates = set(Gate.objects.filter(event=event).values_list("pk", flat=True))
    for row in entrances:
        gate = row.get("gate")
        gate_id = getattr(gate, "pk", gate)
        if gate_id not in gates:
            raise FloorError("unknown_gate")
        point = _point(row, _("An entrance"), size)
        plan.entrances.append({"gate_id": gate_id, **point})
    for row in services:
        if row.get("kind") not in ServiceKind.values:
            raise FloorError("unknown_service")
        label = " ".join(str(row.get("label") or "").split())[:60]
        point = _point(row, label or ServiceKind(row["kind"]).label, size)
        plan.services.append({"kind": row["kind"], "label": label, **point})
    return plan


def _point(row: dict, what, size: dict) -> dict:
    x, y = (_metres(row.get(key), what=what, name=key) for key in ("x", "y"))
    if not (0 <= x <= size["width"] and 0 <= y <= size["height"]):
        raise FloorError("outside", what=what, width=_shown(size["width"]), height=_shown(size["height"]))
    return {"x": x, "y": y}


def _refuse_overlaps(booths: list[dict]) -> None:
    """Sweep from left to right: each booth is compared only with those that start before it
    ends, so a long hall of booths costs about n log n, not n². The editor (floor/static/floor/
    editor.js) shows the same test while dragging, as a hint only: this one decides."""
    ordered = sorted(booths, key=lambda booth: (booth["rect"].x, booth["label"]))
    for i, booth in enumerate(ordered):
        right = booth["rect"].x + booth["rect"].width
        for other in ordered[i + 1 :]:
            if other["rect"].x >= right:
                break
            if booth["rect"].overlaps(other["rect"]):
                first, second = sorted([booth["label"], other["label"]], key=natural)
                raise FloorError("overlap", first=first, second=second)


def natural(label: str):
    return natural_key(label)


def save_plan(
    *, event: EventPage, width, height, background=None, zones=(), booths=(), entrances=(), services=()
) -> Floor:
    """Make the event's plan exactly what is given: the floor, and every zone, booth, entrance and
    service on it (rows left out are removed).

    Guarantees: every rule of ``check_plan`` holds afterwards, or ``FloorError`` and nothing
    changed. A booth sent with its ``id`` (or, without one, its label) keeps its exhibitor;
    when its label changes, the exhibitor's booth numbers change with it. A booth held by an
    exhibitor is not removed (``booth_taken``): free it first.
    """
    plan = check_plan(
        event=event,
        width=width,
        height=height,
        zones=zones,
        booths=booths,
        entrances=entrances,
        services=services,
    )
    with transaction.atomic():
        holders.lock_event(event)
        floor, _created = Floor.objects.get_or_create(
            event=event, defaults={"width": plan.width, "height": plan.height}
        )
        floor.width, floor.height, floor.background = plan.width, plan.height, background
        floor.save()

        kept_zones = {}
        for row in plan.zones:
            zone, _created = Zone.objects.update_or_create(
                floor=floor, name=row["name"], defaults={k: v for k, v in row.items() if k != "name"}
            )
            kept_zones[zone.name] = zone
        floor.zones.exclude(pk__in=[zone.pk for zone in kept_zones.values()]).delete()

        existing = {booth.pk: booth for booth in floor.booths.select_related("exhibitor__publisher")}
        # A row without the id of a booth of this plan is that booth when it has its label.
        claimed = {row["id"] for row in plan.booths if row["id"] in existing}
        by_label = {booth.label: booth.pk for booth in existing.values() if booth.pk not in claimed}
        for row in plan.booths:
            if row["id"] not in existing:
                row["id"] = by_label.pop(row["label"], None)
        sent_ids = {row["id"] for row in plan.booths if row["id"] in existing}
        for booth in existing.values():
            if booth.pk not in sent_ids and booth.exhibitor_id:
                raise FloorError("booth_taken", label=booth.label, exhibitor=booth.exhibitor.publisher.name)
        floor.booths.exclude(pk__in=sent_ids).delete()
        renamed = {}
        # Labels are unique per floor: park the changing ones first, so two booths may swap labels.
        for row in plan.booths:
            if row["id"] in sent_ids and existing[row["id"]].label != row["label"]:
                Booth.objects.filter(pk=row["id"]).update(label=f"~{row['id']}")
        for row in plan.booths:
            booth = existing.get(row["id"]) if row["id"] in sent_ids else Booth(floor=floor)
            if booth.pk and booth.label != row["label"] and booth.exhibitor_id:
                renamed[booth.label] = (row["label"], booth.exhibitor)
            booth.label = row["label"]
            booth.x, booth.y = row["rect"].x, row["rect"].y
            booth.width, booth.height = row["rect"].width, row["rect"].height
            booth.zone = kept_zones.get(row["zone"]) if row["zone"] else None
            booth.save()

        floor.entrances.all().delete()
        Entrance.objects.bulk_create(Entrance(floor=floor, **row) for row in plan.entrances)
        floor.services.all().delete()
        ServicePoint.objects.bulk_create(ServicePoint(floor=floor, **row) for row in plan.services)

        holders.follow_renames(renamed)
        holders.sync(event)
    return floor
