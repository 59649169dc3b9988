"""The one exception for a stock file, or an import, that cannot be used at all.

Apart from spreadsheet.py so that the bounded inspection of a file (spreadsheet_limits.py) can
raise it too; spreadsheet.py and importing.py export it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError


class ImportRefused(ServiceError):
    """A file, or an import, that cannot be used at all."""

    messages = {
        "empty": _("The file is empty: it has no rows of books."),
        "too_large": _("The file is larger than %(limit)s MB. Split it into smaller files."),
        "too_large_unpacked": _(
            "This file unpacks to far more data than a list of books needs. Copy the list into a "
            "new workbook, without images or other sheets, and upload that."
        ),
        "too_many_rows": _(
            "The file has more than %(limit)s rows of books, more than the portal takes at once. "
            "Split it into files of at most %(limit)s rows, or send it to the organisers, who can "
            "import it in one go."
        ),
        "too_many_blank_rows": _(
            "The sheet has more than %(limit)s rows, counting the blank rows between and below the "
            "books. Delete the empty rows (or copy the list into a new workbook) and upload again."
        ),
        "too_many_columns": _(
            "The sheet has something written beyond column %(limit)s; a list of books needs about "
            "15 columns. Delete the columns to the right of the list and upload again."
        ),
        "too_many_cells": _(
            "The sheet spans more than %(limit)s cells, blank ones included, far more than a list "
            "of books needs. Copy the list into a new workbook and upload that."
        ),
        "too_many_strings": _(
            "The file holds more than %(limit)s different texts, far more than a list of books "
            "needs. Copy the list into a new workbook and upload that."
        ),
        "too_slow": _(
            "Reading this file took more than %(limit)s seconds, far longer than a list of books "
            "needs. Copy the list into a new workbook, or save it as CSV UTF-8, and upload that."
        ),
        "not_spreadsheet": _(
            "This file is not a spreadsheet. Upload an Excel file (.xlsx or .xls), an OpenDocument "
            "spreadsheet (.ods) or a CSV file (.csv)."
        ),
        "encoding": _(
            "This CSV file is not in UTF-8, so Vietnamese letters would be garbled. In Excel, "
            "choose File › Save As › “CSV UTF-8 (Comma delimited)”."
        ),
        "unreadable": _("This Excel file is damaged or protected and cannot be read: %(detail)s"),
        "no_header": _(
            "No header row found in the first %(rows)s rows: the file needs at least the columns "
            "“Tên sách” (title) and “ISBN” (or “Mã sách” for books without ISBN)."
        ),
        "no_rows": _("The file has headers but no rows of books under them."),
        "already_applied": _("This import has already been applied."),
        "nothing_to_apply": _("Every row of this file was refused: there is nothing to apply."),
        "apply_failed": _("The import failed and nothing was changed. Please try again."),
        "not_found": _("This import does not exist."),
        "busy": _(
            "Your previous file for this event is still being read. Wait until its check is "
            "ready, then upload the next one."
        ),
        "throttled": _(
            "You have uploaded %(limit)s files in the last %(minutes)s minutes, the most the portal "
            "takes. Wait a few minutes, then upload again."
        ),
        "expired": _(
            "This check is more than %(hours)s hours old and has expired. Upload the file again to import it."
        ),
        "interrupted": _(
            "Reading this file was interrupted (the server was restarted or very busy). Nothing "
            "was changed. Please upload it again."
        ),
        "parse_failed": _("The file could not be read just now and nothing was changed. Please try again."),
    }


def thousands(value: int) -> str:
    """20000 -> "20.000", as the messages write numbers (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")
