"""The event report: headline wording, tables, charts and the PDF, all from event_figures.

Read only. The admin report page, its XLSX/CSV exports, the PDF and `manage.py event_report`
share the tables and charts built here, so they always show the same numbers.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import EventPage
from events.services.charts import Chart
from events.services.stats import EventFigures, event_figures
from publishers.enums import OrganisationType

# How each language says "nearly 6,000" and "over 1.5 million": word order and separators are
# grammar, kept here with the rounding rule rather than in message catalogues.
WORDING = {
    "vi": {"nearly": "gần {}", "over": "hơn {}", "million": "{} triệu", "thousands": ".", "decimal": ","},
    "en": {
        "nearly": "nearly {}",
        "over": "over {}",
        "million": "{} million",
        "thousands": ",",
        "decimal": ".",
    },
}


def _number(value: float, words: dict) -> str:
    if value >= 1_000_000:
        millions = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return words["million"].format(millions.replace(".", words["decimal"]))
    return f"{int(value):,}".replace(",", words["thousands"])


def approximately(n: int, language: str = "vi") -> str:
    """A figure as a summary says it: "gần 6.000", "hơn 1,5 triệu", or exactly below 100.

    The number is rounded to the nearest multiple of 5 × 10^(digits − 2) (500 for thousands,
    500,000 for millions); a rounded number above the figure is "nearly" it, below "over" it.
    """
    words = WORDING.get((language or "vi")[:2], WORDING["vi"])
    if n < 100:
        return _number(n, words)
    step = 5 * 10 ** (len(str(n)) - 2)
    lower = n // step * step
    rounded = lower if n - lower <= lower + step - n else lower + step
    if rounded == n:
        return _number(n, words)
    return words["nearly" if rounded > n else "over"].format(_number(rounded, words))


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[tuple[str, str]]  # (key, heading)
    rows: list[dict] = field(default_factory=list)

    @property
    def cells(self) -> list[list]:
        return [[row[key] for key, _heading in self.columns] for row in self.rows]


def _kinds() -> dict:
    return {str(value): str(label) for value, label in OrganisationType.choices}


def tables(figures: EventFigures) -> list[Table]:
    """Every table behind the report, in reading order."""
    percent = f"{figures.no_show_rate * 100:.1f} %"
    summary = [
        (_("Visits"), figures.visits),
        (_("People admitted with a pass"), figures.admitted),
        (_("Walk-ins"), figures.walk_ins),
        (_("Registrations"), figures.registrations),
        (_("Registered people"), figures.registered_people),
        (_("On the waiting list"), figures.waiting),
        (_("Passes used"), figures.passes_used),
        (_("No-show rate"), percent),
        (_("Re-entries"), figures.re_entries),
        (_("Exhibitors"), figures.exhibitors),
        (_("Titles on display"), figures.titles),
        (_("Copies on display"), figures.copies),
        (_("Copies sold"), figures.copies_sold),
    ]
    kinds = _kinds()
    return [
        Table(
            "summary",
            _("Summary"),
            [("figure", _("Figure")), ("value", _("Value"))],
            [{"figure": name, "value": value} for name, value in summary],
        ),
        Table(
            "by_day",
            _("By day"),
            [
                ("date", _("Day")),
                ("visits", _("Visits")),
                ("admitted", _("With a pass")),
                ("walk_ins", _("Walk-ins")),
                ("re_entries", _("Re-entries")),
                ("registrations", _("Registrations")),
                ("registered_people", _("Registered people")),
                ("waiting", _("Waiting")),
                ("passes_used", _("Passes used")),
            ],
            [vars(d) for d in figures.by_day],
        ),
        Table(
            "by_hour",
            _("Visits by hour"),
            [
                ("hour", _("Hour")),
                ("visits", _("Visits")),
                ("admitted", _("With a pass")),
                ("walk_ins", _("Walk-ins")),
            ],
            [{**vars(h), "hour": f"{h.hour:02d}:00"} for h in figures.by_hour],
        ),
        Table(
            "by_gate",
            _("By gate"),
            [
                ("name", _("Gate")),
                ("visits", _("Visits")),
                ("admitted", _("With a pass")),
                ("walk_ins", _("Walk-ins")),
                ("re_entries", _("Re-entries")),
            ],
            [vars(g) for g in figures.by_gate],
        ),
        Table(
            "by_organisation_type",
            _("Registrations by organisation type"),
            [
                ("label", _("Type")),
                ("registrations", _("Registrations")),
                ("registered_people", _("Registered people")),
            ],
            [vars(t) for t in figures.by_organisation_type],
        ),
        Table(
            "registrations_over_time",
            _("Registrations over time"),
            [
                ("date", _("Registered on")),
                ("registrations", _("Registrations")),
                ("cumulative", _("Total so far")),
            ],
            [vars(r) for r in figures.registrations_over_time],
        ),
        Table(
            "by_publisher",
            _("By publisher"),
            [
                ("name", _("Publisher")),
                ("kind", _("Type")),
                ("booths", _("Booths")),
                ("titles", _("Titles")),
                ("copies", _("Copies")),
                ("copies_sold", _("Copies sold")),
            ],
            [{**vars(p), "kind": kinds.get(p.kind, p.kind)} for p in figures.by_publisher],
        ),
        Table(
            "by_category",
            _("By category"),
            [
                ("name", _("Category")),
                ("titles", _("Titles")),
                ("copies", _("Copies")),
                ("copies_sold", _("Copies sold")),
            ],
            [vars(c) for c in figures.by_category],
        ),
    ]


def _date(day: dt.date) -> str:
    return f"{day:%d/%m}"


def charts(figures: EventFigures) -> list[Chart]:
    """The four charts: visits by hour and by day, registrations over time, copies by category."""
    hours, days = figures.by_hour, figures.by_day
    busiest = max(hours, key=lambda h: h.visits, default=None)
    by_hour = Chart(
        _("Visits by hour"),
        _("Bar chart of visits by hour of the day, %(total)s in all; the busiest hour starts at %(hour)s.")
        % {"total": figures.visits, "hour": f"{busiest.hour:02d}:00" if busiest and busiest.visits else "—"},
        [f"{h.hour:02d}h" for h in hours],
        [h.visits for h in hours],
    )
    by_day = Chart(
        _("Visits by day"),
        _("Bar chart of visits on each day of the fair: %(values)s.")
        % {"values": "; ".join(f"{_date(d.date)}: {d.visits}" for d in days) or "—"},
        [_date(d.date) for d in days],
        [d.visits for d in days],
    )
    over_time = figures.registrations_over_time
    registrations = Chart(
        _("Registrations over time"),
        _("Bar chart of the running total of registrations by the date they were made, reaching %(total)s.")
        % {"total": over_time[-1].cumulative if over_time else 0},
        [_date(r.date) for r in over_time],
        [r.cumulative for r in over_time],
    )
    categories = Chart(
        _("Copies on display by category"),
        _("Bar chart of copies on display in each category: %(values)s.")
        % {"values": "; ".join(f"{c.name}: {c.copies}" for c in figures.by_category) or "—"},
        [c.name for c in figures.by_category],
        [c.copies for c in figures.by_category],
    )
    return [by_hour, by_day, registrations, categories]


def headline(figures: EventFigures, language: str = "vi") -> dict:
    """The cover's three figures, said the way a summary says them."""
    return {
        "visits": approximately(figures.visits, language),
        "exhibitors": approximately(figures.exhibitors, language),
        "copies": approximately(figures.copies, language),
    }


def report_context(event: EventPage, figures: EventFigures | None = None, language: str = "vi") -> dict:
    figures = figures or event_figures(event)
    return {
        "event": event,
        "figures": figures,
        "headline": headline(figures, language),
        "tables": tables(figures),
        "charts": charts(figures),
        "generated_at": timezone.localtime(figures.computed_at),
    }


def report_pdf(event: EventPage, *, language: str = "vi") -> bytes:
    """The event report as a PDF (WeasyPrint, the project's Noto Sans), from fresh figures."""
    from events.services.passes import render_pdf

    with translation.override(language):
        html = render_to_string(
            "events/report_pdf.html", {**report_context(event, language=language), "language": language}
        )
    return render_pdf(html)
