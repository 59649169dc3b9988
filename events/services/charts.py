"""Bar charts as accessible inline SVG, drawn on the server (no chart library, no script).

Each chart is an <svg role="img"> with a <title> and a <desc> that says what it shows in words;
the page puts the same numbers in a table next to it for anyone who cannot see the bars.
"""

import itertools
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 44
_ids = itertools.count(1)


@dataclass
class Chart:
    title: str
    description: str
    labels: list[str]
    values: list[int]

    @property
    def svg(self) -> SafeString:
        return bar_chart(self.title, self.description, self.labels, self.values)


def _n(value: float) -> str:
    return f"{value:.1f}"


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


def bar_chart(title: str, description: str, labels: list[str], values: list[int]) -> SafeString:
    """A vertical bar chart; valid (axes, no bars) when there is no data."""
    uid = next(_ids)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max(values, default=0))
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="chart-{}-title chart-{}-desc" '
            'font-family="Noto Sans, sans-serif" font-size="11">',
            WIDTH,
            HEIGHT,
            uid,
            uid,
        ),
        format_html('<title id="chart-{}-title">{}</title>', uid, title),
        format_html('<desc id="chart-{}-desc">{}</desc>', uid, description),
    ]
    for n in range(5):  # grid lines and the value axis
        value = top * n / 4
        y = TOP + plot_h - plot_h * n / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d5dd" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="#344054">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                LEFT - 6,
                _n(y + 4),
                number_format(round(value), force_grouping=True),
            )
        )
    count = len(values)
    if count:
        slot = plot_w / count
        bar = max(min(slot * 0.7, 48), 2)
        every = max(1, round(count / 12))  # at most about a dozen labels under the bars
        for index, (label, value) in enumerate(zip(labels, values, strict=True)):
            height = plot_h * value / top
            x = LEFT + slot * index + (slot - bar) / 2
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#1d4e89"><title>{}: {}</title></rect>',
                    _n(x),
                    _n(TOP + plot_h - height),
                    _n(bar),
                    _n(height),
                    label,
                    number_format(value, force_grouping=True),
                )
            )
            if index % every == 0:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" fill="#344054">{}</text>',
                        _n(LEFT + slot * index + slot / 2),
                        HEIGHT - BOTTOM + 16,
                        label[:14],
                    )
                )
    else:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="#344054">{}</text>',
                _n(LEFT + plot_w / 2),
                _n(TOP + plot_h / 2),
                description,
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#344054" stroke-width="1"/>',
            LEFT,
            WIDTH - RIGHT,
            TOP + plot_h,
            TOP + plot_h,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
