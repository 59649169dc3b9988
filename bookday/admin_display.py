"""How the admin's detail pages and list cells show values: local time, no "None", money and
language names as people write them."""

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from home.templatetags.bookday import vnd

EMPTY = "—"
MONEY_SUFFIXES = ("price", "amount", "fee")


def local_datetime(value: dt.datetime | None) -> str:
    """ "14:05 03/12/2026" in Asia/Ho_Chi_Minh, whatever the database returned."""
    if value is None:
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


def language_name(code: str) -> str:
    """ "vi" -> "Tiếng Việt": the language's own name, as the language menu shows it."""
    return dict(settings.LANGUAGES).get(code, code) if code else EMPTY


def display(value, field_name: str = ""):
    """One value on a detail page."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return local_datetime(value)
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if field_name == "language":
        return language_name(value)
    if field_name.endswith(MONEY_SUFFIXES) and isinstance(value, int | float):
        return vnd(value)
    return value


class LocalInspectMixin:
    """For Wagtail InspectViews: its template's ``|localize`` would print datetimes in UTC
    (filters get the raw value, before the template converts it to local time) and None as
    "None"."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return display(value, field_name)
