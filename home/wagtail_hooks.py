from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import SlugInput

# The admin fills slugs in the browser as the title is typed. Its transliteration knows no
# Vietnamese and drops "đ"; map it first so "Đường sách" becomes "duong-sach" there too.
VIETNAMESE_SLUG_FORMATTERS = [("đ", "d"), ("Đ", "D")]


class VietnameseSlugInput(SlugInput):
    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs, formatters=VIETNAMESE_SLUG_FORMATTERS + list(formatters or []), locale=locale)


register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})


@hooks.register("register_admin_urls")
def locked_signins_urls():
    from home import admin_signins

    return admin_signins.urls


@hooks.register("register_settings_menu_item")
def locked_signins_menu_item():
    from home import admin_signins

    return admin_signins.menu_item()


@hooks.register("insert_global_admin_js")
def admin_init_js():
    """Runs the widget set-up that Wagtail writes inline, as data (home.admin_csp)."""
    return format_html('<script src="{}"></script>', static("bookday/admin-init.js"))
