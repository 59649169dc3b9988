"""A small plan for the floor tests: 30 × 20 m, one zone, three booths in a row, one gate."""

from events.models import Gate
from floor.services.plan import save_plan


def booth(label, x, y, width=3, height=3, **extra):
    return {"label": label, "x": x, "y": y, "width": width, "height": height, **extra}


def small_plan(event, **overrides):
    gate = Gate.objects.get_or_create(event=event, name="Cổng chính")[0]
    plan = {
        "width": 30,
        "height": 20,
        "zones": [{"name": "Sách thiếu nhi", "colour": "#fde68a", "x": 1, "y": 1, "width": 20, "height": 6}],
        "booths": [booth("A1", 2, 2, zone="Sách thiếu nhi"), booth("A2", 5, 2), booth("A8", 8, 2)],
        "entrances": [{"gate": gate.pk, "x": 15, "y": 20}],
        "services": [{"kind": "info", "label": "Quầy thông tin", "x": 15, "y": 15}],
    }
    plan.update(overrides)
    return save_plan(event=event, **plan)
