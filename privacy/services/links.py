"""One-time links to "My data": whoever reads an address's mailbox may see that address's data.

The link carries a random secret signed with a timestamp: a forged or expired link is refused
before the database is asked, and the stored row (a hash of the secret, never the secret) makes
it work once. Opening it gives the browser's session a short grant to the address's page.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Registration
from privacy.enums import DataRequestKind
from privacy.models import DataLink, DataRequest

LINK_SALT = "bookday.privacy.link"
LINK_TTL = dt.timedelta(hours=1)
GRANT_TTL = dt.timedelta(minutes=30)  # how long an opened link lets the page be used


def address_key(email: str) -> str:
    """A keyed hash of the address, for the request log: equal for equal addresses, not reversible."""
    normalised = email.strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"privacy:" + normalised, hashlib.sha256).hexdigest()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def log_request(
    *, kind: str, email: str, registrations: int = 0, details: str = "", requested_at, done_at=None
) -> DataRequest:
    return DataRequest.objects.create(
        kind=kind,
        address_key=address_key(email),
        registrations=registrations,
        details=details[:200],
        requested_at=requested_at,
        done_at=done_at or timezone.now(),
    )


def request_link(*, email: str, now: dt.datetime | None = None) -> bool:
    """Email a one-time link to the address's data when it has any registration; True if sent.

    Run in the background (privacy.tasks), so the page that asked answers the same way and in the
    same time whether or not the address is known. An address with nothing gets nothing.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    registrations = list(Registration.objects.for_email(email).select_related("event"))
    if not registrations:
        return False
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        DataLink.objects.create(
            token_hash=_hash(secret), email=email, created_at=now, expires_at=now + LINK_TTL
        )
        log_request(
            kind=DataRequestKind.LINK, email=email, registrations=len(registrations), requested_at=now
        )
    token = signing.TimestampSigner(salt=LINK_SALT).sign(secret)
    language = registrations[0].language
    with translation.override(language):
        url = settings.BASE_URL + reverse("privacy:open", kwargs={"token": token})
        context = {"url": url, "minutes": int(LINK_TTL.total_seconds() // 60)}
        subject = render_to_string("privacy/email/link_subject.txt", context).strip()
        body = render_to_string("privacy/email/link.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    return True


def open_link(*, token: str, now: dt.datetime | None = None) -> DataLink | None:
    """The link's row, spent now; None for a forged, expired or already used link (all alike)."""
    now = now or timezone.now()
    try:
        secret = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_TTL)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        link = DataLink.objects.usable(now).select_for_update().filter(token_hash=_hash(secret)).first()
        if link is None:
            return None
        link.opened_at = now
        link.save(update_fields=["opened_at"])
    return link


def granted_email(link_id, now: dt.datetime | None = None) -> str | None:
    """The address a session's opened link gives access to, while the grant lasts."""
    now = now or timezone.now()
    if not isinstance(link_id, int):
        return None
    link = DataLink.objects.filter(pk=link_id, opened_at__gt=now - GRANT_TTL).first()
    return link.email if link else None


def forget_links(*, email: str | None = None, now: dt.datetime | None = None) -> int:
    """Delete the links of an address (after erasure), or every link no longer usable."""
    if email is not None:
        return DataLink.objects.filter(email=email.strip().lower()).delete()[0]
    now = now or timezone.now()
    stale = DataLink.objects.filter(expires_at__lte=now - GRANT_TTL)
    return stale.delete()[0]
