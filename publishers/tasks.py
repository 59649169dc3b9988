"""Background work of the publisher portal: reading uploaded stock spreadsheets."""

from django.utils import translation
from django_tasks import task


@task()
def parse_stock_import(stock_import_id: int, language: str) -> None:
    """Read an uploaded spreadsheet and write its preview (publishers.services.importing).

    Then tidy up after the others: the worker is the one process sure to run while people
    upload, so it also settles stale imports and deletes expired files (cheap, indexed).
    """
    from publishers.services.import_queue import purge_stale_imports
    from publishers.services.importing import parse_import

    with translation.override(language):
        parse_import(stock_import_id=stock_import_id)
    purge_stale_imports()


@task()
def purge_stale_imports_task() -> None:
    """`manage.py purge_stale_imports`, for a queue that schedules work."""
    from publishers.services.import_queue import purge_stale_imports

    purge_stale_imports()
