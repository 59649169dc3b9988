"""What the map, its PDF and the API show of a plan: pure reads, numbers in metres.

The SVG is drawn by templates (floor/includes/map_svg.html) from ``plan_data``; its viewBox is
the floor in metres, so a booth is drawn exactly where the plan puts it.
"""

import hashlib
import json
import re
from decimal import Decimal

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from bookday.text import vi_sort_key
from floor.enums import SERVICE_SYMBOLS
from floor.models import Floor

# The smallest part of the floor a visitor zooms to when a booth is asked for (?booth=A8).
FOCUS_METRES = Decimal("16")


def _hex_rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(colour: str) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the zone's colour (WCAG contrast ratio)."""
    lum = _luminance(background)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


# What every company's name starts with says nothing on a 3 m booth: the map leaves it out
# (the list under the map and the link's name keep the whole name).
_LEGAL_FORM = re.compile(r"^(công ty\s+(cổ phần|tnhh|trách nhiệm hữu hạn)?)\s*", re.IGNORECASE)


def _fit(name: str, width: Decimal, size: Decimal) -> list[str]:
    """The exhibitor's name in at most two lines that fit the booth's width at this font size."""
    room = max(3, int(width / (size * Decimal("0.55"))))
    words = _LEGAL_FORM.sub("", name).split() or name.split()
    lines = [""]
    for word in words:
        joined = f"{lines[-1]} {word}".strip()
        if len(joined) <= room or not lines[-1]:
            lines[-1] = joined
        elif len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = joined
            break
    return [line if len(line) <= room else line[: room - 1].rstrip() + "…" for line in lines]


def _anchor(x: Decimal, width: Decimal) -> str:
    """A label at the floor's edge reads inwards, so it is not cut off."""
    return "start" if x < width / 10 else "end" if x > width * 9 / 10 else "middle"


def plan_data(
    floor: Floor,
    *,
    highlight: str = "",
    chosen=(),
    own_exhibitor=None,
    preferred_zone: str = "",
    event_pk=None,
) -> dict:
    """Everything a drawing of the plan needs (give a floor from ``Floor.objects.with_plan()``)."""
    event_pk = event_pk or floor.event_id
    catalogue = reverse("event_catalogue", args=[event_pk])
    chosen = set(chosen)
    preferred = (preferred_zone or "").casefold().strip()
    zones = []
    for zone in floor.zones.all():
        zones.append(
            {
                "name": zone.name,
                "colour": zone.colour,
                "text": text_colour(zone.colour),
                "x": zone.x,
                "y": zone.y,
                "width": zone.width,
                "height": zone.height,
                "preferred": bool(preferred) and zone.name.casefold() == preferred,
            }
        )
    booths = []
    focus = None
    for booth in floor.booths.all():
        exhibitor = booth.exhibitor
        short = min(booth.width, booth.height)
        size = min(Decimal("0.9"), short / 3).quantize(Decimal("0.01"))
        name_size = (size * Decimal("0.5")).quantize(Decimal("0.01"))
        item = {
            "label": booth.label,
            "x": booth.x,
            "y": booth.y,
            "width": booth.width,
            "height": booth.height,
            "cx": booth.x + booth.width / 2,
            "cy": booth.y + booth.height / 2,
            "size": size,
            "name_size": name_size,
            "zone": booth.zone.name if booth.zone_id else "",
            "exhibitor": (
                {
                    "name": exhibitor.publisher.name,
                    "slug": exhibitor.publisher.slug,
                    "short": _fit(exhibitor.publisher.name, booth.width, name_size),
                    "url": f"{catalogue}?publisher={exhibitor.publisher.slug}",
                }
                if exhibitor
                else None
            ),
            "highlighted": booth.label == highlight,
            "chosen": booth.label in chosen,
            "own": bool(own_exhibitor) and booth.exhibitor_id == own_exhibitor,
        }
        lines = len(item["exhibitor"]["short"]) if exhibitor else 0
        item["label_y"] = item["cy"] - name_size * lines * Decimal("0.6") + size / 3
        item["name_y"] = item["label_y"] + name_size * Decimal("1.3")
        item["line_gap"] = name_size * Decimal("1.15")
        if item["highlighted"]:
            focus = item
        booths.append(item)
    entrances = [
        {"name": e.gate.name, "x": e.x, "y": e.y, "anchor": _anchor(e.x, floor.width)}
        for e in floor.entrances.all()
    ]
    services = [
        {"kind": s.kind, "name": s.name, "symbol": SERVICE_SYMBOLS.get(s.kind, "?"), "x": s.x, "y": s.y}
        for s in floor.services.all()
    ]
    width, height = floor.width, floor.height
    view = [Decimal(0), Decimal(0), width, height]
    if focus:
        # The map's frame is 4:3: so is the part of the floor shown around the booth.
        side_w = min(width, FOCUS_METRES)
        side_h = min(height, side_w * 3 / 4)
        left = min(max(focus["cx"] - side_w / 2, 0), width - side_w)
        top = min(max(focus["cy"] - side_h / 2, 0), height - side_h)
        view = [left, top, side_w, side_h]
    by_zone = {}
    for booth in booths:
        by_zone.setdefault(booth["zone"], []).append(booth)
    return {
        "width": width,
        "height": height,
        "viewbox": " ".join(f"{v:.2f}" for v in view),
        "zones": zones,
        "booths": booths,
        "booths_by_zone": [
            (zone, by_zone[zone]) for zone in sorted(by_zone, key=lambda z: (z == "", vi_sort_key(z)))
        ],
        "entrances": entrances,
        "services": services,
        "focus": focus,
        "background": floor.background,
        "free_count": sum(1 for booth in booths if not booth["exhibitor"]),
    }


def floor_json(floor: Floor) -> dict:
    """The API's shape: numbers in metres."""
    return {
        "width": float(floor.width),
        "height": float(floor.height),
        "zones": [
            {
                "name": z.name,
                "colour": z.colour,
                "x": float(z.x),
                "y": float(z.y),
                "width": float(z.width),
                "height": float(z.height),
            }
            for z in floor.zones.all()
        ],
        "booths": [
            {
                "label": b.label,
                "x": float(b.x),
                "y": float(b.y),
                "width": float(b.width),
                "height": float(b.height),
                "zone": b.zone.name if b.zone_id else None,
                "exhibitor": {"name": b.exhibitor.publisher.name, "slug": b.exhibitor.publisher.slug}
                if b.exhibitor_id
                else None,
            }
            for b in floor.booths.all()
        ],
        "entrances": [{"name": e.gate.name, "x": float(e.x), "y": float(e.y)} for e in floor.entrances.all()],
        "services": [
            {"kind": s.kind, "name": s.name, "x": float(s.x), "y": float(s.y)} for s in floor.services.all()
        ],
    }


PAPER = {"a3": "A3", "a4": "A4"}


def map_pdf(floor: Floor, *, paper: str = "a4", language: str = "vi") -> bytes:
    """The printable map: the plan on one landscape page, then the list of exhibitors by booth.

    A 200-booth A3 takes WeasyPrint seconds: the PDF is kept in the cache under a fingerprint
    of everything it shows, so the entrance's printer (or a crowd of phones) renders it once."""
    from events.services.passes import render_pdf

    event = floor.event
    shown = [floor_json(floor), event.title, event.venue_name, event.venue_address, paper, language, "v1"]
    key = "floor-pdf:" + hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        with translation.override(language):
            html = render_to_string(
                "floor/map_pdf.html",
                {"event": event, "plan": plan_data(floor), "paper": PAPER.get(paper, "A4"), "print": True},
            )
        pdf = render_pdf(html)
        cache.set(key, pdf, 24 * 3600)
    return pdf
