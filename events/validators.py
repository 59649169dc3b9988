"""Input rules shared by the registration form, the API and the admin."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Vietnamese mobile numbers: 0 or +84, then a 3/5/7/8/9 network prefix and 8 more digits.
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")


def normalize_vn_mobile(value: str) -> str:
    """ "0912 345 678", "+84 912.345.678", "(+84) 912-345-678" -> "+84912345678"."""
    compact = re.sub(r"[\s.\-()]", "", str(value or ""))
    match = _MOBILE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a Vietnamese mobile number, for example 0912 345 678."), code="invalid_phone"
        )
    return "+84" + match.group(1)


def display_vn_mobile(value: str) -> str:
    """ "+84912345678" -> "0912 345 678" as people write it."""
    if not value.startswith("+84") or len(value) != 12:
        return value
    local = "0" + value[3:]
    return f"{local[:4]} {local[4:7]} {local[7:]}"
