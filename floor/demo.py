"""The demo fair's floor: a 60 × 36 m hall with four zones of booths, the main stage, the three
gates and the services; every demo exhibitor on its booths (publishers/demo.py), a few free."""

from events.models import EventPage, Gate
from floor.enums import ServiceKind
from floor.models import Floor
from floor.services.plan import save_plan

ZONE_FIELDS = ("name", "colour", "x", "y", "width", "height")
ZONES = [
    ("Nhà xuất bản", "#bfdbfe", 4, 3, 45, 7),
    ("Khoa học và giáo dục", "#bbf7d0", 4, 14, 14, 6),
    ("Công ty sách", "#fde68a", 20, 14, 32, 6),
    ("Nhà sách và thư viện", "#fbcfe8", 4, 23, 20, 6),
    ("Sân khấu chính", "#ddd6fe", 40, 23, 17, 10),
]
# booth rows: zone, labels, x of the first, y
ROWS = [
    ("Nhà xuất bản", [f"A{n}" for n in range(1, 15)], 5, 5),
    ("Khoa học và giáo dục", [f"B{n}" for n in range(1, 5)], 5, 16),
    ("Công ty sách", [f"C{n}" for n in range(1, 11)], 21, 16),
    ("Nhà sách và thư viện", ["D1", "D2", "D3", "D4", "E1", "D5"], 5, 25),
]
SERVICES = [
    (ServiceKind.STAGE, "Sân khấu chính", 48, 28),
    (ServiceKind.INFO, "Quầy thông tin", 30, 31),
    (ServiceKind.TOILETS, "", 2, 33),
    (ServiceKind.FIRST_AID, "", 57, 3),
]
# where each gate opens, by its order on the event page
GATE_PLACES = [(30, 36), (0, 12), (60, 12)]


def seed_floor(event: EventPage) -> int:
    """Lay out the demo floor once; the number of booths drawn (0 when it was there)."""
    if Floor.objects.filter(event=event).exists():
        return 0
    booths = [
        {"label": label, "x": x + 3 * i, "y": y, "width": 3, "height": 3, "zone": zone}
        for zone, labels, x, y in ROWS
        for i, label in enumerate(labels)
    ]
    gates = list(Gate.objects.filter(event=event).order_by("sort_order", "name"))
    save_plan(
        event=event,
        width=60,
        height=36,
        zones=[dict(zip(ZONE_FIELDS, zone, strict=True)) for zone in ZONES],
        booths=booths,
        entrances=[{"gate": g.pk, "x": x, "y": y} for g, (x, y) in zip(gates, GATE_PLACES, strict=False)],
        services=[{"kind": kind, "label": label, "x": x, "y": y} for kind, label, x, y in SERVICES],
    )
    return len(booths)
