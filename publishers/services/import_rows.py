"""Judging the rows of a stock spreadsheet: each becomes clean values, or a refusal with a reason.

No database here either. The rules match the portal's own form (publishers.services.titles):
the same lengths, year range, price and copies limits, so a book refused by one is refused
by the other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from bookday.exports import FORMULA_START
from bookday.text import fold, slugify_vi
from publishers.enums import Language
from publishers.services.spreadsheet import Formula, Sheet
from publishers.validators import normalize_isbn, parse_vnd

MAX_COPIES = 1_000_000
YEARS = (1800, 2100)
LIMITS = {
    "sku": 40,
    "title": 300,
    "authors": 300,
    "imprint": 200,
    "category": 80,
    "booth": 20,
    "description": 5000,
}
TEXT_FIELDS = ("sku", "title", "authors", "imprint", "booth")

REASONS = {
    "isbn_checksum": _("ISBN %(value)s: the check digit is wrong."),
    "isbn_invalid": _("“%(value)s” is not an ISBN: enter 10 or 13 digits, for example 978-604-2-12345-6."),
    "isbn_scientific": _(
        "The ISBN was saved as a number in scientific notation (%(value)s), which loses digits: "
        "format the ISBN column as text and type the numbers again."
    ),
    "isbn_or_sku_required": _(
        "No ISBN: a book without ISBN needs your own code in a “Mã sách” (SKU) column."
    ),
    "title_required": _("The title is missing."),
    "copies_invalid": _("%(column)s: “%(value)s” is not a number of copies."),
    "copies_negative": _("%(column)s: the number of copies cannot be negative (%(value)s)."),
    "copies_too_many": _("%(column)s: at most 1,000,000 copies (%(value)s)."),
    "sold_exceeds_copies": _("Copies sold (%(sold)s) cannot be more than the copies brought (%(copies)s)."),
    "price_invalid": _("%(column)s: “%(value)s” is not a price in đồng (write 85000 or 85.000đ)."),
    "price_too_high": _("%(column)s: the price %(value)s is too high; enter it in đồng."),
    "fair_above_list": _("The fair price (%(fair)s) is higher than the list price (%(list)s)."),
    "discount_invalid": _("%(column)s: “%(value)s” is not a discount between 0 and 100 %%."),
    "year_invalid": _("%(column)s: “%(value)s” is not a publication year between 1800 and 2100."),
    "too_long": _("%(column)s is too long: at most %(limit)s characters."),
    "category_invalid": _("%(column)s: “%(value)s” needs letters or digits."),
    "formula": _(
        "Cell %(cell)s holds a formula (%(value)s). Formulas are not accepted: copy the column "
        "and paste it back with “Paste values”."
    ),
    "formula_like": _(
        "Cell %(cell)s starts with “%(start)s”, as a spreadsheet formula does (%(value)s). Remove that "
        "first character: what the portal keeps is later opened in the organisers' spreadsheets."
    ),
    "merged": _("The row is part of merged cells %(range)s: unmerge them and fill in each row."),
    "duplicate_isbn": _("ISBN %(isbn)s is already in row %(row)s of this file."),
    "duplicate_sku": _("SKU %(sku)s is already in row %(row)s of this file."),
    "sku_taken": _("SKU %(sku)s belongs to another of your titles: “%(title)s”."),
    "same_title": _("Row %(row)s of this file is already this title (“%(title)s”)."),
    # Warnings: the row is imported, but the publisher should look twice.
    "title_changed": _(
        "ISBN %(isbn)s is already your title “%(old)s”: the file renames it “%(new)s”. "
        "Check that the ISBN is right."
    ),
    "authors_changed": _(
        "ISBN %(isbn)s: the file changes the authors from “%(old)s” to “%(new)s”. "
        "Check that the ISBN is right."
    ),
}

# Spelled as people write a book's language; folded before lookup. Export writes the first.
LANGUAGE_NAMES = {
    Language.VIETNAMESE: ("tieng viet", "vi", "viet", "vietnamese", "viet nam"),
    Language.ENGLISH: ("tieng anh", "en", "anh", "english"),
    Language.BILINGUAL: ("song ngu viet - anh", "song ngu", "vi-en", "viet - anh", "viet-anh", "bilingual"),
    Language.OTHER: ("khac", "other"),
}
EXPORT_LANGUAGE = {value: names[0] for value, names in LANGUAGE_NAMES.items()}
_LANGUAGES = {name: value for value, names in LANGUAGE_NAMES.items() for name in names}
EXPORT_LANGUAGE_LABELS = {
    Language.VIETNAMESE: "Tiếng Việt",
    Language.ENGLISH: "Tiếng Anh",
    Language.BILINGUAL: "Song ngữ Việt - Anh",
    Language.OTHER: "Khác",
}


class RowRefused(ServiceError):
    """Why one row of a stock file is refused; the import goes on with the other rows."""

    messages = REASONS


def reason_text(code: str, params: dict) -> str:
    """A refusal's reason in the active language (the report keeps code and params)."""
    return RowRefused(code, **params).message


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)  # field -> clean value, for the file's columns
    raw_isbn: str = ""
    raw_title: str = ""
    refusal: tuple[str, dict] | None = None  # the first error: the row's code
    # Every error of the row, the first included: a publisher fixes them all in one pass.
    errors: list[tuple[str, dict]] = field(default_factory=list)

    def refuse(self, code: str, **params) -> None:
        if self.refusal is None:
            self.refusal = (code, params)
        self.errors.append((code, params))

    @property
    def isbn(self) -> str:
        return self.values.get("isbn", "")

    @property
    def sku(self) -> str:
        return self.values.get("sku", "")


def row_to_json(row: Row) -> dict:
    """A judged row as stored with a preview (StockImport.staged_rows): plain JSON values."""
    return {
        "n": row.number,
        "v": {name: list(value) if isinstance(value, tuple) else value for name, value in row.values.items()},
        "i": row.raw_isbn,
        "t": row.raw_title,
        "e": [[code, params] for code, params in row.errors],
        "r": list(row.refusal) if row.refusal else None,
    }


def row_from_json(data: dict) -> Row:
    """The Row that row_to_json stored, as judge_rows made it (a category is a (slug, name) pair)."""
    values = {
        name: tuple(value) if name == "category" and value else value for name, value in data["v"].items()
    }
    return Row(
        data["n"],
        values=values,
        raw_isbn=data["i"],
        raw_title=data["t"],
        refusal=tuple(data["r"]) if data["r"] else None,
        errors=[(code, params) for code, params in data["e"]],
    )


def judge_rows(sheet: Sheet) -> list[Row]:
    """Every data row of the sheet, cleaned or refused; duplicates within the file refused in the
    later row, naming the earlier one; rows in merged cells refused."""
    merged_rows = {}
    for ref in sheet.merged:
        start, end = _row_span(ref)
        for number in range(start, end + 1):
            merged_rows.setdefault(number, ref)
    rows, first_isbn, first_sku = [], {}, {}
    for number, values in sheet.rows:
        row = judge_row(sheet, number, values)
        if number in merged_rows:
            row.refusal = ("merged", {"range": merged_rows[number]})
            row.errors.insert(0, row.refusal)
        if row.refusal is None and row.isbn:
            if row.isbn in first_isbn:
                row.refuse("duplicate_isbn", isbn=row.isbn, row=first_isbn[row.isbn])
            else:
                first_isbn[row.isbn] = number
        if row.refusal is None and row.sku:
            if row.sku in first_sku:
                row.refuse("duplicate_sku", sku=row.sku, row=first_sku[row.sku])
            else:
                first_sku[row.sku] = number
        rows.append(row)
    return rows


def _row_span(ref: str) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", ref)]
    return min(numbers), max(numbers)


def judge_row(sheet: Sheet, number: int, values: tuple) -> Row:
    row = Row(number)

    def cell(name):
        index = sheet.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    row.raw_isbn = _text(cell("isbn"))[:40]
    row.raw_title = _text(cell("title"))[:300]
    failed = set()  # fields whose cell was refused: not "missing" as well
    for name in sheet.columns:
        value = cell(name)
        try:
            # A formula is refused rather than its cached result used: files written by
            # programs other than Excel (exports, scripts, some online sheets) carry no cached
            # result, or a stale one, so the number imported could silently be empty or wrong.
            # Only the columns import reads are checked: a "Thành tiền" total is harmless.
            if isinstance(value, Formula):
                raise RowRefused("formula", cell=sheet.cell(number, name), value=str(value)[:60])
            # Text that would be a formula once exported (=, +, -, @, tab, carriage return):
            # the same prefixes every export neutralises (bookday.exports.safe_text).
            if isinstance(value, str) and value.startswith(FORMULA_START):
                raise RowRefused(
                    "formula_like",
                    cell=sheet.cell(number, name),
                    start=value[:1].strip() or "⇥",
                    value=value[:60],
                )
            row.values[name] = _clean(name, value, sheet.headers[name])
        except RowRefused as refusal:
            row.refuse(refusal.code, **refusal.params)
            failed.add(name)
    if not row.values.get("title") and "title" not in failed:
        row.refuse("title_required")
    if not row.isbn and not row.sku and not failed & {"isbn", "sku"}:
        row.refuse("isbn_or_sku_required")
    _check_together(row)
    return row


def _check_together(row: Row) -> None:
    """Rules between the row's own cells, told with the cell errors (a stored value the file
    leaves out is checked again when the row is planned)."""
    values = row.values
    fair, listed = values.get("fair_price"), values.get("list_price")
    if fair is not None and listed is not None and fair > listed:
        row.refuse("fair_above_list", fair=fair, list=listed)
    copies, sold = values.get("copies"), values.get("sold")
    if copies is not None and sold is not None and sold > copies:
        row.refuse("sold_exceeds_copies", sold=sold, copies=copies)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 2020.0, 9786042123456.0: numbers Excel keeps as floats
    return " ".join(str(value).split())


def _shown(value) -> str:
    return _text(value)[:60]


def _clean(name: str, value, column: str):
    if name == "isbn":
        return _isbn(value)
    if name in TEXT_FIELDS:
        text = _text(value)
        if len(text) > LIMITS[name]:
            raise RowRefused("too_long", column=column, limit=LIMITS[name])
        return text
    if name == "description":
        text = str(value if value is not None else "").strip()
        if len(text) > LIMITS[name]:
            raise RowRefused("too_long", column=column, limit=LIMITS[name])
        return text
    if name == "category":
        text = _text(value)
        if len(text) > LIMITS[name]:
            raise RowRefused("too_long", column=column, limit=LIMITS[name])
        slug = slugify_vi(text, max_length=80)
        if text and not slug:
            raise RowRefused("category_invalid", column=column, value=_shown(value))
        return (slug, text) if text else None
    if name == "language":
        text = fold(_text(value))
        return _LANGUAGES.get(text, Language.OTHER) if text else Language.VIETNAMESE
    if name == "year":
        return _year(value, column)
    if name in ("list_price", "fair_price"):
        return _price(value, column)
    if name == "discount":
        return _discount(value, column)
    if name in ("copies", "sold"):
        return _count(value, column)
    raise AssertionError(name)


def _isbn(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise RowRefused("isbn_invalid", value=_shown(value))
        digits = str(int(value))
        # A numeric ISBN-10 loses its leading zero in Excel.
        text = digits.zfill(10) if len(digits) < 10 else digits
    else:
        text = _text(value)
    if not text:
        return ""
    if re.fullmatch(r"\d[.,]\d+E\+?\d+", text, re.IGNORECASE):
        raise RowRefused("isbn_scientific", value=text)
    compact = text.replace("-", "").replace(" ", "")
    if _FAST_ISBN.fullmatch(compact) and _ean_valid(compact):
        return compact  # the common case, ten times faster than the full check below
    try:
        return normalize_isbn(text)
    except ValidationError as error:
        raise RowRefused(error.code, value=_shown(text)) from error


_FAST_ISBN = re.compile(r"97[89]\d{10}")


def _ean_valid(digits: str) -> bool:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return total % 10 == 0


def _year(value, column: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        year = value.year  # a year typed into a date-formatted cell
    else:
        text = _text(value)
        if not re.fullmatch(r"\d{4}", text):
            raise RowRefused("year_invalid", column=column, value=_shown(value))
        year = int(text)
    if not YEARS[0] <= year <= YEARS[1]:
        raise RowRefused("year_invalid", column=column, value=_shown(value))
    return year


def _price(value, column: str) -> int | None:
    if isinstance(value, str) and not value.strip():
        return None
    try:
        return parse_vnd(value)
    except ValidationError as error:
        code = "price_too_high" if error.code == "price_too_high" else "price_invalid"
        raise RowRefused(code, column=column, value=_shown(value)) from error


def _number(value) -> Decimal | None:
    """A number as a spreadsheet or a person writes it: 12, 12.0, "1.200", "1,200", " 12 "."""
    if value is None or isinstance(value, bool):
        return None if value is None else Decimal(-1)
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)  # thousands separators
    elif re.fullmatch(r"-?\d+[.,]0+", text):
        text = re.sub(r"[.,]0+$", "", text)
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(text)
    return Decimal(text)


def _count(value, column: str) -> int:
    try:
        number = _number(value)
    except ValueError as error:
        raise RowRefused("copies_invalid", column=column, value=_shown(value)) from error
    if number is None:
        return 0  # an empty cell: none
    if number != number.to_integral_value():
        raise RowRefused("copies_invalid", column=column, value=_shown(value))
    if number < 0:
        raise RowRefused("copies_negative", column=column, value=_shown(value))
    if number > MAX_COPIES:
        raise RowRefused("copies_too_many", column=column, value=_shown(value))
    return int(number)


def _discount(value, column: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and 0 < value < 1:
        percent = Decimal(str(value)) * 100  # a cell formatted as %: Excel stores 20 % as 0.2
    else:
        text = _text(value).replace("%", "").strip().replace(",", ".")
        try:
            percent = Decimal(text)
        except ArithmeticError as error:
            raise RowRefused("discount_invalid", column=column, value=_shown(value)) from error
    if not percent.is_finite() or not 0 <= percent <= 100 or percent != percent.to_integral_value():
        raise RowRefused("discount_invalid", column=column, value=_shown(value))
    return int(percent)
