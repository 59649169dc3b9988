"""Spreadsheet import of an exhibitor's stock: preview, then apply; and the command's one-shot import.

Guarantees:
- An upload is stored by ``queue_record`` (the request: the file, kept where no URL serves it,
  and a QUEUED StockImport) and read by ``parse_import`` (the task worker: the bounded reader,
  the preview report and the judged rows), which writes nothing else; ``stage_import`` does
  both in one go. import_queue.py holds the request's rules (throttle, one at a time, stale and
  expired imports).
- Confirming (``apply_import``) never reads the file again: it plans from the judged rows.
- ``apply_import`` and ``import_file`` apply every good row in one transaction or nothing;
  a StockImport is applied at most once (its row is locked, so a double click cannot apply
  it twice); the publisher's row is locked too, so two imports of one publisher's titles run
  one after the other.
- Titles are matched by ISBN-13 within the publisher, else by SKU; importing the same file
  again creates nothing and reports every row as unchanged. Columns missing from the file
  leave the stored values alone; an ISBN or SKU is never cleared by an import.
- The database is read in a fixed number of queries, whatever the number of rows, and written
  in batches.

The report (StockImport.report, and what ``import_file`` returns) is a dict:
``counts`` (rows, create, update, unchanged, refused), ``rows`` (one entry per data row: row,
isbn, sku, title, action; for a title that exists, ``changes`` (field names) and ``diff``
({field, old, new} per changed field) and ``warnings`` (an ISBN whose title or authors change);
for a refused row code, params and reason of its first error and ``errors``, all of them),
``columns`` (field -> header as written), ``ignored_columns``, ``new_categories``, ``sheet``,
``header_row``, ``kind`` and ``filename``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from publishers.enums import ImportAction, ImportStatus
from publishers.models import Category, Exhibitor, Publisher, StockImport, StockListing, Title
from publishers.services.bulk import bulk_insert, bulk_update
from publishers.services.import_rows import (
    Row,
    RowRefused,
    judge_rows,
    reason_text,
    row_from_json,
    row_to_json,
)
from publishers.services.spreadsheet import ImportRefused, Sheet, read_sheet
from publishers.services.stock_export import cell_to_json, export_stock_xlsx, refused_rows_xlsx
from publishers.storage import private_storage
from publishers.validators import format_isbn

__all__ = [
    "ImportRefused",
    "apply_import",
    "delete_file",
    "export_stock_xlsx",
    "fail_import",
    "import_file",
    "parse_import",
    "queue_record",
    "reason_text",
    "refused_rows_xlsx",
    "stage_import",
]

log = logging.getLogger(__name__)

BATCH = 1000
# Spreadsheet field -> Title attribute.
TITLE_ATTRS = {
    "isbn": "isbn",
    "sku": "sku",
    "title": "title",
    "authors": "authors",
    "imprint": "imprint",
    "year": "year",
    "language": "language",
    "list_price": "list_price",
    "fair_price": "fair_price",
    "discount": "discount_percent",
    "description": "description",
}
IDENTIFIERS = ("isbn", "sku")

# progress(phase, done, total): phase is "read" (rows read; total an estimate) or "write".
ProgressCallback = Callable[[str, int, int], None]


# --- services -------------------------------------------------------------------------------


def queue_record(*, exhibitor: Exhibitor, upload, filename: str, user=None) -> StockImport:
    """Store an upload for the worker: the file (where no URL serves it) and a QUEUED StockImport.

    Reads nothing of the file but its size. Raises ImportRefused ``too_large`` for a file over
    STOCK_IMPORT_MAX_BYTES, recorded as a failed StockImport without the file.
    """
    try:
        data = _read_upload(upload, settings.STOCK_IMPORT_MAX_BYTES)
    except ImportRefused as refusal:
        _record_refusal(exhibitor=exhibitor, user=user, filename=filename, refusal=refusal)
        raise
    stock_import = StockImport(
        exhibitor=exhibitor,
        uploaded_by=user,
        original_filename=_short(filename),
        status=ImportStatus.QUEUED,
        heartbeat_at=timezone.now(),
        report={"filename": filename},
    )
    _store(stock_import, data, _extension(filename))
    stock_import.save()
    return stock_import


def parse_import(*, stock_import_id: int) -> StockImport | None:
    """The worker's half of an upload: read a QUEUED import's file with the bounded reader and
    write its preview. Changes no title or stock.

    QUEUED -> PARSING -> PREVIEWED (report, counts and the judged rows stored), or FAILED with
    the refusal's code in ``report["refused"]`` and the file deleted (nothing needs it). Progress
    (rows read of about how many) is written every thousand rows, which also keeps the import
    from being taken for stale. Runs at most once per import: a second run, or one that finds
    the import given up as stale meanwhile, writes nothing and returns None. Once previewed,
    the file is deleted: the preview holds all that confirming and the refused rows need.
    """
    now = timezone.now()
    claimed = StockImport.objects.filter(pk=stock_import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.PARSING, heartbeat_at=now, progress_done=0, progress_total=0
    )
    if not claimed:
        return None
    stock_import = StockImport.objects.select_related("exhibitor").get(pk=stock_import_id)
    parsing = StockImport.objects.filter(pk=stock_import_id, status=ImportStatus.PARSING)

    def progress(done: int, total: int) -> None:
        if not parsing.update(progress_done=done, progress_total=total, heartbeat_at=timezone.now()):
            raise _GivenUp

    try:
        with stock_import.file.open("rb") as stored:
            data = stored.read()
        sheet = read_sheet(data, max_rows=settings.STOCK_IMPORT_MAX_ROWS, progress=progress)
        rows = judge_rows(sheet)
        # Stored as judged, before planning: confirming plans again against the titles as they
        # are then, and planning may refuse a row (a SKU taken) for reasons of the moment.
        staged = [row_to_json(row) for row in rows]
        plan = _plan(stock_import.exhibitor, rows)
    except _GivenUp:
        return None
    except ImportRefused as refusal:
        return fail_import(stock_import=stock_import, refusal=refusal, only_from=ImportStatus.PARSING)
    except Exception:
        log.exception("Reading stock import %s failed", stock_import_id)
        return fail_import(
            stock_import=stock_import, refusal=ImportRefused("parse_failed"), only_from=ImportStatus.PARSING
        )
    report = _report(_sheet_meta(sheet), plan, stock_import.original_filename)
    report["refused_cells"] = _refused_cells(sheet, report)
    done = parsing.update(
        status=ImportStatus.PREVIEWED,
        staged_rows=staged,
        progress_done=len(rows),
        progress_total=len(rows),
        heartbeat_at=timezone.now(),
        **_report_fields(report),
    )
    if not done:
        return None
    # Everything the import needs is in the preview now (the judged rows, the refused rows' own
    # cells): the uploaded file is not kept a moment longer.
    delete_file(stock_import=stock_import)
    stock_import.refresh_from_db()
    return stock_import


def fail_import(*, stock_import: StockImport, refusal: ImportRefused, only_from) -> StockImport | None:
    """Settle an import that cannot be previewed: FAILED, the refusal kept (code and params, the
    message is rendered in the reader's language), the file deleted. Only from the status
    ``only_from`` (a status or a tuple of them), so a worker and a stale check never both settle
    it; None when it was no longer in that status."""
    statuses = only_from if isinstance(only_from, tuple) else (only_from,)
    report = {
        "filename": stock_import.original_filename,
        "refused": {"code": refusal.code, "params": refusal.params, "message": refusal.message},
    }
    if not StockImport.objects.filter(pk=stock_import.pk, status__in=statuses).update(
        status=ImportStatus.FAILED, report=report, staged_rows=[]
    ):
        return None
    delete_file(stock_import=stock_import)
    stock_import.refresh_from_db()
    return stock_import


def delete_file(*, stock_import: StockImport) -> bool:
    """Delete the import's stored file, if it has one; True if there was one."""
    name = StockImport.objects.filter(pk=stock_import.pk).values_list("file", flat=True).first()
    if not name:
        return False
    private_storage().delete(name)
    StockImport.objects.filter(pk=stock_import.pk).update(file="")
    stock_import.file = ""
    return True


def stage_import(*, exhibitor: Exhibitor, upload, filename: str, user=None) -> StockImport:
    """Store and read an upload in one go, in this process (the command's tests and the benchmark):
    the same records and checks as an upload parsed by the worker, without the throttle.

    Raises ImportRefused for a file that cannot be used at all: over STOCK_IMPORT_MAX_BYTES,
    over STOCK_IMPORT_MAX_ROWS data rows, empty, not a spreadsheet, not UTF-8, without a
    recognisable header row. The refused attempt is recorded as a failed StockImport (without
    the file).
    """
    stock_import = queue_record(exhibitor=exhibitor, upload=upload, filename=filename, user=user)
    parsed = parse_import(stock_import_id=stock_import.pk)
    if parsed.status == ImportStatus.FAILED:
        refused = parsed.report["refused"]
        raise ImportRefused(refused["code"], **refused["params"])
    return parsed


class _GivenUp(Exception):
    """The import was settled by someone else (given up as stale) while this worker read it."""


def _record_refusal(*, exhibitor, user, filename, refusal: ImportRefused) -> StockImport:
    return StockImport.objects.create(
        exhibitor=exhibitor,
        uploaded_by=user,
        original_filename=_short(filename),
        status=ImportStatus.FAILED,
        report={
            "filename": filename,
            "refused": {"code": refusal.code, "params": refusal.params, "message": refusal.message},
        },
    )


def apply_import(*, stock_import: StockImport) -> StockImport:
    """Apply a previewed import: every good row, in one transaction, or nothing.

    The rows judged when the file was read are planned again against the titles as they are
    now (so the applied report may differ from the preview if the stock changed meanwhile); the
    file is not read again. Once applied, the judged rows are dropped.
    Raises ImportRefused: ``already_applied`` (a second click), ``expired`` (not confirmed in
    time), ``nothing_to_apply`` (every row refused, or the file was never read),
    ``apply_failed`` (an unexpected error; the import is marked failed and may be applied again).
    """
    try:
        with transaction.atomic():
            locked = (
                # of=self: lock the import only, not the joined exhibitor and event page rows.
                StockImport.objects.select_for_update(of=("self",))
                .select_related("exhibitor__publisher", "exhibitor__event")
                .filter(pk=stock_import.pk)
                .first()
            )
            if locked is None:
                raise ImportRefused("not_found")
            if locked.status == ImportStatus.APPLIED:
                raise ImportRefused("already_applied")
            if locked.status == ImportStatus.EXPIRED:
                raise ImportRefused("expired", hours=settings.STOCK_IMPORT_KEEP_HOURS)
            if not locked.staged_rows:
                raise ImportRefused("nothing_to_apply")
            _lock_publisher(locked.exhibitor)
            plan = _plan(locked.exhibitor, [row_from_json(row) for row in locked.staged_rows])
            if not plan.good_rows:
                raise ImportRefused("nothing_to_apply")
            _write(plan)
            locked.status = ImportStatus.APPLIED
            locked.applied_at = timezone.now()
            locked.staged_rows = []
            report = _report(locked.report, plan, locked.original_filename)
            # The refused rows' spreadsheet stays available; a row refused only now (the titles
            # changed since the preview) is listed on the page but has no cells to give back.
            report["refused_cells"] = locked.report.get("refused_cells")
            _set_report(locked, report)
            locked.save()
    except ImportRefused:
        raise
    except Exception as error:
        log.exception("Stock import %s failed", stock_import.pk)
        StockImport.objects.filter(pk=stock_import.pk).exclude(status=ImportStatus.APPLIED).update(
            status=ImportStatus.FAILED
        )
        raise ImportRefused("apply_failed") from error
    delete_file(stock_import=locked)  # imports staged before the file was deleted once read
    return locked


def import_file(
    *,
    exhibitor: Exhibitor,
    path_or_file,
    filename: str | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    user=None,
) -> dict:
    """The command's import: read, check and apply a file in one go, with no row limit.

    Same checks and same report as the portal; every good row is written in one
    transaction, recorded as an applied StockImport. ``dry_run`` checks and reports only.
    Raises ImportRefused for a file that cannot be used at all.
    """
    if isinstance(path_or_file, str | Path):
        data = Path(path_or_file).read_bytes()
        filename = filename or Path(path_or_file).name
    else:
        data = path_or_file.read()
    filename = filename or "import"
    read_progress = (lambda done, total: progress("read", done, total)) if progress else None
    sheet = read_sheet(data, progress=read_progress)
    rows = judge_rows(sheet)
    with transaction.atomic():
        _lock_publisher(exhibitor)
        plan = _plan(exhibitor, rows)
        report = _report(_sheet_meta(sheet), plan, filename)
        if dry_run or not plan.good_rows:
            return report
        _write(plan, progress)
        record = StockImport(
            exhibitor=exhibitor,
            uploaded_by=user,
            original_filename=_short(filename),
            status=ImportStatus.APPLIED,
            applied_at=timezone.now(),
        )
        _set_report(record, report)
        _store(record, data, sheet.kind)
        record.save()
    return report


# --- reading the upload ---------------------------------------------------------------------


def _read_upload(upload, limit: int) -> bytes:
    """At most ``limit`` bytes of the upload; refuses a bigger one without reading it all."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise ImportRefused("too_large", limit=limit // (1024 * 1024))
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise ImportRefused("too_large", limit=limit // (1024 * 1024))
    return data


def _store(stock_import: StockImport, data: bytes, extension: str) -> None:
    # A random name: the publisher's own file name is kept apart, for display only.
    name = f"{stock_import.exhibitor.publisher_id}/{uuid.uuid4().hex}.{extension}"
    stock_import.file.save(name, ContentFile(data), save=False)


def _extension(filename: str) -> str:
    """The stored file's extension: the upload's when it is one the reader takes. The reader
    tells the kind from the content, never from this."""
    extension = Path(str(filename or "")).suffix.lower().lstrip(".")
    return extension if extension in ("xlsx", "xls", "ods", "csv") else "bin"


def _short(filename: str) -> str:
    return Path(str(filename or "")).name[-255:] or "import"


def _lock_publisher(exhibitor: Exhibitor) -> None:
    list(Publisher.objects.select_for_update().filter(pk=exhibitor.publisher_id).values_list("pk"))


# --- planning: what each row will do ----------------------------------------------------------


@dataclass
class Plan:
    exhibitor: Exhibitor
    entries: list[dict] = field(default_factory=list)
    new_titles: list[Title] = field(default_factory=list)
    changed_titles: list[Title] = field(default_factory=list)
    title_fields: set[str] = field(default_factory=set)
    new_listings: list[tuple[Title, dict]] = field(default_factory=list)  # title, listing fields
    changed_listings: list[StockListing] = field(default_factory=list)
    new_categories: dict[str, str] = field(default_factory=dict)  # slug -> name
    pending_categories: list[tuple[Title, str]] = field(default_factory=list)  # title, new slug

    @property
    def good_rows(self) -> int:
        return sum(entry["action"] != ImportAction.REFUSED for entry in self.entries)


def _plan(exhibitor: Exhibitor, rows: list[Row]) -> Plan:
    """Decide each row's action against the stored titles, in three queries."""
    plan = Plan(exhibitor)
    titles = list(Title.objects.filter(publisher_id=exhibitor.publisher_id))
    by_isbn = {title.isbn: title for title in titles if title.isbn}
    by_sku = {title.sku: title for title in titles if title.sku}
    listings = {listing.title_id: listing for listing in StockListing.objects.filter(exhibitor=exhibitor)}
    # Category names, for "old → new" in the preview: a fair has tens of categories.
    names = dict(Category.objects.values_list("pk", "name"))
    categories = {slug: pk for pk, slug in Category.objects.values_list("pk", "slug")}
    matched: dict[int, int] = {}  # title pk -> the row that matched it
    for row in rows:
        if row.refusal is None:
            try:
                action, diff = _plan_row(plan, row, by_isbn, by_sku, listings, categories, matched, names)
            except RowRefused as refusal:
                row.refuse(refusal.code, **refusal.params)
        if row.refusal is not None:
            code, params = row.refusal
            entry = _entry(row, ImportAction.REFUSED)
            entry.update(code=code, params=params, reason=reason_text(code, params))
            entry["errors"] = [
                {"code": error, "params": values, "reason": reason_text(error, values)}
                for error, values in row.errors
            ]
        else:
            entry = _entry(row, action)
            entry["changes"] = [change["field"] for change in diff]
            entry["diff"] = diff
            entry["warnings"] = _warnings(row, diff)
        plan.entries.append(entry)
    return plan


def _warnings(row: Row, diff: list[dict]) -> list[dict]:
    """An existing ISBN whose title or authors the file changes: perhaps a wrong ISBN, so the
    preview says it plainly (the import still does it: a corrected title is a real need)."""
    warnings = []
    if row.isbn:
        for change in diff:
            if change["field"] in ("title", "authors"):
                params = {
                    "isbn": format_isbn(row.isbn),
                    "old": change["old"] or "",
                    "new": change["new"] or "",
                }
                code = f"{change['field']}_changed"
                warnings.append({"code": code, "params": params, "reason": reason_text(code, params)})
    return warnings


def _entry(row: Row, action: str) -> dict:
    return {
        "row": row.number,
        "isbn": row.isbn or row.raw_isbn,
        "sku": row.sku,
        "title": row.values.get("title") or row.raw_title,
        "action": str(action),
    }


def _match(row: Row, by_isbn: dict, by_sku: dict) -> Title | None:
    title = by_isbn.get(row.isbn) if row.isbn else None
    if title is None and row.sku:
        same_sku = by_sku.get(row.sku)
        if same_sku is not None and row.isbn and same_sku.isbn:
            raise RowRefused("sku_taken", sku=row.sku, title=same_sku.title)
        title = same_sku
    if title is not None and row.sku and row.sku != title.sku:
        other = by_sku.get(row.sku)
        if other is not None and other is not title:
            raise RowRefused("sku_taken", sku=row.sku, title=other.title)
    return title


def _plan_row(plan, row, by_isbn, by_sku, listings, categories, matched, names) -> tuple[str, list[dict]]:
    """The row's action and, for an existing title, every field it changes: {field, old, new}
    with the spreadsheet's field names and values as stored (category by name)."""
    values = row.values
    title = _match(row, by_isbn, by_sku)
    if title is not None:
        if title.pk in matched:
            raise RowRefused("same_title", row=matched[title.pk], title=title.title)
        matched[title.pk] = row.number

    wanted = {attr: values[name] for name, attr in TITLE_ATTRS.items() if name in values}
    for name in IDENTIFIERS:
        if not wanted.get(name):
            wanted.pop(name, None)  # an empty cell never clears an ISBN or SKU

    def current(attr, default=None):
        return wanted[attr] if attr in wanted else getattr(title, attr, default) if title else default

    # A title keeps a fair price or a discount, not both (as in the portal): the one the
    # file gives wins; when it gives both, the fair price.
    if current("fair_price") is not None and current("discount_percent") is not None:
        if wanted.get("discount_percent") is not None and "fair_price" not in wanted:
            wanted["fair_price"] = None
        else:
            wanted["discount_percent"] = None
    fair, listed = current("fair_price"), current("list_price")
    if fair is not None and listed is not None and fair > listed:
        raise RowRefused("fair_above_list", fair=fair, list=listed)

    new_category = None
    if "category" in values:
        category = values["category"]
        if category is None:
            wanted["category_id"] = None
        elif category[0] in categories:
            wanted["category_id"] = categories[category[0]]
        else:
            new_category = category

    listing = listings.get(title.pk) if title else None
    stock = {
        "copies": values.get("copies", listing.copies if listing else 0),
        "copies_sold": values.get("sold", listing.copies_sold if listing else 0),
        "booth": values.get("booth", listing.booth if listing else ""),
    }
    if stock["copies_sold"] > stock["copies"]:
        raise RowRefused("sold_exceeds_copies", sold=stock["copies_sold"], copies=stock["copies"])

    # Decided: from here on the row is good and the objects change.
    diff: list[dict] = []
    if title is None:
        title = Title(publisher_id=plan.exhibitor.publisher_id, **wanted)
        plan.new_titles.append(title)
        action, changes = ImportAction.CREATE, []
    else:
        changes = [attr for attr, value in wanted.items() if getattr(title, attr) != value]
        for attr in changes:
            old = getattr(title, attr)
            if attr == "category_id":
                diff.append(_change(attr, names.get(old), names.get(wanted[attr])))
            else:
                diff.append(_change(attr, old, wanted[attr]))
            setattr(title, attr, wanted[attr])
        action = ImportAction.UPDATE
    if new_category is not None:
        plan.new_categories.setdefault(*new_category)
        plan.pending_categories.append((title, new_category[0]))
        if action != ImportAction.CREATE:
            changes.append("category_id")
            diff.append(_change("category_id", names.get(title.category_id), new_category[1]))
    if action != ImportAction.CREATE and changes:
        # Once per title: a file naming the same book twice has the later row refused.
        plan.changed_titles.append(title)
        plan.title_fields.update(changes)

    if listing is None:
        # A dict, not a StockListing: 20,000 model instances cost more than writing them.
        plan.new_listings.append((title, {"exhibitor_id": plan.exhibitor.pk, **stock}))
        if action != ImportAction.CREATE:
            diff.append(_change("listing", None, stock["copies"]))
    else:
        listing_changes = [attr for attr, value in stock.items() if getattr(listing, attr) != value]
        if listing_changes:
            for attr in listing_changes:
                diff.append(_change(attr, getattr(listing, attr), stock[attr]))
                setattr(listing, attr, stock[attr])
            plan.changed_listings.append(listing)
    if action == ImportAction.UPDATE and not diff:
        action = ImportAction.UNCHANGED
    return action, diff


def _change(attr: str, old, new) -> dict:
    return {"field": _FIELD_NAMES.get(attr, attr), "old": old, "new": new}


# Report names of the changed fields: the spreadsheet's names.
_FIELD_NAMES = {"discount_percent": "discount", "category_id": "category", "copies_sold": "sold"}


# --- writing ----------------------------------------------------------------------------------


def _write(plan: Plan, progress: ProgressCallback | None = None) -> None:
    """Write the plan in batches: a handful of queries per thousand rows."""
    now = timezone.now()
    total = sum(map(len, (plan.new_titles, plan.changed_titles, plan.new_listings, plan.changed_listings)))
    done = 0

    def advance(count):
        nonlocal done
        done += count
        if progress:
            progress("write", done, total)

    if plan.new_categories:
        # ignore_conflicts: another import may create the same category at the same moment.
        Category.objects.bulk_create(
            [Category(slug=slug, name=name) for slug, name in plan.new_categories.items()],
            ignore_conflicts=True,
        )
        ids = dict(Category.objects.filter(slug__in=plan.new_categories).values_list("slug", "pk"))
        for title, slug in plan.pending_categories:
            title.category_id = ids[slug]
    for title in plan.new_titles:
        title.fill_search_fields()  # bulk_create skips Title.save()
    for start in range(0, len(plan.new_titles), BATCH):
        batch = plan.new_titles[start : start + BATCH]
        bulk_insert(Title, batch)
        advance(len(batch))
    if plan.new_titles and plan.new_titles[0].pk is None:
        # Inserted without returning ids: read them back by ISBN and SKU, unique per publisher.
        saved = Title.objects.filter(publisher_id=plan.exhibitor.publisher_id).values_list(
            "pk", "isbn", "sku"
        )
        by_isbn = {isbn: pk for pk, isbn, _sku in saved if isbn}
        by_sku = {sku: pk for pk, _isbn, sku in saved if sku}
        for title in plan.new_titles:
            title.pk = by_isbn[title.isbn] if title.isbn else by_sku[title.sku]
    if plan.changed_titles:
        for title in plan.changed_titles:
            title.fill_search_fields()
            title.updated_at = now
        fields = sorted(plan.title_fields | {*Title.SEARCH_FIELDS, "updated_at"})
        for start in range(0, len(plan.changed_titles), BATCH):
            batch = plan.changed_titles[start : start + BATCH]
            bulk_update(Title, batch, fields)
            advance(len(batch))
    listings = [{**listing, "title_id": title.pk} for title, listing in plan.new_listings]
    for start in range(0, len(listings), BATCH):
        batch = listings[start : start + BATCH]
        bulk_insert(StockListing, batch)
        advance(len(batch))
    for listing in plan.changed_listings:
        listing.updated_at = now
    for start in range(0, len(plan.changed_listings), BATCH):
        batch = plan.changed_listings[start : start + BATCH]
        bulk_update(StockListing, batch, ["copies", "copies_sold", "booth", "updated_at"])
        advance(len(batch))


# --- the report -------------------------------------------------------------------------------


def _sheet_meta(sheet: Sheet) -> dict:
    """What the report keeps of the sheet (and confirming reuses, without the file)."""
    return {
        "kind": sheet.kind,
        "sheet": sheet.name,
        "header_row": sheet.header_row,
        "columns": sheet.headers,
        "ignored_columns": sheet.ignored,
    }


def _report(meta: dict, plan: Plan, filename: str) -> dict:
    counts = {"rows": len(plan.entries), **{action.value: 0 for action in ImportAction}}
    for entry in plan.entries:
        counts[entry["action"]] += 1
    return {
        "filename": filename,
        **{key: meta.get(key) for key in ("kind", "sheet", "header_row", "columns", "ignored_columns")},
        "new_categories": sorted(plan.new_categories.values()),
        "counts": counts,
        "rows": plan.entries,
    }


def _refused_cells(sheet: Sheet, report: dict) -> dict:
    """The refused rows as the file has them (its read columns, in its order, under its headers):
    what the refused rows' spreadsheet gives back to fix, without keeping the file."""
    refused = {entry["row"] for entry in report["rows"] if entry["action"] == ImportAction.REFUSED}
    columns = sorted(sheet.columns.items(), key=lambda item: item[1])  # (field, index), file order
    return {
        "sheet": sheet.name,
        "columns": [[name, sheet.headers[name]] for name, _index in columns],
        "rows": {
            str(number): [
                cell_to_json(values[index] if index < len(values) else None) for _name, index in columns
            ]
            for number, values in sheet.rows
            if number in refused
        },
    }


def _report_fields(report: dict) -> dict:
    counts = report["counts"]
    return {
        "report": report,
        "rows_total": counts["rows"],
        "created_count": counts[ImportAction.CREATE],
        "updated_count": counts[ImportAction.UPDATE],
        "unchanged_count": counts[ImportAction.UNCHANGED],
        "refused_count": counts[ImportAction.REFUSED],
    }


def _set_report(stock_import: StockImport, report: dict) -> None:
    for name, value in _report_fields(report).items():
        setattr(stock_import, name, value)
