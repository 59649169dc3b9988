"""Template helpers for the public catalogue."""

from django import template

from publishers.validators import format_isbn

register = template.Library()


@register.filter
def isbn(value: str) -> str:
    """ "9786042123456" -> "978-604-2-12345-6", as printed on the back cover."""
    return format_isbn(value)
