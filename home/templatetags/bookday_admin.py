"""Wagtail admin widgets set up without inline scripts (see home/static/bookday/admin-init.js)."""

import json

from django import template
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

register = template.Library()


def init_block(call: str, *args, new: bool = False) -> str:
    """A JSON block that admin-init.js turns into ``call(*args)`` (``new call(*args)``)."""
    data = json.dumps({"call": call, "new": new, "args": list(args)}).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/json" data-bookday-init>{data}</script>')  # noqa: S308 - escaped JSON


@register.simple_tag
def admin_init(call, *args, new=False):
    return init_block(call, *args, new=new)


@register.filter
def from_json(value):
    """Wagtail hands widget and panel options to templates already as JSON text."""
    return json.loads(value)
