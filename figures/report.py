"""The event report: headline wording, tables, charts and the PDF, all from event_figures.

Read only. The admin report page, its XLSX/CSV exports, the PDF and `manage.py event_report`
share the tables and charts built here, so they always show the same numbers.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.models import Site

from events.enums import QuestionKind
from events.models import EventPage
from events.services.passes import render_pdf
from figures.charts import Chart
from figures.stats import EventFigures, QuestionFigures, event_figures
from home.models import SiteDetails
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


class Percent(float):
    """A share (0.4286) that reads as a percentage ("42,9 %") and exports as one."""


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    numeric: bool = True  # numbers align right; text (names, booths) is never number-formatted


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


def cell_text(value) -> str:
    """A table value as the active language writes it, by what the value *is*: a number is
    grouped ("1.648.993"), a date is a date, a share is a percentage, and text stays text.

    Deciding by type rather than by column is what keeps "Nhà xuất bản" and "A1, A2" from
    being grouped like numbers.
    """
    if value is None:
        return ""
    if isinstance(value, Percent):
        # Rounded first: number_format cuts the decimals off (42.86 would read 42,8).
        return _("%(percent)s%%") % {"percent": number_format(round(value * 100, 1), decimal_pos=1)}
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return str(value)


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    @property
    def cells(self) -> list[list[Cell]]:
        return [[Cell(cell_text(row[c.key]), c.numeric) for c in self.columns] for row in self.rows]


def _kinds() -> dict:
    return {str(value): str(label) for value, label in OrganisationType.choices}


def _date(day: dt.date) -> str:
    return f"{day:%d/%m}"


# Tables short enough to read before the charts; the others follow them.
OVERVIEW = ("summary", "by_day")


def tables(figures: EventFigures) -> list[Table]:
    """Every table behind the report, in reading order."""
    summary = [
        (_("Visits"), figures.visits),
        (_("People admitted with a pass"), figures.admitted),
        (_("Walk-ins"), figures.walk_ins),
        (_("Registrations"), figures.registrations),
        (_("Registered people"), figures.registered_people),
        (_("On the waiting list"), figures.waiting),
        (_("Passes used"), figures.passes_used),
        (_("No-show rate"), Percent(figures.no_show_rate)),
        (_("Re-entries"), figures.re_entries),
        (_("Exhibitors"), figures.exhibitors),
        (_("Titles on display"), figures.titles),
        (_("Copies on display"), figures.copies),
        (_("Copies sold"), figures.copies_sold),
    ]
    days = figures.by_day
    # Visits by hour with one column per day (a pooled hour hides which day was busy), and
    # their sum when there is more than one day.
    by_hour_columns = [Column("hour", _("Hour"), numeric=False)]
    # "Ngày 01/12" rather than a bare "01/12", which Excel would read as a date in a CSV header.
    by_hour_columns += [
        Column(f"day_{n}", _("Day %(day)s") % {"day": _date(d.date)}) for n, d in enumerate(days, 1)
    ]
    if len(days) > 1:
        by_hour_columns.append(Column("total", _("All days")))
    by_hour_rows = [
        {
            "hour": f"{h.hour:02d}:00",
            **{f"day_{n}": d.by_hour[i].visits for n, d in enumerate(days, 1)},
            "total": h.visits,
        }
        for i, h in enumerate(figures.by_hour)
    ]
    kinds = _kinds()
    return [
        Table(
            "summary",
            _("Summary"),
            [Column("figure", _("Figure"), numeric=False), Column("value", _("Value"))],
            [{"figure": name, "value": value} for name, value in summary],
        ),
        Table(
            "by_day",
            _("By day"),
            [
                Column("date", _("Day"), numeric=False),
                Column("visits", _("Visits")),
                Column("admitted", _("With a pass")),
                Column("walk_ins", _("Walk-ins")),
                Column("re_entries", _("Re-entries")),
                Column("registrations", _("Registrations")),
                Column("registered_people", _("Registered people")),
                Column("waiting", _("Waiting")),
                Column("passes_used", _("Passes used")),
            ],
            [vars(d) for d in days],
        ),
        Table("by_hour", _("Visits by hour of each day"), by_hour_columns, by_hour_rows),
        Table(
            "by_gate",
            _("By gate"),
            [
                Column("name", _("Gate"), numeric=False),
                Column("visits", _("Visits")),
                Column("admitted", _("With a pass")),
                Column("walk_ins", _("Walk-ins")),
                Column("re_entries", _("Re-entries")),
            ],
            [vars(g) for g in figures.by_gate],
        ),
        Table(
            "by_session",
            _("Signings and workshops"),
            [
                Column("when", _("When"), numeric=False),
                Column("title", _("Session"), numeric=False),
                Column("places", _("Places")),
                Column("booked", _("Booked")),
                Column("attended", _("Attended")),
                Column("no_show", _("No-show")),
            ],
            [{**vars(s), "when": f"{_date(s.date)} {s.start}"} for s in figures.by_session],
        ),
        Table(
            "by_organisation_type",
            _("Registrations by organisation type"),
            [
                Column("label", _("Type"), numeric=False),
                Column("registrations", _("Registrations")),
                Column("registered_people", _("Registered people")),
            ],
            [vars(t) for t in figures.by_organisation_type],
        ),
        Table(
            "registrations_over_time",
            _("Registrations over time"),
            [
                Column("date", _("Registered on"), numeric=False),
                Column("registrations", _("Registrations")),
                Column("cumulative", _("Total so far")),
            ],
            [vars(r) for r in figures.registrations_over_time],
        ),
        Table(
            "by_publisher",
            _("By publisher"),
            [
                Column("name", _("Publisher"), numeric=False),
                Column("kind", _("Type"), numeric=False),
                Column("booths", _("Booths"), numeric=False),
                Column("titles", _("Titles")),
                Column("copies", _("Copies")),
                Column("copies_sold", _("Copies sold")),
            ],
            [{**vars(p), "kind": kinds.get(p.kind, p.kind)} for p in figures.by_publisher],
        ),
        Table(
            "by_category",
            _("By category"),
            [
                Column("name", _("Category"), numeric=False),
                Column("titles", _("Titles")),
                Column("copies", _("Copies")),
                Column("copies_sold", _("Copies sold")),
            ],
            [vars(c) for c in figures.by_category],
        ),
    ] + [_question_table(q) for q in figures.by_question]


def _choice_label(question: QuestionFigures, choice: str) -> str:
    if question.kind == QuestionKind.YES_NO:
        return _("Yes") if choice == "yes" else _("No")
    return choice


def _question_table(question: QuestionFigures) -> Table:
    return Table(
        f"question_{question.question_id}",
        question.label,
        [Column("choice", _("Answer"), numeric=False), Column("registrations", _("Registrations"))],
        [
            {"choice": _choice_label(question, c.choice), "registrations": c.registrations}
            for c in question.choices
        ],
    )


def _question_chart(question: QuestionFigures) -> Chart:
    labels = [_choice_label(question, c.choice) for c in question.choices]
    values = [c.registrations for c in question.choices]
    return Chart(
        question.label,
        _("Bar chart of the registrations by their answer (%(answered)s answered): %(values)s.")
        % {
            "answered": number_format(question.answered, force_grouping=True),
            "values": "; ".join(
                f"{label}: {number_format(n, force_grouping=True)}"
                for label, n in zip(labels, values, strict=True)
            )
            or "—",
        },
        labels,
        values,
        horizontal=True,
    )


def charts(figures: EventFigures) -> list[Chart]:
    """The four charts: visits by hour of each day and by day, registrations over time, copies
    by category; then one for each of the organisers' choice questions."""
    hours, days = figures.by_hour, figures.by_day

    def day_in_words(day) -> str:
        busiest = max(day.by_hour, key=lambda h: h.visits, default=None)
        if not busiest or not busiest.visits:
            return _("%(day)s: no visits") % {"day": _date(day.date)}
        return _("%(day)s: %(visits)s visits, the busiest hour from %(hour)s (%(busiest)s)") % {
            "day": _date(day.date),
            "visits": number_format(day.visits, force_grouping=True),
            "hour": f"{busiest.hour:02d}:00",
            "busiest": number_format(busiest.visits, force_grouping=True),
        }

    by_hour = Chart(
        _("Visits by hour of each day"),
        _("Line chart of visits by hour of the day, one line per day. %(days)s.")
        % {"days": "; ".join(day_in_words(d) for d in days) or "—"},
        [f"{h.hour:02d}h" for h in hours],
        # Days without a visit yet (still to come, in an interim report) would be flat lines.
        series=[(_date(d.date), [h.visits for h in d.by_hour]) for d in days if d.visits],
    )
    by_day = Chart(
        _("Visits by day"),
        _("Bar chart of visits on each day of the fair: %(values)s.")
        % {
            "values": "; ".join(
                f"{_date(d.date)}: {number_format(d.visits, force_grouping=True)}" for d in days
            )
            or "—"
        },
        [_date(d.date) for d in days],
        [d.visits for d in days],
    )
    over_time = figures.registrations_over_time
    registrations = Chart(
        _("Registrations over time"),
        _("Bar chart of the running total of registrations by the date they were made, reaching %(total)s.")
        % {"total": number_format(over_time[-1].cumulative if over_time else 0, force_grouping=True)},
        [_date(r.date) for r in over_time],
        [r.cumulative for r in over_time],
    )
    categories = Chart(
        _("Copies on display by category"),
        _("Bar chart of copies on display in each category: %(values)s.")
        % {
            "values": "; ".join(
                f"{c.name}: {number_format(c.copies, force_grouping=True)}" for c in figures.by_category
            )
            or "—"
        },
        [c.name for c in figures.by_category],
        [c.copies for c in figures.by_category],
        horizontal=True,
    )
    return [by_hour, by_day, registrations, categories, *(_question_chart(q) for q in figures.by_question)]


def headline(figures: EventFigures, language: str = "vi") -> dict:
    """The cover's three figures, said the way a summary says them."""
    return {
        "visits": approximately(figures.visits, language),
        "exhibitors": approximately(figures.exhibitors, language),
        "copies": approximately(figures.copies, language),
    }


def headline_sentence(figures: EventFigures, language: str = "vi") -> str:
    """The headline as a sentence: "Gần 6.000 lượt khách tham quan, 24 nhà xuất bản …"."""
    sentence = _(
        "%(visits)s visits, %(exhibitors)s publishers and distributors and %(copies)s copies on display"
    ) % (headline(figures, language))
    return capfirst(sentence) + "."


def place_and_date(place: str, day: dt.date, language: str = "vi") -> str:
    """The place and date line of an administrative document: "Bắc Ninh, ngày 02 tháng 12 năm
    2026" (days below 10 and months below 3 take a leading zero, as Decree 30/2020 asks)."""
    if (language or "vi")[:2] == "vi":
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    else:
        text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{place}, {text}" if place else capfirst(text)


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def definitions() -> list[tuple[str, str]]:
    """What each figure means, in the report's words (the rules of figures.stats)."""
    return [
        (
            _("Visits"),
            _(
                "People let in with a pass plus people counted at a gate without one. "
                "A person who comes on two days is two visits."
            ),
        ),
        (
            _("People admitted with a pass"),
            _(
                "People let in by scanning a pass; a group of 40 counts 40. "
                "Refused and undone scans count no one."
            ),
        ),
        (_("Walk-ins"), _("People counted at a gate without a pass.")),
        (
            _("Re-entries"),
            _(
                "Scans of a pass whose whole party was already in that day: people leaving and coming "
                "back. They are not visits."
            ),
        ),
        (
            _("Registrations"),
            _(
                "Confirmed registrations and those on the waiting list; not cancelled ones, nor groups "
                "yet to confirm their email."
            ),
        ),
        (_("Registered people"), _("People of the confirmed registrations (the sum of their party sizes).")),
        (_("Passes used"), _("Passes that let at least one person in, on any day.")),
        (
            _("No-show rate"),
            _(
                "Among confirmed registrations for days that are over (the fair has closed that day), "
                "the share whose pass let no one in."
            ),
        ),
        (_("Exhibitors"), _("Publishers and distributors whose application to exhibit was approved.")),
        (
            _("Titles on display"),
            _(
                "Distinct books with at least one copy on display: one ISBN is one title, whoever lists "
                "it; a book without an ISBN is its publisher's own title."
            ),
        ),
        (_("Copies on display"), _("The copies listed by all exhibitors, added up.")),
        (_("Copies sold"), _("Copies sold, as the exhibitors report them.")),
        (
            _("Organisation type"),
            _(
                "A school when the organisation's name says so (Trường, THCS, THPT, …); a group for any "
                "other organisation or a party of more than one; otherwise an individual."
            ),
        ),
        (
            _("Hours and days"),
            _("The fair's local time (Asia/Ho_Chi_Minh), at the moment of the scan or count."),
        ),
    ]


def report_heading(event: EventPage) -> dict:
    """The issuing body and the national heading of the cover, from the site's details."""
    site = event.get_site() or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return {
            "parent_body": "",
            "issuing_body": event.organiser,
            "national_name": "",
            "motto": "",
            "place": "",
        }
    details = SiteDetails.for_site(site)
    return {
        "parent_body": details.report_parent_body,
        "issuing_body": details.report_issuing_body or details.organiser or event.organiser,
        "national_name": details.report_national_name,
        "motto": details.report_motto,
        "place": details.report_place,
    }


def report_context(
    event: EventPage,
    figures: EventFigures | None = None,
    language: str = "vi",
    now: dt.datetime | None = None,
) -> dict:
    now = now or timezone.now()
    figures = figures or event_figures(event, now=now)
    all_tables = tables(figures)
    return {
        "event": event,
        "figures": figures,
        "headline": headline(figures, language),
        "headline_sentence": headline_sentence(figures, language),
        "tables": all_tables,
        "overview_tables": [t for t in all_tables if t.slug in OVERVIEW],
        "detail_tables": [t for t in all_tables if t.slug not in OVERVIEW],
        "charts": charts(figures),
        "generated_at": timezone.localtime(figures.computed_at),
        # Until the fair has closed on its last day the figures will still change.
        "interim": now < event.closes_on(event.end_date),
        "closes_at": timezone.localtime(event.closes_on(event.end_date)),
    }


def report_pdf(event: EventPage, *, language: str = "vi", now: dt.datetime | None = None) -> bytes:
    """The event report as a PDF (WeasyPrint, the project's Noto Sans), from fresh figures.

    ``now`` (default: the current time) is when the report is made: it dates the report, and
    a report made before the fair has closed on its last day is marked as interim.
    """
    now = now or timezone.now()
    with translation.override(language):
        heading = report_heading(event)
        context = {
            **report_context(event, language=language, now=now),
            "language": language,
            "heading": heading,
            "date_line": place_and_date(heading["place"], timezone.localdate(now), language),
            "definitions": definitions(),
        }
        html = render_to_string("figures/report_pdf.html", context)
    return render_pdf(html)
