"""The approved exhibitors' booth numbers ("A12, A13") become booths on a plan.

An event whose exhibitors have booth numbers and that has no plan yet gets one, with those
booths on a default grid (rows by letter, 3 × 3 m, 2 m aisles; floor.services.layout) that the
organisers then move to where the booths really are. Each booth shows its exhibitor.
The layout is copied here, frozen, so later changes of the app do not change this migration.
"""

import re

from django.db import migrations

BOOTH, AISLE, MARGIN = 3, 2, 2
_ROW = re.compile(r"^(?P<row>\D*)(?P<number>\d*)")


def natural_key(label: str) -> str:
    return re.sub(r"\d+", lambda m: m[0].zfill(10), label.upper())[:40]


def default_grid(labels):
    rows = {}
    for label in labels:
        match = _ROW.match(label)
        rows.setdefault(match["row"], []).append((int(match["number"] or 0), label))
    booths, longest = [], 1
    for r, row in enumerate(sorted(rows)):
        ordered = sorted(rows[row])
        longest = max(longest, len(ordered))
        for i, (_number, label) in enumerate(ordered):
            booths.append((label, MARGIN + i * BOOTH, MARGIN + r * (BOOTH + AISLE)))
    width = max(20, 2 * MARGIN + longest * BOOTH)
    height = max(15, 2 * MARGIN + len(rows) * (BOOTH + AISLE))
    return width, height, booths


def booths_from_exhibitors(apps, schema_editor):
    Exhibitor = apps.get_model("publishers", "Exhibitor")
    Floor = apps.get_model("floor", "Floor")
    Booth = apps.get_model("floor", "Booth")
    holders = {}
    for exhibitor in Exhibitor.objects.exclude(booths="").order_by("event_id", "pk"):
        for label in filter(None, re.split(r"[,;\s]+", exhibitor.booths.upper())):
            # A label given twice (an old data error) stays with the first exhibitor.
            holders.setdefault(exhibitor.event_id, {}).setdefault(label[:10], exhibitor.pk)
    for event_id, by_label in holders.items():
        if Floor.objects.filter(event_id=event_id).exists():
            continue
        width, height, booths = default_grid(by_label)
        floor = Floor.objects.create(event_id=event_id, width=width, height=height)
        Booth.objects.bulk_create(
            Booth(
                floor=floor,
                label=label,
                x=x,
                y=y,
                width=BOOTH,
                height=BOOTH,
                exhibitor_id=by_label[label],
                sort_key=natural_key(label),
            )
            for label, x, y in booths
        )


class Migration(migrations.Migration):
    dependencies = [
        ("floor", "0001_floor_plan"),
        ("publishers", "0007_publisher_exhibitor_order"),
    ]

    operations = [migrations.RunPython(booths_from_exhibitors, migrations.RunPython.noop)]
