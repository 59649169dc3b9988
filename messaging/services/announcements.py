"""Announcements: the audience, the message in each visitor's language, the test to oneself, and
the background delivery (throttled, logged per recipient, retried). Starting is in
messaging.services.sending, which queues the task that calls ``deliver`` here.

A visitor may stop announcements with the signed link in each one (opt_out); reminders and pass
emails are part of the service and keep coming.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bookday.channels import Channel, EmailChannel, Message
from bookday.channels import channel as default_channel
from events.enums import RegistrationStatus
from events.models import Registration
from messaging.enums import OPEN, AnnouncementStatus
from messaging.models import Announcement, AnnouncementOptOut, Delivery
from messaging.services import MessagingError
from messaging.services.deliveries import Throttle, claim, max_attempts, send_claimed, skip

OPT_OUT_SALT = "bookday.announcements.opt-out"
BATCH = 100


def audience(announcement: Announcement) -> QuerySet:
    """Who an announcement reaches: the confirmed, not erased, not opted-out registrations of its
    event, or of its day."""
    registrations = Registration.objects.confirmed().filter(
        event_id=announcement.event_id, anonymised_at__isnull=True, announcement_opt_out__isnull=True
    )
    if announcement.day_id:
        registrations = registrations.filter(day_id=announcement.day_id)
    return registrations


# --- the message -----------------------------------------------------------------------------


def opt_out_token(registration_id: int) -> str:
    return signing.dumps(registration_id, salt=OPT_OUT_SALT)


def registration_for_token(token: str) -> Registration | None:
    """The registration an opt-out link was made for; None for a wrong or tampered link."""
    try:
        registration_id = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("event").filter(pk=registration_id).first()


def opt_out_url(registration_id: int) -> str:
    return settings.BASE_URL + reverse("messaging:opt_out", args=[opt_out_token(registration_id)])


def build_announcement(announcement: Announcement, registration: Registration) -> Message:
    """The announcement for one registration, in its language, with its own opt-out link."""
    language = registration.language if registration.language in ("vi", "en") else "vi"
    subject, body = announcement.text_for(language)
    with translation.override(language):
        context = {
            "subject": subject,
            "body": body,
            "event": announcement.event,
            "registration": registration,
            "entry_pass": registration.entry_pass,
            "opt_out_url": opt_out_url(registration.pk),
        }
        return Message(
            subject=render_to_string("messaging/email/announcement_subject.txt", context).strip(),
            text=render_to_string("messaging/email/announcement.txt", context),
            html=render_to_string("messaging/email/announcement.html", context),
        )


def preview(announcement: Announcement, language: str) -> Message:
    """What a visitor registered in ``language`` would get (an example registration of the
    audience, or an unsaved one: the preview writes nothing)."""
    from events.models import Pass

    example = Registration(event=announcement.event, language=language, full_name="", email="", pk=0)
    example.entry_pass = Pass(registration=example, code="X" * 26)
    return build_announcement(announcement, example)


def send_test(*, announcement: Announcement, user, channel: Channel | None = None) -> str:
    """Email the announcement to the organiser writing it, in Vietnamese and, when written, in
    English. Returns the address it went to. Sends nothing to visitors, changes nothing."""
    if not user.email:
        raise MessagingError("no_address")
    if channel is None:
        # The test goes to the organiser's mailbox whatever reaches the visitors (an SMS channel).
        channel = default_channel()
        channel = channel if isinstance(channel, EmailChannel) else EmailChannel()
    languages = ["vi", "en"] if announcement.body_en.strip() else ["vi"]
    for language in languages:
        message = preview(announcement, language)
        message.subject = f"[TEST] {message.subject}"
        channel.send(recipient=user.email, message=message)
    return user.email


# --- sending -----------------------------------------------------------------------------------


def _open_deliveries(announcement_id: int) -> QuerySet:
    """Deliveries still to try: waiting ones, and failed ones with attempts left."""
    return Delivery.objects.filter(
        announcement_id=announcement_id, status__in=OPEN, attempts__lt=max_attempts()
    ).order_by("attempts", "pk")


def deliver(
    *, announcement_id: int, channel: Channel | None = None, throttle: Throttle | None = None
) -> dict[str, int]:
    """Send an announcement's waiting deliveries, at most ANNOUNCEMENT_RATE_PER_MINUTE a minute;
    a failed one is tried again after the others, up to ANNOUNCEMENT_MAX_ATTEMPTS times. Each
    delivery is claimed before it is sent, so two workers on one announcement send it once. A
    registration cancelled, erased or opted out since the start is skipped. When nothing is left
    to try the announcement is marked sent. Returns the counts of this run."""
    channel = channel or default_channel()
    throttle = throttle or Throttle(settings.ANNOUNCEMENT_RATE_PER_MINUTE)
    announcement = Announcement.objects.select_related("event").get(pk=announcement_id)
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    while True:
        batch = list(
            _open_deliveries(announcement_id).select_related(
                "registration__entry_pass", "registration__announcement_opt_out"
            )[:BATCH]
        )
        if not batch:
            break
        for delivery in batch:
            if not claim(delivery):
                continue  # another worker has it
            registration = delivery.registration
            if not _still_wanted(registration):
                skip(delivery)
                counts["skipped"] += 1
                continue
            throttle.wait()
            ok = send_claimed(
                delivery, channel=channel, build=lambda r=registration: build_announcement(announcement, r)
            )
            counts["sent" if ok else "failed"] += 1
    _finish(announcement_id)
    return counts


def _still_wanted(registration: Registration) -> bool:
    try:
        opted_out = registration.announcement_opt_out is not None
    except AnnouncementOptOut.DoesNotExist:
        opted_out = False
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.anonymised_at is None
        and not opted_out
    )


def _finish(announcement_id: int) -> None:
    # A row left "being sent" by a crashed worker does not hold the announcement open forever.
    if not _open_deliveries(announcement_id).exists():
        Announcement.objects.filter(pk=announcement_id, status=AnnouncementStatus.SENDING).update(
            status=AnnouncementStatus.SENT, finished_at=timezone.now()
        )


# --- opting out --------------------------------------------------------------------------------


def opt_out(*, registration: Registration, now: dt.datetime | None = None) -> int:
    """Stop announcements to the visitor of ``registration`` for its event (all their
    registrations of that event). Idempotent. Returns how many registrations it covers."""
    now = now or timezone.now()
    same_visitor = Registration.objects.for_email(registration.email).filter(event_id=registration.event_id)
    ids = set(same_visitor.values_list("pk", flat=True)) | {registration.pk}
    AnnouncementOptOut.objects.bulk_create(
        [AnnouncementOptOut(registration_id=pk, at=now) for pk in ids], ignore_conflicts=True
    )
    return len(ids)
