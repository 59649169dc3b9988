"""Uploads handed to the task worker: receiving one in the request, and settling the imports
nobody finished.

Guarantees:
- ``receive_import`` never reads a file in the request: it stores it with a QUEUED StockImport
  and queues ``parse_stock_import`` (defined here, with what it runs). It refuses, storing nothing, while the
  exhibitor's previous file is still being read (``busy``: one parse per exhibitor at a time,
  decided under the exhibitor's row lock) and past STOCK_IMPORT_UPLOADS_PER_WINDOW uploads of
  the publisher in STOCK_IMPORT_UPLOAD_WINDOW seconds (``throttled``).
- An import in the worker's hands with no progress for STOCK_IMPORT_STALE_SECONDS (its worker
  was killed, the queue lost it) is settled as FAILED (``interrupted``) by whoever looks first:
  the progress page, the next upload, ``purge_stale_imports``. It never stays "being read".
- An uploaded file lives only until the worker has read it (importing.parse_import deletes it,
  whatever the outcome). ``purge_stale_imports`` expires the previews not confirmed within
  STOCK_IMPORT_KEEP_HOURS (their judged rows dropped) and deletes any file still stored that
  old (the command's imports, imports staged before files were deleted once read).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from bookday import ratelimit
from publishers.enums import ImportStatus
from publishers.models import IMPORT_IN_PROGRESS, Exhibitor, StockImport
from publishers.services.importing import ImportRefused, delete_file, fail_import, parse_import, queue_record

log = logging.getLogger(__name__)


def receive_import(*, exhibitor: Exhibitor, upload, filename: str, user=None) -> StockImport:
    """Store an upload and queue its reading; the import to follow on the progress page.

    Raises ImportRefused: ``busy`` and ``throttled`` (nothing stored), ``too_large`` (recorded as
    a failed import without the file), ``parse_failed`` when the queue cannot be reached (the
    import failed, its file deleted).
    """
    fail_stale_imports(exhibitor=exhibitor)
    with transaction.atomic():
        # Two uploads at once for one exhibitor: the second waits here, then sees the first.
        list(Exhibitor.objects.select_for_update().filter(pk=exhibitor.pk).values_list("pk"))
        if StockImport.objects.filter(exhibitor=exhibitor).running(timezone.now()).exists():
            raise ImportRefused("busy")
        window = settings.STOCK_IMPORT_UPLOAD_WINDOW
        limit = settings.STOCK_IMPORT_UPLOADS_PER_WINDOW
        if not ratelimit.allow(f"stock-import:{exhibitor.publisher_id}", limit, window):
            raise ImportRefused("throttled", limit=limit, minutes=max(1, window // 60))
        try:
            stock_import = queue_record(exhibitor=exhibitor, upload=upload, filename=filename, user=user)
        except ImportRefused as refusal:
            refused = refusal  # too large: its failed record is kept (the block still commits)
        else:
            refused = None
    if refused is not None:
        raise refused
    _enqueue(stock_import)
    stock_import.refresh_from_db()  # read already, with the immediate backend
    return stock_import


def _enqueue(stock_import: StockImport) -> None:
    """Queue the reading, in the uploader's language (the report's reasons are written in it).

    After the record is committed (views run outside a transaction), so the worker finds it.
    With the immediate backend (dev, demo, tests) the file is read here, before the redirect.
    """
    try:
        parse_stock_import.enqueue(stock_import.pk, translation.get_language() or settings.LANGUAGE_CODE)
    except Exception as error:  # the queue (e.g. Redis) is unreachable
        log.warning("Could not queue stock import %s: %s", stock_import.pk, error)
        fail_import(
            stock_import=stock_import, refusal=ImportRefused("parse_failed"), only_from=IMPORT_IN_PROGRESS
        )
        raise ImportRefused("parse_failed") from error


def fail_stale_imports(*, exhibitor: Exhibitor | None = None, now: dt.datetime | None = None) -> int:
    """Settle the stale imports (of one exhibitor, or all) as FAILED ``interrupted``, their files
    deleted; how many. A worker that wakes up later finds the import settled and stops."""
    stale = StockImport.objects.stale(now or timezone.now())
    if exhibitor is not None:
        stale = stale.filter(exhibitor=exhibitor)
    count = 0
    for stock_import in stale:
        refusal = ImportRefused("interrupted")
        if fail_import(stock_import=stock_import, refusal=refusal, only_from=IMPORT_IN_PROGRESS):
            count += 1
    return count


def settle_if_stale(*, stock_import: StockImport) -> StockImport:
    """The import as it is now, settled as ``interrupted`` first if it went stale."""
    if stock_import.status in IMPORT_IN_PROGRESS:
        if StockImport.objects.stale(timezone.now()).filter(pk=stock_import.pk).exists():
            fail_import(
                stock_import=stock_import, refusal=ImportRefused("interrupted"), only_from=IMPORT_IN_PROGRESS
            )
        stock_import.refresh_from_db()
    return stock_import


@dataclass
class Purged:
    interrupted: int = 0  # in progress with no sign of life: failed
    expired: int = 0  # previews nobody confirmed in time
    files: int = 0  # stored files deleted (the expired previews' included)


def purge_stale_imports(*, now: dt.datetime | None = None, dry_run: bool = False) -> Purged:
    """Settle stale imports, expire previews older than STOCK_IMPORT_KEEP_HOURS and delete every
    file still stored that old. ``dry_run`` counts and changes nothing."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.STOCK_IMPORT_KEEP_HOURS)
    expiring = StockImport.objects.unconfirmed_since(cutoff)
    old_files = StockImport.objects.filter(created_at__lt=cutoff).exclude(file="")
    old_files = old_files.exclude(status__in=IMPORT_IN_PROGRESS)
    if dry_run:
        return Purged(
            interrupted=StockImport.objects.stale(now).count(),
            expired=expiring.count(),
            files=old_files.count(),
        )
    purged = Purged(interrupted=fail_stale_imports(now=now))
    for stock_import in expiring:
        with transaction.atomic():
            # Only if still unconfirmed: a publisher may be confirming it at this moment.
            if (
                StockImport.objects.unconfirmed_since(cutoff)
                .filter(pk=stock_import.pk)
                .update(status=ImportStatus.EXPIRED, staged_rows=[])
            ):
                purged.expired += 1
    for stock_import in old_files.exclude(status=ImportStatus.PREVIEWED):
        purged.files += delete_file(stock_import=stock_import)
    return purged


# --- the jobs, run by the task worker --------------------------------------------------------


@task()
def parse_stock_import(stock_import_id: int, language: str) -> None:
    """Read an uploaded spreadsheet and write its preview (publishers.services.importing).

    Then tidy up after the others: the worker is the one process sure to run while people
    upload, so it also settles stale imports and deletes expired files (cheap, indexed).
    """
    with translation.override(language):
        parse_import(stock_import_id=stock_import_id)
    purge_stale_imports()


@task()
def purge_stale_imports_task() -> None:
    """`manage.py purge_stale_imports`, for a queue that schedules work."""
    purge_stale_imports()
