"""Input rules every app applies at its edge (forms and API alike)."""

import unicodedata
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

# Line breaks and tabs belong in multi-line text only.
_MULTILINE_ALLOWED = {"\n", "\r", "\t"}


def _forbidden(value: str, multiline: bool) -> bool:
    # Cc: control characters (NUL, escape, ...), which no name or code has and which break
    # PostgreSQL (NUL) and spreadsheets; Cs: lone surrogates, which cannot be stored as UTF-8.
    return any(
        unicodedata.category(char) in ("Cc", "Cs") and not (multiline and char in _MULTILINE_ALLOWED)
        for char in value
    )


def reject_control_characters(value: str) -> None:
    """Django validator for one-line text: names, emails, codes, organisations."""
    if isinstance(value, str) and _forbidden(value, multiline=False):
        raise ValidationError(_("Remove the invisible control characters from this text."), code="control")


def reject_control_characters_multiline(value: str) -> None:
    """Django validator for multi-line text (descriptions): line breaks and tabs are fine."""
    if isinstance(value, str) and _forbidden(value, multiline=True):
        raise ValidationError(_("Remove the invisible control characters from this text."), code="control")


def _clean_line(value: str) -> str:
    if _forbidden(value, multiline=False):
        raise ValueError("control characters")
    return value


# For API schemas: a str without control characters (a 422 "invalid" like any bad field).
CleanLine = Annotated[str, AfterValidator(_clean_line)]
