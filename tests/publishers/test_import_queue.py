"""Issue 13: uploads are read by the task worker, throttled per publisher, and what is never
confirmed is deleted. The services: receive (request), parse (worker), stale, purge, confirm."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from publishers.enums import ImportStatus
from publishers.models import StockImport, StockListing, Title
from publishers.services.import_queue import (
    fail_stale_imports,
    purge_stale_imports,
    receive_import,
    settle_if_stale,
)
from publishers.services.importing import ImportRefused, apply_import, parse_import
from publishers.storage import private_storage
from tests.publishers import attack_files
from tests.publishers.import_helpers import ImportExhibitorFactory, book, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_only(settings):
    """The task only queued, never run: what a real queue does until a worker takes the job."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def exhibitor(event):
    return ImportExhibitorFactory(event=event)


def upload(exhibitor, data, filename="kho.xlsx"):
    return receive_import(exhibitor=exhibitor, upload=io.BytesIO(data), filename=filename)


def stored(stock_import) -> bool:
    return bool(stock_import.file) and private_storage().exists(stock_import.file.name)


def refusal(call) -> str:
    with pytest.raises(ImportRefused) as caught:
        call()
    assert caught.value.message
    return caught.value.code


# --- the request stores, the worker reads ------------------------------------------------------


def test_the_upload_only_stores_the_file_and_the_worker_reads_it(queue_only, exhibitor):
    received = upload(exhibitor, xlsx([book(1), book(2, **{"Tên sách": None})]))

    assert received.status == ImportStatus.QUEUED and stored(received)
    assert received.rows_total == 0 and "rows" not in received.report

    parsed = parse_import(stock_import_id=received.pk)

    assert parsed.status == ImportStatus.PREVIEWED
    assert (parsed.rows_total, parsed.created_count, parsed.refused_count) == (2, 1, 1)
    assert (parsed.progress_done, parsed.progress_total) == (2, 2)
    # Read: the uploaded file is deleted at once, the preview holds what is needed.
    assert len(parsed.staged_rows) == 2 and not parsed.file
    assert not private_storage().exists(received.file.name)
    assert not Title.objects.exists()
    # A second run of the same job (a queue's retry) does nothing.
    assert parse_import(stock_import_id=received.pk) is None


def test_with_the_immediate_backend_the_preview_is_ready_at_once(exhibitor):
    received = upload(exhibitor, xlsx([book(1)]))
    received.refresh_from_db()
    assert received.status == ImportStatus.PREVIEWED and received.created_count == 1


@pytest.mark.parametrize(
    ("attack", "code"),
    [
        (attack_files.far_column, "too_many_columns"),
        (lambda: attack_files.blank_rows(150_000), "too_many_blank_rows"),
        (lambda: attack_files.shared_strings(2_000_000), "too_large_unpacked"),
        (lambda: b"%PDF-1.4 \x00\x01", "not_spreadsheet"),
    ],
)
def test_an_attack_file_is_refused_by_the_worker_and_its_file_deleted(queue_only, exhibitor, attack, code):
    received = upload(exhibitor, attack())
    name = received.file.name
    assert received.status == ImportStatus.QUEUED

    failed = parse_import(stock_import_id=received.pk)

    assert failed.status == ImportStatus.FAILED
    assert failed.report["refused"]["code"] == code
    assert not failed.file and not private_storage().exists(name)
    assert not failed.staged_rows


def test_a_file_over_the_size_limit_is_refused_in_the_request_without_storing_it(exhibitor, settings):
    settings.STOCK_IMPORT_MAX_BYTES = 1000
    assert refusal(lambda: upload(exhibitor, b"x" * 1001, "kho.csv")) == "too_large"
    failed = StockImport.objects.get()
    assert failed.status == ImportStatus.FAILED and not failed.file


def test_a_queue_that_cannot_be_reached_fails_the_import_and_deletes_its_file(queue_only, exhibitor):
    folder = f"publishers/imports/{exhibitor.publisher_id}"
    before = set(private_storage().listdir(folder)[1]) if private_storage().exists(folder) else set()
    queue = mock.Mock(**{"enqueue.side_effect": ConnectionError("redis down")})
    with mock.patch("publishers.services.import_queue.parse_stock_import", queue):
        assert refusal(lambda: upload(exhibitor, xlsx([book(1)]))) == "parse_failed"
    failed = StockImport.objects.get()
    assert failed.status == ImportStatus.FAILED and not failed.file
    assert set(private_storage().listdir(folder)[1]) <= before  # the stored file was deleted


# --- throttle: per publisher, one at a time per exhibitor ----------------------------------------


def test_one_file_at_a_time_per_exhibitor(queue_only, exhibitor, event_index):
    from tests.factories import EventPageFactory

    upload(exhibitor, xlsx([book(1)]))

    assert refusal(lambda: upload(exhibitor, xlsx([book(2)]))) == "busy"
    assert StockImport.objects.count() == 1  # nothing stored
    # The same publisher at another fair is another exhibitor: not held up.
    other = ImportExhibitorFactory(publisher=exhibitor.publisher, event=EventPageFactory(parent=event_index))
    assert upload(other, xlsx([book(3)])).status == ImportStatus.QUEUED


def test_at_most_n_uploads_per_publisher_in_the_window(exhibitor, settings, clock):
    settings.STOCK_IMPORT_UPLOADS_PER_WINDOW = 2
    settings.STOCK_IMPORT_UPLOAD_WINDOW = 600
    clock.move_to(timezone.now().replace(minute=0, second=1))  # the start of a window
    upload(exhibitor, xlsx([book(1)]))
    upload(exhibitor, xlsx([book(2)]))

    with pytest.raises(ImportRefused) as caught:
        upload(exhibitor, xlsx([book(3)]))

    assert caught.value.code == "throttled"
    assert "2" in caught.value.message and "10" in caught.value.message
    assert StockImport.objects.count() == 2  # nothing stored
    clock.tick(dt.timedelta(minutes=10))
    assert upload(exhibitor, xlsx([book(3)])).status == ImportStatus.PREVIEWED


# --- a worker killed mid-parse ------------------------------------------------------------------


def test_an_import_with_no_progress_for_too_long_fails_and_frees_the_exhibitor(
    queue_only, exhibitor, settings, clock
):
    settings.STOCK_IMPORT_STALE_SECONDS = 300
    received = upload(exhibitor, xlsx([book(1)]))
    # The worker took it, then was killed: no more progress.
    StockImport.objects.filter(pk=received.pk).update(status=ImportStatus.PARSING)
    clock.tick(dt.timedelta(seconds=299))
    assert settle_if_stale(stock_import=received).status == ImportStatus.PARSING

    clock.tick(dt.timedelta(seconds=2))
    settled = settle_if_stale(stock_import=received)

    assert settled.status == ImportStatus.FAILED
    assert settled.report["refused"]["code"] == "interrupted"
    assert not settled.file
    # A worker that wakes up now finds it settled and writes nothing.
    StockImport.objects.filter(pk=received.pk).update(status=ImportStatus.FAILED)
    assert parse_import(stock_import_id=received.pk) is None
    # And the exhibitor may upload again.
    assert upload(exhibitor, xlsx([book(2)])).status == ImportStatus.QUEUED


def test_a_worker_whose_import_was_given_up_stops_reading(queue_only, exhibitor):
    received = upload(exhibitor, xlsx([book(n) for n in range(1, 2500)]))

    from publishers.services import importing

    real_read = importing.read_sheet

    def read(data, **kwargs):
        StockImport.objects.filter(pk=received.pk).update(status=ImportStatus.FAILED)
        return real_read(data, **kwargs)  # its first progress report finds the import settled

    with mock.patch.object(importing, "read_sheet", side_effect=read):
        assert parse_import(stock_import_id=received.pk) is None
    received.refresh_from_db()
    assert received.status == ImportStatus.FAILED and received.rows_total == 0


def test_a_queued_import_never_taken_fails_after_the_bounded_time(queue_only, exhibitor, clock):
    upload(exhibitor, xlsx([book(1)]))
    assert fail_stale_imports() == 0
    clock.tick(dt.timedelta(minutes=6))
    assert fail_stale_imports() == 1
    assert StockImport.objects.get().status == ImportStatus.FAILED


# --- confirming: from the judged rows, never parsing again ----------------------------------------


def test_confirming_does_not_read_the_file_again(exhibitor):
    staged = upload(exhibitor, xlsx([book(1), book(2)]))
    with mock.patch("publishers.services.importing.read_sheet", side_effect=AssertionError("parsed again")):
        applied = apply_import(stock_import=staged)
    assert applied.status == ImportStatus.APPLIED and Title.objects.count() == 2
    assert applied.staged_rows == []


def test_a_category_survives_the_stored_rows(exhibitor):
    staged = upload(exhibitor, xlsx([book(1, **{"Thể loại": "Thiếu nhi"})]))
    apply_import(stock_import=staged)
    assert Title.objects.get().category.name == "Thiếu nhi"


def test_the_refused_rows_come_back_without_the_file_before_and_after_confirming(queue_only, exhibitor):
    from openpyxl import load_workbook

    from publishers.services.importing import refused_rows_xlsx

    received = upload(exhibitor, xlsx([book(1), book(2, **{"Số lượng": "nhiều"})]))
    parsed = parse_import(stock_import_id=received.pk)
    assert not private_storage().exists(received.file.name)

    for stock_import in (parsed, apply_import(stock_import=parsed)):
        rows = list(load_workbook(io.BytesIO(refused_rows_xlsx(stock_import=stock_import))).active.values)
        assert rows[1][:2] == (book(2)[0], "Đường về nhà tập 2") and rows[1][8] == "nhiều"
        assert len(rows) == 2


# --- files never confirmed are deleted ------------------------------------------------------------


def later(hours):
    return timezone.now() + dt.timedelta(hours=hours)


def test_a_preview_not_confirmed_in_a_day_expires(exhibitor):
    staged = upload(exhibitor, xlsx([book(1)]))

    assert purge_stale_imports(now=later(23)).expired == 0

    purged = purge_stale_imports(now=later(25))

    assert purged.expired == 1
    staged.refresh_from_db()
    assert staged.status == ImportStatus.EXPIRED and staged.staged_rows == []
    with pytest.raises(ImportRefused) as caught:
        apply_import(stock_import=staged)
    assert caught.value.code == "expired" and "24" in caught.value.message
    assert not StockListing.objects.exists()


def test_a_file_still_stored_after_a_day_is_deleted(exhibitor):
    """The command's imports keep their file (and imports staged before files were deleted once
    read): the purge deletes it after a day."""
    from publishers.services.importing import import_file

    import_file(exhibitor=exhibitor, path_or_file=io.BytesIO(xlsx([book(1)])), filename="kho.xlsx")
    record = StockImport.objects.get()
    name = record.file.name
    assert private_storage().exists(name)

    assert purge_stale_imports(now=later(23)).files == 0
    assert purge_stale_imports(now=later(25)).files == 1

    assert not private_storage().exists(name)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and not record.file


def test_the_command_dry_run_changes_nothing(exhibitor, clock, capsys):
    staged = upload(exhibitor, xlsx([book(1)]))
    clock.tick(dt.timedelta(hours=25))

    call_command("purge_stale_imports", "--dry-run")

    assert "1 preview(s) expired" in capsys.readouterr().out
    staged.refresh_from_db()
    assert staged.status == ImportStatus.PREVIEWED and staged.staged_rows

    call_command("purge_stale_imports")

    staged.refresh_from_db()
    assert staged.status == ImportStatus.EXPIRED and not staged.staged_rows


def test_the_worker_purges_after_each_upload(exhibitor, clock):
    old = upload(exhibitor, xlsx([book(1)]))
    clock.tick(dt.timedelta(hours=25))
    upload(exhibitor, xlsx([book(2)]))  # the immediate backend runs the task, purge included
    old.refresh_from_db()
    assert old.status == ImportStatus.EXPIRED
