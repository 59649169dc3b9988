from django import template

from events.validators import display_vn_mobile

register = template.Library()


@register.filter
def phone(value):
    """ "+84912345678" as people write it: "0912 345 678"."""
    return display_vn_mobile(str(value or ""))
