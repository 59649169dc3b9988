"""Charts as accessible inline SVG, drawn on the server (no chart library, no script).

Each chart is an <svg role="img"> with a <title> and a <desc> that says what it shows in words;
the page puts the same numbers in a table next to it for anyone who cannot see the marks.
Three shapes: vertical bars (a few short labels), horizontal bars (long names such as
categories) and lines (one series per day; told apart by colour *and* dash, so that a report
printed in black and white still reads).
"""

import itertools
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 44
LEGEND = 22  # height of the legend row above a line chart
ROW = 24  # height of a bar of a horizontal chart
LABELS = 170  # width kept for the names of a horizontal chart
FONT = 12
INK, GRID, BAR = "#344054", "#d0d5dd", "#1d4e89"
# (colour, dash pattern) of each series, in order.
SERIES_STYLES = [
    ("#1d4e89", ""),
    ("#c2410c", "7 4"),
    ("#15803d", "2 3"),
    ("#7e22ce", "10 3 2 3"),
    ("#a16207", "4 2"),
    ("#0f766e", "1 2"),
]
_ids = itertools.count(1)


@dataclass
class Chart:
    title: str
    description: str
    labels: list[str]
    values: list[int] = field(default_factory=list)
    series: list[tuple[str, list[int]]] = field(default_factory=list)  # (name, values): lines
    horizontal: bool = False

    @property
    def svg(self) -> SafeString:
        if self.series:
            return line_chart(self.title, self.description, self.labels, self.series)
        if self.horizontal:
            return horizontal_bar_chart(self.title, self.description, self.labels, self.values)
        return bar_chart(self.title, self.description, self.labels, self.values)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _grouped(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def _nice_top(value: int) -> int:
    """The axis maximum: 1, 2, 4, 6 or 8 times a power of ten, at least ``value`` (so that
    its quarters, the grid lines, are round numbers)."""
    if value <= 0:
        return 4
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 4, 6, 8, 10):
        if step * power >= value and (step * power) % 4 == 0:
            return step * power
    return power * 10


def _open(title: str, description: str, height: float) -> list:
    uid = next(_ids)
    return [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="chart-{}-title chart-{}-desc" '
            'font-family="Noto Sans, sans-serif" font-size="{}">',
            WIDTH,
            _n(height),
            uid,
            uid,
            FONT,
        ),
        format_html('<title id="chart-{}-title">{}</title>', uid, title),
        format_html('<desc id="chart-{}-desc">{}</desc>', uid, description),
    ]


def _value_axis(top: int, plot_top: float, plot_h: float) -> list:
    """Horizontal grid lines at each quarter of ``top``, with their values on the left."""
    parts = []
    for n in range(5):
        y = plot_top + plot_h - plot_h * n / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                GRID,
                LEFT - 6,
                _n(y + 4),
                INK,
                _grouped(top * n / 4),
            )
        )
    return parts


def _category_axis(labels: list[str], plot_top: float, plot_h: float) -> list:
    """The baseline and at most about a dozen labels under it."""
    parts = [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            LEFT,
            WIDTH - RIGHT,
            _n(plot_top + plot_h),
            _n(plot_top + plot_h),
            INK,
        )
    ]
    if not labels:
        return parts
    slot = (WIDTH - LEFT - RIGHT) / len(labels)
    every = max(1, round(len(labels) / 12))
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    _n(LEFT + slot * index + slot / 2),
                    _n(plot_top + plot_h + 17),
                    INK,
                    label[:14],
                )
            )
    return parts


def _no_data(plot_top: float, plot_h: float) -> SafeString:
    # The description already says it for screen readers; on the plot a few words do.
    return format_html(
        '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
        _n(LEFT + (WIDTH - LEFT - RIGHT) / 2),
        _n(plot_top + plot_h / 2),
        INK,
        _("No figures yet."),
    )


def bar_chart(title: str, description: str, labels: list[str], values: list[int]) -> SafeString:
    """A vertical bar chart; valid (axes, no bars) when there is no data."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max(values, default=0))
    parts = _open(title, description, HEIGHT) + _value_axis(top, TOP, plot_h)
    if any(values):
        slot = plot_w / len(values)
        bar = max(min(slot * 0.7, 48), 2)
        for index, (label, value) in enumerate(zip(labels, values, strict=True)):
            height = plot_h * value / top
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                    _n(LEFT + slot * index + (slot - bar) / 2),
                    _n(TOP + plot_h - height),
                    _n(bar),
                    _n(height),
                    BAR,
                    label,
                    _grouped(value),
                )
            )
    else:
        parts.append(_no_data(TOP, plot_h))
    parts += _category_axis(labels, TOP, plot_h)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def horizontal_bar_chart(title: str, description: str, labels: list[str], values: list[int]) -> SafeString:
    """One bar per row, its name on the left and its value at its end: for long names."""
    height = TOP + ROW * max(len(values), 1) + 8
    plot_left, plot_right = LABELS, WIDTH - RIGHT - 64  # room for the value after the bar
    top = max(values, default=0) or 1
    parts = _open(title, description, height)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + ROW * index
        width = (plot_right - plot_left) * value / top
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                plot_left - 8,
                _n(y + ROW / 2 + 4),
                INK,
                short,
                plot_left,
                _n(y + 4),
                _n(max(width, 1)),
                ROW - 8,
                BAR,
                label,
                _grouped(value),
                _n(plot_left + width + 6),
                _n(y + ROW / 2 + 4),
                INK,
                _grouped(value),
            )
        )
    if not values:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                WIDTH / 2,
                _n(TOP + ROW / 2 + 4),
                INK,
                _("No figures yet."),
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            plot_left,
            plot_left,
            TOP,
            _n(height - 8),
            INK,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def line_chart(
    title: str, description: str, labels: list[str], series: list[tuple[str, list[int]]]
) -> SafeString:
    """One line per series over the same labels, with a legend above the plot."""
    plot_top = TOP + LEGEND
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - plot_top - BOTTOM
    top = _nice_top(max((v for _name, values in series for v in values), default=0))
    parts = _open(title, description, HEIGHT) + _value_axis(top, plot_top, plot_h)
    slot = plot_w / max(len(labels), 1)
    x = LEFT
    for index, (name, values) in enumerate(series):
        colour, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
        parts.append(  # the legend entry: a sample of the line, then the series' name
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                x,
                x + 24,
                TOP + 2,
                TOP + 2,
                colour,
                dash or "none",
                x + 30,
                TOP + 6,
                INK,
                name,
            )
        )
        x += 30 + 8 * len(name) + 18
        points = [
            (LEFT + slot * i + slot / 2, plot_top + plot_h - plot_h * value / top)
            for i, value in enumerate(values)
        ]
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" '
                'stroke-linejoin="round"/>',
                " ".join(f"{_n(px)},{_n(py)}" for px, py in points),
                colour,
                dash or "none",
            )
        )
        for (px, py), label, value in zip(points, labels, values, strict=True):
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} {}: {}</title></circle>',
                    _n(px),
                    _n(py),
                    colour,
                    name,
                    label,
                    _grouped(value),
                )
            )
    if not series:
        parts.append(_no_data(plot_top, plot_h))
    parts += _category_axis(labels, plot_top, plot_h)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
