"""manage.py import_stock: the same import from the command line, with a progress bar and the row report."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from publishers.enums import ImportStatus
from publishers.models import StockImport, StockListing, Title
from tests.publishers.import_helpers import (
    ImportExhibitorFactory,
    ImportPublisherFactory,
    book,
    csv_bytes,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exhibitor(event):
    return ImportExhibitorFactory(event=event)


def run(exhibitor, path, *extra, event=None):
    out = io.StringIO()
    call_command(
        "import_stock",
        str(path),
        "--publisher",
        exhibitor.publisher.slug,
        "--event",
        str(event or exhibitor.event.pk),
        "--language",
        "en",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_imports_with_a_progress_bar_and_the_row_report(exhibitor, tmp_path):
    path = tmp_path / "kho.xlsx"
    path.write_bytes(xlsx([book(1), book(2, **{"Số lượng": "mười"}), book(3)], above=[["Danh mục sách"]]))

    output = run(exhibitor, path)

    assert "Reading [" in output and "Writing [" in output
    assert "row 4: " in output and "“mười” is not a number of copies" in output
    assert "3 rows: 2 new, 0 updated, 0 unchanged, 1 refused." in output
    assert Title.objects.count() == 2
    record = StockImport.objects.get()
    assert (record.status, record.created_count, record.original_filename) == (
        ImportStatus.APPLIED,
        2,
        "kho.xlsx",
    )


def test_running_it_again_changes_nothing(exhibitor, tmp_path):
    path = tmp_path / "kho.csv"
    path.write_bytes(csv_bytes([book(1), book(2)], bom=True, delimiter=";"))
    run(exhibitor, path)
    output = run(exhibitor, path)
    assert "2 rows: 0 new, 0 updated, 2 unchanged, 0 refused." in output
    assert Title.objects.count() == 2 and StockListing.objects.count() == 2


def test_the_event_may_be_named_by_its_slug(exhibitor, tmp_path):
    path = tmp_path / "kho.xlsx"
    path.write_bytes(xlsx([book(1)]))
    run(exhibitor, path, event=exhibitor.event.slug)
    assert Title.objects.count() == 1


def test_dry_run_writes_nothing(exhibitor, tmp_path):
    path = tmp_path / "kho.xlsx"
    path.write_bytes(xlsx([book(1), book(2)]))
    output = run(exhibitor, path, "--dry-run")
    assert "2 rows: 2 new" in output and "Dry run: nothing was written." in output
    assert Title.objects.count() == 0 and StockImport.objects.count() == 0


def test_no_row_limit_on_the_command_line(exhibitor, tmp_path, settings):
    settings.STOCK_IMPORT_MAX_ROWS = 10
    path = tmp_path / "kho.xlsx"
    path.write_bytes(xlsx([book(n) for n in range(1, 31)]))
    assert "30 rows: 30 new" in run(exhibitor, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a spreadsheet", "not a spreadsheet"),
        (b"", "empty"),
        ("ISBN,Title\n9786041012346,Caf\u00e9\n".encode("cp1252"), "UTF-8"),
    ],
    ids=["pdf", "empty", "not-utf8"],
)
def test_a_refused_file_fails_the_command(exhibitor, tmp_path, content, message):
    path = tmp_path / "kho.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(exhibitor, path)
    assert Title.objects.count() == 0


def test_every_row_refused_fails_the_command(exhibitor, tmp_path):
    path = tmp_path / "kho.xlsx"
    path.write_bytes(xlsx([book(1, ISBN="123")]))
    with pytest.raises(CommandError, match="nothing was written"):
        run(exhibitor, path)


def test_a_missing_file_is_a_clear_error(exhibitor, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(exhibitor, tmp_path / "khong-co.xlsx")


def test_the_publisher_must_exhibit_at_the_event(event, tmp_path):
    path = tmp_path / "kho.xlsx"
    path.write_bytes(xlsx([book(1)]))
    publisher = ImportPublisherFactory()
    stranger = ImportExhibitorFactory.build(publisher=publisher, event=event)  # not saved: not approved
    with pytest.raises(CommandError, match="is not an exhibitor"):
        run(stranger, path)
    with pytest.raises(CommandError, match="No publisher"):
        call_command(
            "import_stock", str(path), "--publisher", "khong-co", "--event", str(event.pk), "--language", "en"
        )
    with pytest.raises(CommandError, match="No event"):
        call_command(
            "import_stock", str(path), "--publisher", publisher.slug, "--event", "99999", "--language", "en"
        )


def test_the_exit_code_is_non_zero_when_refused(exhibitor, tmp_path):
    path = tmp_path / "kho.csv"
    path.write_bytes(b"")
    argv = ["manage.py", "import_stock", str(path), "--publisher", exhibitor.publisher.slug]
    with pytest.raises(SystemExit) as exited:
        ManagementUtility([*argv, "--event", str(exhibitor.event.pk)]).execute()
    assert exited.value.code == 1
