"""A first layout for booths that exist only as numbers: rows by letter, 3 × 3 m, aisles 2 m.

Used by the data migration that puts the approved exhibitors' booth numbers on a plan
(floor/migrations/0002_booths_from_exhibitors keeps its own frozen copy) and by the demo.
"""

import re

BOOTH = 3  # metres, a standard booth
AISLE = 2
MARGIN = 2
_ROW = re.compile(r"^(?P<row>\D*)(?P<number>\d*)")


def default_grid(labels) -> tuple[int, int, list[dict]]:
    """(width, height, booths): one row per leading letters ("A12" is in row A), booths in the
    natural order of their numbers, side by side; rows one aisle apart."""
    rows: dict[str, list[tuple[int, str]]] = {}
    for label in labels:
        match = _ROW.match(label)
        rows.setdefault(match["row"], []).append((int(match["number"] or 0), label))
    booths = []
    longest = 1
    for r, row in enumerate(sorted(rows)):
        ordered = sorted(rows[row])
        longest = max(longest, len(ordered))
        for i, (_number, label) in enumerate(ordered):
            booths.append(
                {
                    "label": label,
                    "x": MARGIN + i * BOOTH,
                    "y": MARGIN + r * (BOOTH + AISLE),
                    "width": BOOTH,
                    "height": BOOTH,
                }
            )
    width = max(20, 2 * MARGIN + longest * BOOTH)
    height = max(15, 2 * MARGIN + len(rows) * (BOOTH + AISLE))
    return width, height, booths
