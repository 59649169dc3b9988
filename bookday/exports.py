"""Spreadsheet exports (CSV and XLSX) that open correctly in a Vietnamese Excel.

Every exported value goes through ``cell()``: local times (Asia/Ho_Chi_Minh, never UTC), no
"None", yes/no in the admin's language. Every admin export goes through ``ExportMixin``, which
also writes choice fields as their label ("Đã xác nhận", not ``confirmed``) and starts CSV files
with a UTF-8 byte-order mark, without which Excel reads UTF-8 as the local code page and shows
"Nguyá»…n" for "Nguyễn". A rule that applies to every cell (e.g. neutralising formulas) belongs in
``cell()``, so that it holds for the whole project.
"""

import datetime as dt
import re

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from wagtail.coreutils import multigetattr

from bookday.admin_display import language_name

CSV = "csv"
XLSX = "xlsx"
BOM = "\ufeff"
# Written as text in CSV files: Excel in a Vietnamese locale reads day/month/year.
CSV_DATETIME = "%d/%m/%Y %H:%M"
CSV_DATE = "%d/%m/%Y"


# A cell that starts like a formula is a formula to Excel and LibreOffice, in CSV files (and in
# XLSX cells written without a type): =HYPERLINK(...) can leak the row, =cmd|... can run a
# program. Prefixed with an apostrophe, it is shown as the text it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters are refused at the edge, but rows stored before that must still export:
# openpyxl refuses them (the whole download would fail).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: str) -> str:
    """Text as it may go into any spreadsheet cell: no control characters, never a formula."""
    value = CONTROL_CHARACTERS.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(value, export_format: str):
    """The value as it goes into one cell of a CSV or XLSX export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)  # the current time zone: Asia/Ho_Chi_Minh
        return value.strftime(CSV_DATETIME) if export_format == CSV else value
    if isinstance(value, dt.date):
        return value.strftime(CSV_DATE) if export_format == CSV else value
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return safe_text(", ".join(force_str(v) for v in value))
    if isinstance(value, Promise | models.Model) or not isinstance(value, str):
        return safe_text(force_str(value))
    return safe_text(value)


def display_value(item, path: str):
    """``multigetattr`` that gives a choice field's label instead of its stored value."""
    *parents, attribute = path.split(".")
    owner = item
    for parent in parents:  # a missing relation (a scan of no known pass) is an empty cell
        owner = getattr(owner, parent, None)
        if owner is None:
            return None
    display = getattr(owner, f"get_{attribute}_display", None)
    if callable(display) and isinstance(owner, models.Model):
        return display() if getattr(owner, attribute) not in (None, "") else ""
    return multigetattr(owner, attribute)


def local_phone(value: str) -> str:
    """ "+84912345678" -> "0912 345 678", "+842439400014" -> "024 3940 0014": as people dial it.
    The spaces also keep it text in Excel, which would read "+84..." or "0..." as a number and
    drop the plus or the leading zero."""
    if not value or not value.startswith("+84"):
        return value
    local = "0" + value[3:]
    if len(local) == 10:  # mobile
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    if len(local) == 11:  # landline: area code 02x, then 8 digits
        return f"{local[:3]} {local[3:7]} {local[7:]}"
    return local


# Columns shown the way people read them, whatever the model stores.
BY_NAME = {"phone": local_phone, "language": language_name}


class ExportMixin:
    """For views with Wagtail's ``SpreadsheetExportMixin`` (every ModelViewSet index view)."""

    def to_row_dict(self, item):
        return {field: display_value(item, field) for field in self.list_export}

    def preprocess_field_value(self, field, value, export_format):
        custom = self.custom_field_preprocess.get(field, {}).get(export_format)
        custom = custom or BY_NAME.get(field.rsplit(".", 1)[-1])
        return cell(custom(value) if custom and value else value, export_format)

    def stream_csv(self, queryset):
        rows = super().stream_csv(queryset)
        yield BOM.encode("utf-8") + next(rows)
        yield from rows
