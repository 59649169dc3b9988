"""Text helpers shared by every app."""

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
