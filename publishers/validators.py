"""Input rules shared by the application form, the portal, spreadsheet import and the admin.

The field's standard libraries decide validity (python-stdnum for ISBN and tax codes); these
functions only add the translated messages and the normal form the database keeps.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from bookday.text import fold


def normalize_isbn(value: str) -> str:
    """ "978-604-2-12345-6", "604 2 12345 X" (ISBN-10) -> "9786042123456" (ISBN-13, digits only)."""
    raw = str(value or "").strip()
    try:
        compact = stdnum_isbn.validate(raw)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The ISBN check digit is wrong: check the number."), code="isbn_checksum"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Enter an ISBN of 10 or 13 digits, for example 978-604-2-12345-6."), code="isbn_invalid"
        ) from exc
    return stdnum_isbn.to_isbn13(compact)


def format_isbn(value: str) -> str:
    """ "9786042123456" -> "978-604-2-12345-6" where the ranges are known; unchanged otherwise."""
    if not value:
        return ""
    try:
        return stdnum_isbn.format(value)
    except StdnumError:
        return value


def isbn_search_form(value: str) -> str | None:
    """The ISBN-13 a search box text stands for ("604212345X", "978-604-..."), or None."""
    compact = re.sub(r"[\s\-]", "", str(value or "")).upper()
    if not re.fullmatch(r"\d{9}[\dX]|\d{13}", compact):
        return None
    try:
        return normalize_isbn(compact)
    except ValidationError:
        return None


def normalize_tax_code(value: str) -> str:
    """Vietnamese tax code (mã số thuế): 10 digits, or 13 for a branch ("0100109106-001")."""
    try:
        return mst.validate(str(value or "").strip())
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This tax code's check digit is wrong: check the number on your business registration."),
            code="tax_code_checksum",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Enter a Vietnamese tax code of 10 digits, or 13 for a branch (for example 0100109106-001)."),
            code="tax_code_invalid",
        ) from exc


def format_tax_code(value: str) -> str:
    return mst.format(value) if value else ""


# Landlines (0 + area code, 10 digits since 2017) and mobiles, with or without +84.
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")


def normalize_vn_phone(value: str) -> str:
    """ "024 3943 4730", "0912 345 678", "+84 912 345 678" -> "+842439434730", "+84912345678"."""
    compact = re.sub(r"[\s.\-()]", "", str(value or ""))
    match = _PHONE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a Vietnamese phone number, for example 024 3943 4730 or 0912 345 678."),
            code="invalid_phone",
        )
    return "+84" + match.group(1)


_PRICE_JUNK = re.compile(r"(vnđ|vnd|đồng|dong|đ|d|₫|\s)", re.IGNORECASE)


def parse_vnd(value) -> int | None:
    """A price as people write it in Vietnam: "85.000đ", "85,000 VNĐ", "85000", 85000.0 -> 85000.

    Dots and commas are thousands separators (VND has no minor unit); a decimal part of zeros
    ("85000.00", as spreadsheets export numbers) is accepted. Empty -> None.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Enter a price in đồng, for example 85.000đ."), code="price_invalid")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _PRICE_JUNK.sub("", str(value))
        if not text:
            return None
        decimals = re.fullmatch(r"(\d+)[.,]0{1,2}", text)  # "85000.00": exported with decimals
        if decimals:
            text = decimals.group(1)
        if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", text):
            raise ValidationError(_("Enter a price in đồng, for example 85.000đ."), code="price_invalid")
        number = Decimal(re.sub(r"[.,]", "", text))
    try:
        if number < 0 or number != number.to_integral_value():
            raise ValidationError(_("Enter a price in đồng, for example 85.000đ."), code="price_invalid")
    except InvalidOperation as exc:
        raise ValidationError(_("Enter a price in đồng, for example 85.000đ."), code="price_invalid") from exc
    if number > 1_000_000_000:
        raise ValidationError(_("This price is too high: enter it in đồng."), code="price_too_high")
    return int(number)


def header_key(value) -> str:
    """A spreadsheet header folded for matching: "Tên sách " / "TEN SACH" / "tên  sách" -> "ten sach"."""
    return " ".join(fold(str(value or "")).replace("_", " ").split())
