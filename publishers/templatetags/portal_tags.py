"""Template helpers for the publisher portal."""

from django import template

from publishers.validators import format_isbn

register = template.Library()


@register.filter
def isbn_display(value: str) -> str:
    """ "9786042123457" -> "978-604-2-12345-7"."""
    return format_isbn(value)
