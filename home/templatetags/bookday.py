"""Template helpers: Vietnamese money and numbers, JSON-LD, language links, the site menu."""

import json
import re
from decimal import Decimal

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Site

register = template.Library()

# json.dumps output made safe inside <script>: no closing tag or HTML comment can sneak in.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def vnd(value):
    """85000 -> "85.000 ₫" in Vietnamese ("85,000 ₫" in English)."""
    if value in (None, ""):
        return ""
    return f"{number_format(int(round(float(value))), force_grouping=True)}\u00a0₫"


@register.filter
def grouped(value):
    """1500000 -> "1.500.000" with the active language's thousand separator.

    Only numbers are grouped; anything else is returned as it is. Django's number_format
    groups the characters of a string too ("Nhà xuất bản" -> "Nhà. xu.ất .bản").
    """
    if value in (None, ""):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return number_format(value, force_grouping=True)


@register.filter
def json_ld(data):
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def language_links(context):
    """[{code, name, url, current}] for the switcher and <link rel="alternate">."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if request is not None:
            url = request.build_absolute_uri(url)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.filter
def is_within(page, section) -> bool:
    """True when ``page`` is ``section`` or below it (for aria-current in the menu)."""
    if not page or not section or not hasattr(page, "url_path"):
        return False
    return page.url_path.startswith(section.url_path)


@register.simple_tag(takes_context=True)
def site_menu(context):
    """Live pages of the site root marked "show in menus", in tree order."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return site.root_page.get_children().live().in_menu().specific()


_BOOTH_IN_TEXT = re.compile(r"\b([A-Z]{1,3}[-.]?\d{1,4})\b")


@register.filter
def booth_in(text) -> str:
    """The first booth number in a text ("A12, A13" -> "A12", "Gian B-03" -> "B-03"), or "":
    what a "see it on the floor plan" link asks the map to highlight (?booth=)."""
    match = _BOOTH_IN_TEXT.search(str(text or "").upper())
    return match[1] if match else ""
