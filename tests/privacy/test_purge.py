"""The retention period: an event's personal data erased after it, every figure unchanged."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from events.enums import QuestionKind
from events.models import CheckIn, Registration, RegistrationQuestion
from figures.report import headline_sentence, tables
from figures.stats import event_figures
from privacy.services.retention import purge
from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication, Publisher, StockImport
from tests.factories import register_visitor
from tests.figures.stats_data import build_known_event

pytestmark = pytest.mark.django_db


def figures_and_report(event, now):
    """Everything the figures page, the API and the PDF report show of ``event``.

    The only place these tests read the figures: what must stay identical after a purge."""
    figures = event_figures(event, now=now)
    report = [(t.slug, t.cells) for t in tables(figures)]
    return figures.as_dict(), report, headline_sentence(figures)


@pytest.fixture
def finished(event_index):
    """The known finished event (ended 8 days ago), kept 3 days: due for erasure."""
    known = build_known_event(event_index)
    event = known.event
    event.retention_days = 3
    event.save()
    CheckIn.objects.filter(event=event).update(device="Samsung A15 — Cổng của chị Lan")
    # The organisers' questions: a choice counted in the figures, a written answer with a name in it.
    heard = RegistrationQuestion.objects.create(
        page=event,
        kind=QuestionKind.CHOICE,
        label="Biết qua đâu?",
        choices="Facebook\nNhà trường",
        purpose="P",
    )
    note = RegistrationQuestion.objects.create(
        page=event, kind=QuestionKind.TEXT, label="Ghi chú", purpose="P"
    )
    for n, registration in enumerate(Registration.objects.filter(event=event).order_by("pk")):
        registration.answers = {
            heard.key: ["Facebook", "Nhà trường"][n % 2],
            note.key: "Gọi cô Thảo 0987654321",
        }
        registration.save(update_fields=["answers"])
    ExhibitorApplication.objects.create(
        event=event,
        organisation_name="Nhà sách Hoa Mai",
        kind="bookshop",
        tax_code="0300999999",
        contact_name="Trần Thị Bích",
        email="bich.hoamai@example.vn",
        phone="+84977111222",
        address="12 Lý Thái Tổ",
        booth_size="small",
        expected_titles=100,
        expected_copies=500,
        consent_at=timezone.now(),
        status=ApplicationStatus.REJECTED,
        contact_history=[{"at": "x", "by": "Trần Thị Bích", "changes": {"phone": ["+84977111222", "x"]}}],
    )
    publisher = Publisher.objects.create(
        name="NXB Kim Đồng",
        kind="publishing_house",
        tax_code="0100100100",
        contact_name="Lê Thu",
        email="kimdong@example.vn",
        phone="+84911000111",
    )
    exhibitor = Exhibitor.objects.create(event=event, publisher=publisher, booths="A1")
    upload = StockImport(exhibitor=exhibitor, original_filename="ton-kho.xlsx")
    upload.file.save("ton-kho.xlsx", ContentFile(b"PK fake spreadsheet"), save=True)
    return known


def personal_values(event) -> set[str]:
    """Every name, email and phone the event holds about people, as stored and as typed."""
    values = set()
    for name, email, phone in Registration.objects.filter(event=event).values_list(
        "full_name", "email", "phone"
    ):
        values |= {name, email, phone, phone.removeprefix("+84")}  # also as typed, 0912...
    return values | {
        "Trần Thị Bích",
        "bich.hoamai@example.vn",
        "+84977111222",
        "Cổng của chị Lan",
        "0987654321",  # ASCII: SQLite stores JSON text with \u escapes
    }


def tables_containing(needle: str) -> list[str]:
    """Every table.column of the whole database whose text contains ``needle``."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name, quoted_table = connection.ops.quote_name(column.name), connection.ops.quote_name(table)
                cursor.execute(
                    f"SELECT 1 FROM {quoted_table} WHERE CAST({name} AS TEXT) LIKE %s LIMIT 1",
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column.name}")
    return found


def test_a_purge_erases_everything_personal_and_no_figure_changes(
    finished, django_capture_on_commit_callbacks
):
    event = finished.event
    now = timezone.now()
    before = figures_and_report(event, now)
    people = personal_values(event)
    assert all(tables_containing(value) for value in people)  # the search does find them first
    upload = StockImport.objects.get()
    assert upload.file.storage.exists(upload.file.name)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure is committed
        report = purge(now=now)

    assert [e.event.pk for e in report.events] == [event.pk]
    assert figures_and_report(event, now) == before  # the answers' counts too
    assert any(q.choices for q in event_figures(event, now=now).by_question)
    leftovers = {value: tables_containing(value) for value in people}
    assert {value: where for value, where in leftovers.items() if where} == {}
    assert not upload.file.storage.exists(upload.file.name)
    assert StockImport.objects.get().rows_total == upload.rows_total  # the import's record stays
    assert Registration.objects.filter(event=event, anonymised_at__isnull=True).count() == 0


def test_a_purge_is_idempotent_and_a_dry_run_changes_nothing(finished):
    event = finished.event
    snapshot = list(Registration.objects.filter(event=event).values().order_by("pk"))
    dry = purge(dry_run=True)
    assert dry.events[0].registrations == len(snapshot)
    assert dry.events[0].applications == dry.events[0].spreadsheets == 1
    assert list(Registration.objects.filter(event=event).values().order_by("pk")) == snapshot
    purge()
    after_first = list(Registration.objects.filter(event=event).values().order_by("pk"))
    again = purge()
    assert again.events == []
    assert list(Registration.objects.filter(event=event).values().order_by("pk")) == after_first


def test_an_event_within_its_period_keeps_its_data(finished, event):
    finished.event.retention_days = 90  # ended 8 days ago: kept
    finished.event.save()
    visitor = register_visitor(event).registration  # the running event
    assert purge().events == []
    visitor.refresh_from_db()
    assert visitor.full_name == "Đặng Thị Hương"
    assert Registration.objects.filter(event=finished.event, anonymised_at__isnull=False).count() == 0


def test_the_retention_period_starts_after_the_last_day(finished):
    event = finished.event
    kept_until = event.end_date + dt.timedelta(days=3)
    assert event.personal_data_until == kept_until
    last_day = timezone.make_aware(dt.datetime.combine(kept_until, dt.time(23, 0)))
    assert purge(now=last_day, dry_run=True).events == []
    assert purge(now=last_day + dt.timedelta(hours=2), dry_run=True).events


def test_the_command_says_what_it_would_do_then_does_it(finished, capsys):
    call_command("purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert "Would erase" in out and "Dry run: nothing was changed" in out
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 0
    call_command("purge_personal_data")
    assert "Erased in" in capsys.readouterr().out
    call_command("purge_personal_data")
    assert "Nothing to erase" in capsys.readouterr().out
