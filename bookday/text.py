"""Text helpers shared by every app."""

import re
import unicodedata

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


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with
# the letters Vietnamese borrows (f j w z) where the Latin alphabet has them. Tones come second:
# "ba" < "bà" < "bả" < "bã" < "bá" < "bạ" < "bac", as in a Vietnamese dictionary.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {letter: chr(0x41 + index) for index, letter in enumerate(_ALPHABET)}  # "A".."a"
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}  # huyền hỏi ngã sắc nặng
# Letters with a breve, circumflex or horn are letters of their own, not accented ones.
_MARKED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô"}
_MARKED |= {("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_TOKEN = re.compile(r"\d+|[^\W\d_]|\s+")


def _letter(char: str) -> tuple[str, str]:
    """(primary code, tone digit) of one letter; letters outside the alphabet keep themselves."""
    parts = unicodedata.normalize("NFD", char)
    base, tone = parts[0], "0"
    for mark in parts[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        else:
            base = _MARKED.get((base, mark), base)
    return _LETTER_CODE.get(base, char), tone


def vi_sort_key(value: str, max_length: int = 200) -> str:
    """A key that sorts texts in Vietnamese alphabetical order, numbers by their value.

    "Bạn" < "Biệt" (a before i, whatever the tones), "Ăn" after every "A…" word, "Đ" after
    "D", "tập 3" < "tập 10", booth "A2" < "A10". The key is a plain string compared code point
    by code point, so Python's sorted(), SQLite's default collation and PostgreSQL's "C"
    collation give the same order: it is stored in a column and indexed where the database sorts
    (the catalogue), and used with sorted() for short lists. Punctuation is ignored; spaces
    separate words. Tones and then case decide only between otherwise equal texts.

    Layout: letters as one character each ("A" for a, "B" for ă ... in alphabet order), a
    number as its digit count then its digits ("3" -> "13", "10" -> "210"), a space as "!";
    then " " and one tone digit per letter; then " " and the text itself (case last).
    """
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    primary, tones = [], []
    for token in _TOKEN.findall(text.lower()):
        if token[0].isspace():
            if primary and primary[-1] != "!":
                primary.append("!")
        elif token[0].isdigit():
            digits = token.lstrip("0") or "0"
            # Up to 15 digits keep the length in one character below the letters ("?" is 15).
            primary.append(chr(0x30 + min(len(digits), 15)) + digits)
        else:
            code, tone = _letter(token)
            primary.append(code)
            tones.append(tone)
    return f"{''.join(primary).rstrip('!')} {''.join(tones)} {text}"[:max_length]
