"""Text helpers shared by every app."""

import re

from anyascii import anyascii
from django.utils.text import slugify


def slugify_vi(value: str, max_length: int | None = None) -> str:
    """Return an ASCII slug that keeps Vietnamese words readable.

    Django's slugify drops letters without a Unicode decomposition, so "Đường sách"
    would become "uong-sach". Transliterating first gives "duong-sach".
    """
    slug = slugify(anyascii(str(value)))
    if max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def fold(value: str) -> str:
    """Lower-case ASCII form of a text, for accent-insensitive matching ("Đường" ~ "duong")."""
    return anyascii(str(value)).casefold()


def mask_email(address: str) -> str:
    """ "huong@gmail.com" -> "h***@gmail.com": enough to recognise one's own address, no more."""
    local, _at, domain = str(address).partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# Every letter of Vietnamese with its tone and vowel marks, grouped by the letter it folds to.
_VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵdđ"
_VARIANTS: dict[str, str] = {}
for _letter in _VIETNAMESE + _VIETNAMESE.upper():
    _VARIANTS[fold(_letter)] = _VARIANTS.get(fold(_letter), "") + _letter


def accent_insensitive_regex(word: str) -> str:
    """A regular expression matching ``word`` with or without Vietnamese accents, in either case
    ("hong" matches "Hồng", "HỒNG", "Hông"). Case is spelt out in the classes rather than left to
    the database, whose case folding of accented letters depends on its collation (PostgreSQL's
    C locale folds only ASCII)."""
    parts = []
    for char in fold(word):
        variants = _VARIANTS.get(char)
        if variants:
            parts.append(f"[{variants}]")
        elif char.isalpha():
            parts.append(f"[{char}{char.upper()}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)
