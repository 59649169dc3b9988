"""The Wagtail admin without inline scripts, so its Content-Security-Policy keeps script-src 'self'.

Wagtail's chooser widgets (page, image, document, snippet, task) write their set-up as an inline
``<script>new ImageChooser("id", {...});</script>``. ``install()`` makes them write the same
call as a JSON block instead, which home/static/bookday/admin-init.js runs; the date and time
widgets and the inline panels do the same through home/templates/wagtailadmin/.
"""

import json
import re

from django.utils.safestring import mark_safe

from home.templatetags.bookday_admin import init_block

# What Wagtail's render_js_init() returns: "new Name(arg, ...);" or "name(arg, ...);".
JS_CALL = re.compile(r"^\s*(?P<new>new\s+)?(?P<call>[A-Za-z_$][\w$]*)\((?P<args>.*)\);?\s*$", re.S)


def js_call_as_data(js: str) -> str | None:
    """The JSON block for a Wagtail set-up call, or None if it is not a plain call of JSON args."""
    match = JS_CALL.match(js)
    if not match:
        return None
    try:
        args = json.loads("[" + match["args"] + "]")
    except ValueError:
        return None
    return init_block(match["call"], *args, new=bool(match["new"]))


def install() -> None:
    from wagtail.admin.widgets.chooser import BaseChooser

    def render(self, name, value, attrs=None, renderer=None):
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError) as e:
            raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
        value_data = self.get_value_data(value)
        widget_html = self.render_html(name, value_data, attrs)
        js = self.render_js_init(id_, name, value_data)
        # A call we cannot read stays an inline script: the policy blocks it and the console
        # says so, which a test of that screen notices.
        block = js_call_as_data(js) or f"<script>{js}</script>"
        return mark_safe(f"{widget_html}{block}")  # noqa: S308 - Wagtail's own markup and escaped JSON

    BaseChooser.render = render
