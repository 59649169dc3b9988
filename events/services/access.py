"""Who may change or cancel a registration: whoever reads the registration's mailbox.

Two doors, both proving access to the address: the signed link in every email, and a one-time
code sent to the address on request (for a visitor who only has the pass page, whose address is
inside the QR that people photograph and share). Codes expire, work once, allow a few guesses,
are compared in constant time, and are stored only as a keyed hash.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from events.models import AccessCode, Registration

MANAGE_SALT = "bookday.cancel"  # the emailed links signed before "change" existed stay valid
LINK_MAX_AGE = 400 * 86400
CODE_TTL = dt.timedelta(minutes=15)
CODE_DIGITS = 6
MAX_CODES_PER_HOUR = 3  # per registration: a mailbox is not flooded from a shared pass page


def manage_token(code: str) -> str:
    return signing.TimestampSigner(salt=MANAGE_SALT).sign(code).split(":", 1)[1]


def manage_url(code: str, *, absolute: bool = True) -> str:
    path = f"/p/{code}/manage/?t={manage_token(code)}"
    return settings.BASE_URL + path if absolute else path


def token_valid(code: str, token: str) -> bool:
    try:
        signing.TimestampSigner(salt=MANAGE_SALT).unsign(f"{code}:{token}", max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def request_code(*, registration: Registration, now: dt.datetime | None = None) -> bool:
    """Email a new one-time code to the registration's address. False (nothing sent) when the
    registration already had MAX_CODES_PER_HOUR codes in the last hour. Earlier codes stop working.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)  # one request at a time
        recent = registration.access_codes.filter(created_at__gt=now - dt.timedelta(hours=1)).count()
        if recent >= MAX_CODES_PER_HOUR:
            return False
        registration.access_codes.filter(used_at__isnull=True).update(used_at=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        AccessCode.objects.create(
            registration=registration, code_hash=_hash(code), created_at=now, expires_at=now + CODE_TTL
        )
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "code": code,
            "minutes": int(CODE_TTL.total_seconds() // 60),
        }
        subject = render_to_string("events/email/access_code_subject.txt", context).strip()
        body = render_to_string("events/email/access_code.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.email])
    return True


def check_code(*, registration: Registration, code: str, now: dt.datetime | None = None) -> bool:
    """True once for the right code while it is fresh; it is spent then. A wrong guess counts
    against the code, which stops working after MAX_ATTEMPTS of them."""
    now = now or timezone.now()
    typed = "".join(code.split())
    with transaction.atomic():
        current = AccessCode.objects.usable(now).filter(registration=registration).select_for_update().first()
        if current is None:
            return False
        # Constant time: how long the comparison takes says nothing about how close a guess was.
        if not hmac.compare_digest(current.code_hash, _hash(typed)):
            AccessCode.objects.filter(pk=current.pk).update(attempts=F("attempts") + 1)
            return False
        current.used_at = now
        current.save(update_fields=["used_at"])
    return True


# --- a group's hold, confirmed by the emailed link (decided in events.services.registration) ---

HOLD_SALT = "events.registration-hold"
# The signature outlives any hold; the registration's own held_until decides when a link is late.
HOLD_LINK_MAX_AGE = 2 * 24 * 3600


def hold_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=HOLD_SALT)


def hold_confirm_url(registration: Registration) -> str:
    return settings.BASE_URL + reverse("hold_confirm", args=[hold_token(registration)])
