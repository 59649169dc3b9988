"""The event's figures for organisers, read only: database aggregates, never loops over rows.

Every definition is written down once in docs/figures.md. The API, the admin report and
dashboard, the PDF report and the exports all read ``event_figures`` (or ``cached_figures``);
the public counters are figures.counters. The rules they count by live with the data: an
admission that counts on the CheckIn model (COUNTED), a title and a copy in figures.books.
"""

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import ANSWER_CHOICE_KINDS, IN_FIGURES, QuestionKind, RegistrationStatus
from events.models import (
    CheckIn,
    EventPage,
    Gate,
    ProgrammeItem,
    Registration,
    SessionAdmission,
    SessionBooking,
    WalkIn,
)
from events.models.checkin import COUNTED, RE_ENTRY
from events.models.registration import INDIVIDUAL_REGISTRATION
from figures.books import book_totals, listings_on_display
from publishers.models import Exhibitor

# Words that mark an organisation as a school (matched case-insensitively in its name).
SCHOOL_WORDS = (
    "trường",
    "truong",
    "thcs",
    "thpt",
    "tiểu học",
    "mầm non",
    "đại học",
    "cao đẳng",
    "school",
    "college",
    "university",
)
INDIVIDUAL, SCHOOL, GROUP = "individual", "school", "group"
ORGANISATION_TYPES = {
    INDIVIDUAL: _("Individuals"),
    SCHOOL: _("Schools"),
    GROUP: _("Other groups and organisations"),
}
STATS_CACHE_SECONDS = 15  # live figures are at most this old (the admin report refreshes every 30 s)


# --- the figures ---------------------------------------------------------------------------


@dataclass
class HourFigures:
    hour: int
    visits: int = 0
    admitted: int = 0
    walk_ins: int = 0


@dataclass
class DayFigures:
    date: dt.date
    visits: int = 0
    admitted: int = 0
    walk_ins: int = 0
    re_entries: int = 0
    registrations: int = 0
    registered_people: int = 0
    waiting: int = 0
    passes_used: int = 0
    registrations_by_type: dict = field(default_factory=lambda: dict.fromkeys(ORGANISATION_TYPES, 0))
    # The day's visits by hour, over the same hours as EventFigures.by_hour (one chart series).
    by_hour: list[HourFigures] = field(default_factory=list)


@dataclass
class GateFigures:
    gate_id: int
    name: str
    visits: int = 0
    admitted: int = 0
    walk_ins: int = 0
    re_entries: int = 0


@dataclass
class OrganisationTypeFigures:
    kind: str
    label: str
    registrations: int = 0
    registered_people: int = 0


@dataclass
class PublisherFigures:
    publisher_id: int
    name: str
    kind: str
    booths: str
    titles: int
    copies: int
    copies_sold: int


@dataclass
class CategoryFigures:
    category_id: int | None
    name: str
    titles: int
    copies: int
    copies_sold: int


@dataclass
class ChoiceCount:
    choice: str
    registrations: int = 0


@dataclass
class QuestionFigures:
    """Registrations by their answer to one of the organisers' choice (or yes/no) questions."""

    question_id: int
    label: str
    kind: str
    answered: int = 0  # registrations that answered; several choices count once here
    choices: list[ChoiceCount] = field(default_factory=list)


@dataclass
class RegistrationDate:
    date: dt.date
    registrations: int
    cumulative: int


@dataclass
class SessionFigures:
    """A session with places: people booked, let in at its door, and booked but not come."""

    session_id: int
    title: str
    kind: str
    date: dt.date
    start: str  # "HH:MM", local time
    places: int
    booked: int = 0
    attended: int = 0
    no_show: int = 0  # booked people whose pass was not scanned at the door; once it has started


@dataclass
class EventFigures:
    event_id: int
    day: dt.date | None
    computed_at: dt.datetime
    visits: int = 0
    admitted: int = 0
    walk_ins: int = 0
    registrations: int = 0
    registered_people: int = 0
    waiting: int = 0
    passes_used: int = 0
    no_show_rate: float = 0.0
    re_entries: int = 0
    exhibitors: int = 0
    titles: int = 0
    copies: int = 0
    copies_sold: int = 0
    by_day: list[DayFigures] = field(default_factory=list)
    by_hour: list[HourFigures] = field(default_factory=list)
    by_gate: list[GateFigures] = field(default_factory=list)
    by_organisation_type: list[OrganisationTypeFigures] = field(default_factory=list)
    by_publisher: list[PublisherFigures] = field(default_factory=list)
    by_category: list[CategoryFigures] = field(default_factory=list)
    registrations_over_time: list[RegistrationDate] = field(default_factory=list)
    by_question: list[QuestionFigures] = field(default_factory=list)
    by_session: list[SessionFigures] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# --- how rows are grouped ---------------------------------------------------------------------


def organisation_type() -> Case:
    """individual / school / group of a registration, from its party size and organisation.

    An empty organisation contains no school word, so it is tested first: most registrations
    are people without one, and they skip the eleven case-insensitive LIKEs.
    """
    school = reduce(or_, (Q(organisation__icontains=word) for word in SCHOOL_WORDS))
    return Case(
        # Who is an individual is the registrations' rule (also the organisers' questions').
        When(INDIVIDUAL_REGISTRATION, then=Value(INDIVIDUAL)),
        When(organisation="", then=Value(GROUP)),
        When(school, then=Value(SCHOOL)),
        default=Value(GROUP),
        output_field=CharField(),
    )


class AnswerJson(Func):
    """The JSON text of one answer in Registration.answers, NULL when there is none.

    Not Django's KeyTransform: it reads a key made of digits as an array index (``$[12]``,
    ``-> 12``), and the answers are keyed by question id. Grouped on as text, read with json.
    """

    output_field = TextField()

    def __init__(self, key: str):
        super().__init__(F("answers"), Value(key))

    def as_sql(self, compiler, connection, **extra):  # SQLite 3.38 and later
        answers, _params = compiler.compile(self.source_expressions[0])
        return f"({answers} -> %s)", [f'$."{self.source_expressions[1].value}"']

    def as_postgresql(self, compiler, connection, **extra):
        answers, _params = compiler.compile(self.source_expressions[0])
        return f"(({answers} -> %s::text)::text)", [self.source_expressions[1].value]


QUARTER = 900  # seconds


class QuarterHour(Func):
    """The UTC quarter hour of a moment as a number (seconds since 1970 // 900).

    Check-ins are grouped by it rather than by the local hour: converting every row to the
    fair's time zone costs more than the whole rest of the aggregate, while the few quarters
    found convert in Python (``local_hour``). Exact, because every time zone's offset from
    UTC is a whole number of quarter hours, so a quarter never straddles two local hours.
    """

    output_field = IntegerField()
    template = "FLOOR(DATE_PART('epoch', %(expressions)s) / 900)::bigint"

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores UTC text on SQLite; '%%s' is a literal %s once the query is formatted.
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) / 900"
        return self.as_sql(compiler, connection, template=template, **extra)


def local_hour(quarter: int) -> int:
    return dt.datetime.fromtimestamp(quarter * QUARTER, _tz()).hour


def _tz():
    return timezone.get_default_timezone()


# --- one entry point ---------------------------------------------------------------------------


def event_figures(
    event: EventPage, *, day: dt.date | None = None, now: dt.datetime | None = None
) -> EventFigures:
    """Every attendance and books-displayed figure of ``event`` (of one ``day`` when given).

    Read only, about a dozen aggregate queries whatever the size of the event. Books figures
    do not depend on ``day``. ``now`` (default: the current time) decides which days are over,
    so that their confirmed registrations can be counted as no-shows.
    """
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            # JIT compilation pays off for queries running many seconds; here it took longer
            # than the aggregates themselves (1.5 s on 200,000 registrations). Local to this
            # transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _event_figures(event, day=day, now=now or timezone.now())


def last_day_over(event: EventPage, now: dt.datetime) -> dt.date:
    """The last date whose opening hours are over at ``now`` (its closing time has passed).

    A day still open is not over: its visitors may yet arrive, so it holds no no-shows.
    """
    today = timezone.localdate(now)
    return today if now >= event.closes_on(today) else today - dt.timedelta(days=1)


def _event_figures(event: EventPage, *, day: dt.date | None, now: dt.datetime) -> EventFigures:
    figures = EventFigures(event_id=event.pk, day=day, computed_at=now)
    days = [day] if day else event.days
    by_day = {d: DayFigures(date=d) for d in days}
    gates = {g.pk: GateFigures(gate_id=g.pk, name=g.name) for g in Gate.objects.filter(event=event)}
    hours: dict[int, HourFigures] = {}
    day_hours: dict[tuple[dt.date, int], HourFigures] = {}

    def day_row(date):
        return by_day.setdefault(date, DayFigures(date=date))

    def gate_row(gate_id):
        return gates.setdefault(gate_id, GateFigures(gate_id=gate_id, name=str(gate_id)))

    def hour_row(hour):
        return hours.setdefault(hour, HourFigures(hour=hour))

    def day_hour_row(date, hour):
        return day_hours.setdefault((date, hour), HourFigures(hour=hour))

    # Gates: passes admitted and refused re-entries, by day, gate and hour (small grouped rows).
    checkins = CheckIn.objects.filter(COUNTED | RE_ENTRY, event=event)
    walk_ins = WalkIn.objects.counted().filter(event=event)
    if day:
        checkins, walk_ins = checkins.filter(day=day), walk_ins.filter(day=day)
    rows = (
        checkins.annotate(quarter=QuarterHour("scanned_at"))
        .values("day", "gate_id", "quarter")
        .annotate(
            admitted=Sum("admitted", filter=COUNTED, default=0), re_entries=Count("gate", filter=RE_ENTRY)
        )
        .order_by()
    )
    for row in rows:
        for target in (day_row(row["day"]), gate_row(row["gate_id"]), figures):
            target.admitted += row["admitted"]
            target.re_entries += row["re_entries"]
        hour = local_hour(row["quarter"])
        hour_row(hour).admitted += row["admitted"]
        day_hour_row(row["day"], hour).admitted += row["admitted"]
    rows = (
        walk_ins.annotate(quarter=QuarterHour("at"))
        .values("day", "gate_id", "quarter")
        .annotate(people=Sum("count"))
        .order_by()
    )
    for row in rows:
        hour = local_hour(row["quarter"])
        for target in (
            day_row(row["day"]),
            gate_row(row["gate_id"]),
            hour_row(hour),
            day_hour_row(row["day"], hour),
            figures,
        ):
            target.walk_ins += row["people"]

    # Registrations, by visit day and organisation type.
    registrations = Registration.objects.filter(event=event)
    used = CheckIn.objects.filter(COUNTED)
    if day:
        registrations = registrations.filter(day__date=day)
        used = used.filter(day=day)
    confirmed = Q(status=RegistrationStatus.CONFIRMED)
    due = confirmed & Q(day__date__lte=last_day_over(event, now))
    rows = (
        registrations.annotate(kind=organisation_type())
        .values("day__date", "kind")
        .annotate(
            registrations=Count("pk", filter=Q(status__in=IN_FIGURES)),
            people=Sum("party_size", filter=confirmed, default=0),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
            due=Count("pk", filter=due),
        )
        .order_by()
    )
    types = {
        kind: OrganisationTypeFigures(kind=kind, label=str(label))
        for kind, label in ORGANISATION_TYPES.items()
    }
    due_total = due_used = 0
    for row in rows:
        target = day_row(row["day__date"])
        target.registrations += row["registrations"]
        target.registered_people += row["people"]
        target.waiting += row["waiting"]
        target.registrations_by_type[row["kind"]] += row["registrations"]
        types[row["kind"]].registrations += row["registrations"]
        types[row["kind"]].registered_people += row["people"]
        figures.registrations += row["registrations"]
        figures.registered_people += row["people"]
        figures.waiting += row["waiting"]
        due_total += row["due"]
    # Passes used (they admitted someone), by the registration's day: the registrations joined
    # to the distinct passes of counted check-ins, read in pass order from the partial index
    # checkin_counted_pass; each registration is looked at once, not once per figure. (Without
    # DISTINCT, PostgreSQL hashes every counted check-in read from the table: 1.5x slower.)
    rows = (
        registrations.filter(entry_pass__in=used.values("entry_pass").distinct())
        .values("day__date")
        .annotate(passes_used=Count("pk"), due_used=Count("pk", filter=due))
        .order_by()
    )
    for row in rows:
        day_row(row["day__date"]).passes_used += row["passes_used"]
        figures.passes_used += row["passes_used"]
        due_used += row["due_used"]
    figures.no_show_rate = round((due_total - due_used) / due_total, 4) if due_total else 0.0
    figures.by_organisation_type = list(types.values())

    dates = (
        registrations.filter(status__in=IN_FIGURES)
        .annotate(date=TruncDate("created_at", tzinfo=_tz()))
        .values("date")
        .annotate(n=Count("pk"))
        .order_by("date")
    )
    running = 0
    for row in dates:
        running += row["n"]
        figures.registrations_over_time.append(RegistrationDate(row["date"], row["n"], running))

    figures.by_question = _questions(event, registrations.filter(status__in=IN_FIGURES))
    _books(event, figures)
    figures.by_session = session_figures(event, day=day, now=now)

    figures.visits = figures.admitted + figures.walk_ins
    for row in [*by_day.values(), *gates.values(), *hours.values(), *day_hours.values()]:
        row.visits = row.admitted + row.walk_ins
    figures.by_day = sorted(by_day.values(), key=lambda d: d.date)
    figures.by_gate = list(gates.values())
    opening, closing = event.opening_time.hour, event.closing_time.hour + (event.closing_time.minute > 0)
    for hour in range(opening, closing):
        hour_row(hour)
    figures.by_hour = sorted(hours.values(), key=lambda h: h.hour)
    for row in figures.by_day:
        row.by_hour = [day_hours.get((row.date, h.hour)) or HourFigures(hour=h.hour) for h in figures.by_hour]
    return figures


def _questions(event: EventPage, registrations) -> list[QuestionFigures]:
    """Each choice question's counts, one grouped query per question: the rows are the distinct
    answers (a handful, or a few combinations of several choices), never the registrations."""
    result = []
    for question in event.questions.filter(kind__in=ANSWER_CHOICE_KINDS):
        yes_no = question.kind == QuestionKind.YES_NO
        # Yes/no as "yes"/"no": the figures are cached across languages; the report words them.
        choices = ["yes", "no"] if yes_no else question.choice_list
        counts = dict.fromkeys(choices, 0)
        figures = QuestionFigures(question_id=question.pk, label=question.label, kind=question.kind)
        rows = (
            registrations.annotate(answer=AnswerJson(question.key))
            .filter(answer__isnull=False)
            .values("answer")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            figures.answered += row["n"]
            for choice in _picked(json.loads(row["answer"]), yes_no):
                # A choice renamed or removed since keeps its count, under its old words.
                counts[choice] = counts.get(choice, 0) + row["n"]
        figures.choices = [ChoiceCount(choice, n) for choice, n in counts.items()]
        result.append(figures)
    return result


def _picked(answer, yes_no: bool) -> list[str]:
    """The choices in one stored answer."""
    if yes_no:
        return ["yes" if answer is True else "no"]
    return [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]


def session_figures(event: EventPage, *, day: dt.date | None, now: dt.datetime) -> list[SessionFigures]:
    """Booked, attended and no-show people per session with places, from three grouped queries.

    Attended: people let in at the door (booked or walk-ins, SessionAdmission.objects.admitted()).
    No-show: people of bookings still booked whose pass was never let in, counted only once the
    session has started.
    """
    sessions = ProgrammeItem.objects.filter(page=event, places__isnull=False).order_by(
        "date", "start_time", "pk"
    )
    if day:
        sessions = sessions.filter(date=day)
    rows = {
        s.pk: SessionFigures(s.pk, s.title, s.kind, s.date, f"{s.start_time:%H:%M}", s.places)
        for s in sessions
    }
    if not rows:
        return []
    booked = SessionBooking.objects.booked().filter(session_id__in=rows)
    for row in booked.values("session_id").annotate(n=Sum("people")).order_by():
        rows[row["session_id"]].booked = row["n"]
    admitted = SessionAdmission.objects.admitted().filter(session_id__in=rows)
    for row in admitted.values("session_id").annotate(n=Sum("admitted")).order_by():
        rows[row["session_id"]].attended = row["n"]
    came = admitted.filter(session_id=OuterRef("session_id"), entry_pass_id=OuterRef("entry_pass_id"))
    started = [s.pk for s in sessions if s.starts_at <= now]
    missing = booked.filter(session_id__in=started).exclude(Exists(came))
    for row in missing.values("session_id").annotate(n=Sum("people")).order_by():
        rows[row["session_id"]].no_show = row["n"]
    return list(rows.values())


def _books(event: EventPage, figures: EventFigures) -> None:
    listings = listings_on_display(event)
    totals = listings.aggregate(**book_totals())
    figures.titles = totals["isbn_titles"] + totals["sku_titles"]
    figures.copies, figures.copies_sold = totals["copies"], totals["copies_sold"]
    shown = Q(listings__copies__gt=0)
    exhibitors = (
        Exhibitor.objects.for_event(event)
        .values("publisher_id", "publisher__name", "publisher__kind", "booths")
        .annotate(
            titles=Count("listings", filter=shown),
            copies=Sum("listings__copies", filter=shown, default=0),
            copies_sold=Sum("listings__copies_sold", filter=shown, default=0),
        )
        .order_by("-copies", "publisher__name")
    )
    figures.by_publisher = [
        PublisherFigures(
            publisher_id=row["publisher_id"],
            name=row["publisher__name"],
            kind=row["publisher__kind"],
            booths=row["booths"],
            titles=row["titles"],
            copies=row["copies"],
            copies_sold=row["copies_sold"],
        )
        for row in exhibitors
    ]
    figures.exhibitors = len(figures.by_publisher)
    categories = (
        listings.values("title__category_id", "title__category__name")
        .annotate(**book_totals())
        .order_by("-copies", "title__category__name")
    )
    figures.by_category = [
        CategoryFigures(
            category_id=row["title__category_id"],
            name=row["title__category__name"] or str(_("No category")),
            titles=row["isbn_titles"] + row["sku_titles"],
            copies=row["copies"],
            copies_sold=row["copies_sold"],
        )
        for row in categories
    ]


# --- cached reads for live surfaces ----------------------------------------------------------


def cached_figures(event: EventPage, *, day: dt.date | None = None) -> EventFigures:
    """``event_figures`` at most STATS_CACHE_SECONDS old, computed by one request at a time.

    The figures are kept longer than they are fresh: when they are stale, the first request
    to take a short lock recomputes them while the others keep answering with the old ones,
    so an endpoint polled by many dashboards never computes the same aggregates in parallel.

    Freshness is a second key that expires after STATS_CACHE_SECONDS, so the cache's own
    clock (Redis's, shared by every app server behind the load balancer) decides when the
    figures are stale; an age measured by each server's clock would be wrong on the others
    (time.monotonic() counts from each machine's boot). Both keys are read in one round trip.
    """
    key = f"stats:figures:{event.pk}:{day or 'all'}"
    fresh_key = key + ":fresh"
    entries = cache.get_many([key, fresh_key])
    figures = entries.get(key)
    if figures is not None and (fresh_key in entries or not cache.add(key + ":lock", 1, 30)):
        return figures
    figures = event_figures(event, day=day)
    cache.set(key, figures, STATS_CACHE_SECONDS * 20)
    cache.set(fresh_key, True, STATS_CACHE_SECONDS)
    cache.delete(key + ":lock")
    return figures
