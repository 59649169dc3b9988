"""Input rules every app applies at its edge (forms and API alike)."""

import re
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


# A web address written into a name: how a registration form is made to carry spam to the
# address typed ("Your pass was suspended - verify at evil.example").
_LINK = re.compile(
    r"(https?:|www\.|://|@|\b[\w-]+\.(com|net|org|info|xyz|io|me|ly|co|top|vn|link|site|online|click|biz|ru|cn)\b)",
    re.IGNORECASE,
)


def reject_links(value: str) -> None:
    """Names and organisations are not a place for web or email addresses."""
    if isinstance(value, str) and _LINK.search(value):
        raise ValidationError(_("Write the name only, without web or email addresses."), code="link")


def person_name(value: str) -> None:
    """A person's name: letters of any alphabet, spaces, dots, hyphens and apostrophes."""
    reject_links(value)
    for char in str(value):
        if not (unicodedata.category(char)[0] in "LM" or char in " .-'’"):
            raise ValidationError(
                _("A name has only letters, spaces, dots, hyphens and apostrophes."), code="name_characters"
            )


def organisation_name(value: str) -> None:
    """A school's or an organisation's name: letters, digits, spaces and . , ' - & ( ) / # +"""
    reject_links(value)
    for char in str(value):
        if not (unicodedata.category(char)[0] in "LMN" or char in " .,-'’&()/#+:"):
            raise ValidationError(
                _("Use letters, digits, spaces and . , - & ( ) / in the name of an organisation."),
                code="organisation_characters",
            )


def rate_limit_email(address: str) -> str:
    """The mailbox an address reaches, for counting: lower case, without a +tag, and for Gmail
    without dots ("V.I.C.T.I.M+7@GMail.com" and "victim@googlemail.com" are one mailbox)."""
    local, _at, domain = str(address).strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        domain, local = "gmail.com", local.replace(".", "")
    return f"{local}@{domain}"


def guard_text_fields(form) -> None:
    """Give every text field of ``form`` the control-character rule (one line or multi-line by
    its widget); forms call it in __init__, so no field of a public form is forgotten."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(
                reject_control_characters_multiline if multiline else reject_control_characters
            )


WEB_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 4000  # pixels: a logo or a book cover needs far fewer


def web_image(upload) -> None:
    """Every image a visitor or publisher uploads: a JPEG, PNG or WebP that Pillow can read, at
    most MAX_IMAGE_BYTES and MAX_IMAGE_SIDE pixels a side. Django's ImageField has opened the file
    with Pillow (``upload.image``): whatever else the bytes may also be (an HTML or GIF polyglot),
    a format outside this list or a giant canvas is refused before anything is stored."""
    if not upload:
        return
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image must be smaller than 2 MB."), code="image_too_large")
    image = getattr(upload, "image", None)
    if image is None or image.format not in WEB_IMAGE_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="image_format")
    if max(image.size) > MAX_IMAGE_SIDE:
        raise ValidationError(
            _("The image is too large: at most %(max)s pixels wide or high.") % {"max": MAX_IMAGE_SIDE},
            code="image_pixels",
        )
