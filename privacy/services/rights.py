"""A visitor's rights over the data of their registrations: see, correct, download, withdraw, erase.

Each function acts on one address, the one the visitor proved they read (privacy.services.links),
is done at once, and leaves a line in the request log (what, when asked, when done).
"""

import csv
import datetime as dt
import io
import json

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bookday.exports import BOM, CSV, cell
from events.consent import consent_text
from events.models import CheckIn, Registration
from events.services.questions import answer_text, labelled_answers
from events.services.registration import RegistrationError, cancel
from events.validators import display_vn_mobile
from messaging.enums import DeliveryStatus
from messaging.models import Delivery
from privacy.enums import DataRequestKind
from privacy.services import PrivacyError
from privacy.services.anonymise import anonymise_registrations
from privacy.services.links import forget_links, log_request


def registrations_of(email: str) -> QuerySet:
    """Every registration of the address, cancelled ones included, newest visit first."""
    checkins = CheckIn.objects.select_related("gate").order_by("scanned_at")
    return (
        Registration.objects.for_email(email)
        .filter(anonymised_at__isnull=True)
        .select_related("event", "day", "entry_pass")
        .prefetch_related(
            Prefetch("entry_pass__checkins", queryset=checkins),
            Prefetch("deliveries", queryset=_sent_messages(), to_attr="messages_sent"),
            "event__questions",
        )
        .order_by("-day__date", "-created_at")
    )


def _sent_messages() -> QuerySet:
    """Reminders and announcements that reached the registration, oldest first."""
    return (
        Delivery.objects.filter(status=DeliveryStatus.SENT).select_related("announcement").order_by("sent_at")
    )


def message_label(delivery: Delivery) -> str:
    if delivery.announcement_id:
        return _("Announcement: %(subject)s") % {"subject": delivery.announcement.subject}
    return _("Reminder for %(date)s") % {"date": f"{delivery.visit_date:%d/%m/%Y}"}


def _local(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def personal_data(email: str) -> list[dict]:
    """All that is held about the address, registration by registration, as plain values."""
    data = []
    for registration in registrations_of(email):
        entry_pass = registration.entry_pass
        data.append(
            {
                "event": registration.event.title,
                "visit_date": registration.day.date.isoformat(),
                "status": registration.get_status_display(),
                "full_name": registration.full_name,
                "email": registration.email,
                "phone": registration.phone,
                "organisation": registration.organisation,
                "party_size": registration.party_size,
                "answers": [
                    {"question": question, "answer": answer}
                    for question, answer in labelled_answers(registration)
                ],
                "language": registration.language,
                "registered_at": _local(registration.created_at),
                "confirmed_at": _local(registration.confirmed_at),
                "cancelled_at": _local(registration.cancelled_at),
                "consent": {
                    "given_at": _local(registration.consent_at),
                    "version": registration.consent_version,
                    "text": consent_text(registration.consent_version),
                },
                "pass": {"code": entry_pass.code, "url": entry_pass.url},
                "emails": {
                    "pass_email_sent_at": _local(registration.email_sent_at),
                    "attempts": registration.email_attempts,
                    "last_error": registration.email_error,
                    "reminders_and_announcements": [
                        {"what": message_label(d), "sent_at": _local(d.sent_at)}
                        for d in registration.messages_sent
                    ],
                },
                "check_ins": [
                    {
                        "at": _local(checkin.scanned_at),
                        "gate": checkin.gate.name,
                        "result": checkin.get_result_display(),
                        "people_admitted": checkin.admitted,
                        "undone_at": _local(checkin.undone_at),
                    }
                    for checkin in entry_pass.checkins.all()
                ],
            }
        )
    return data


def export_json(*, email: str, now: dt.datetime | None = None) -> bytes:
    """Everything held about the address as JSON (UTF-8, readable), the download logged."""
    now = now or timezone.now()
    data = personal_data(email)
    body = json.dumps(
        {"email": email, "exported_at": _local(now), "registrations": data}, ensure_ascii=False, indent=2
    )
    log_request(
        kind=DataRequestKind.EXPORT, email=email, registrations=len(data), details="json", requested_at=now
    )
    return body.encode()


def _csv_columns() -> list[tuple[str, str]]:
    return [
        ("event", _("Event")),
        ("visit_date", _("Day of the visit")),
        ("status", _("Status")),
        ("full_name", _("Full name")),
        ("email", _("Email")),
        ("phone", _("Phone")),
        ("organisation", _("School or organisation")),
        ("party_size", _("Number of people")),
        ("answers", _("Answers to the organisers' questions")),
        ("registered_at", _("Registered at")),
        ("confirmed_at", _("Confirmed at")),
        ("cancelled_at", _("Cancelled at")),
        ("consent_at", _("Consent given at")),
        ("consent_version", _("Consent text version")),
        ("consent_text", _("Consent text")),
        ("pass_code", _("Pass code")),
        ("pass_email_sent_at", _("Pass email sent at")),
        ("messages_sent", _("Reminders and announcements sent")),
        ("check_ins", _("Check-ins")),
    ]


def export_csv(*, email: str, now: dt.datetime | None = None) -> bytes:
    """The same data as a spreadsheet: one row per registration, every cell formula-safe
    (bookday.exports.cell), local times, a byte-order mark for Excel. The download is logged."""
    now = now or timezone.now()
    columns = _csv_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _key, heading in columns])
    registrations = list(registrations_of(email))
    for registration in registrations:
        entry_pass = registration.entry_pass
        values = {
            "event": registration.event.title,
            "visit_date": registration.day.date,
            "status": registration.get_status_display(),
            "full_name": registration.full_name,
            "email": registration.email,
            "phone": display_vn_mobile(registration.phone),  # as people write it, not a "+" formula
            "organisation": registration.organisation,
            "party_size": registration.party_size,
            "answers": "; ".join(f"{q}: {answer_text(a)}" for q, a in labelled_answers(registration)),
            "registered_at": registration.created_at,
            "confirmed_at": registration.confirmed_at,
            "cancelled_at": registration.cancelled_at,
            "consent_at": registration.consent_at,
            "consent_version": registration.consent_version,
            "consent_text": consent_text(registration.consent_version),
            "pass_code": entry_pass.code,
            "pass_email_sent_at": registration.email_sent_at,
            "messages_sent": "; ".join(
                f"{cell(d.sent_at, CSV)} {message_label(d)}" for d in registration.messages_sent
            ),
            "check_ins": "; ".join(
                f"{cell(c.scanned_at, CSV)} {c.gate.name}: {c.get_result_display()} ({c.admitted})"
                for c in entry_pass.checkins.all()
            ),
        }
        writer.writerow([cell(values[key], CSV) for key, _heading in columns])
    log_request(
        kind=DataRequestKind.EXPORT,
        email=email,
        registrations=len(registrations),
        details="csv",
        requested_at=now,
    )
    return (BOM + out.getvalue()).encode()


def _own(email: str, registration_id: int) -> Registration:
    registration = (
        Registration.objects.for_email(email).filter(pk=registration_id).select_related("event").first()
    )
    if registration is None:
        raise PrivacyError("not_yours")
    return registration


def correct(
    *,
    email: str,
    registration_id: int,
    full_name: str,
    phone: str,
    organisation: str,
    now: dt.datetime | None = None,
) -> Registration:
    """Correct the name, phone and organisation of one of the address's registrations.

    Values come validated as the registration form validates them (the phone normalised). A
    group above the event's limit keeps an organisation (``organisation_required``). Raises
    PrivacyError and changes nothing when it refuses. The log names the fields, not the values.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = _own(email, registration_id)
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        limit = registration.event.organisation_required_above
        if registration.party_size > limit and not organisation.strip():
            raise PrivacyError("organisation_required", max=limit)
        new = {"full_name": full_name.strip(), "phone": phone, "organisation": organisation.strip()}
        changed = [field for field, value in new.items() if getattr(registration, field) != value]
        for field in changed:
            setattr(registration, field, new[field])
        if changed:
            registration.save(update_fields=changed)
        log_request(
            kind=DataRequestKind.CORRECT,
            email=email,
            registrations=1,
            details=", ".join(changed),
            requested_at=now,
        )
    return registration


def withdraw(*, email: str, now: dt.datetime | None = None) -> list[Registration]:
    """Withdraw consent: every visit of the address still to come is cancelled through the
    registration service (places freed, the waiting list promoted, the cancellation emailed).
    Visits already over cannot be undone; their data go with erasure or the retention period.
    Returns the registrations cancelled."""
    now = now or timezone.now()
    cancelled = _cancel_future(email, now)
    log_request(kind=DataRequestKind.WITHDRAW, email=email, registrations=len(cancelled), requested_at=now)
    return cancelled


def _cancel_future(email: str, now: dt.datetime) -> list[Registration]:
    cancelled = []
    for registration in Registration.objects.filter(pk__in=visits_to_come(email, now)).select_related(
        "event", "day"
    ):
        try:
            cancel(registration=registration, now=now)
        except RegistrationError:  # the day closed between the look-up and the lock
            continue
        cancelled.append(registration)
    return cancelled


def erase(*, email: str, now: dt.datetime | None = None) -> int:
    """Erase the address's data: visits to come are cancelled first (places freed, the waiting
    list promoted), then every registration is anonymised (privacy.services.anonymise) and the
    address's links forgotten. The rows stay, so every figure stays. Returns how many
    registrations were erased."""
    now = now or timezone.now()
    _cancel_future(email, now)
    with transaction.atomic():
        erased = anonymise_registrations(
            Registration.objects.for_email(email).filter(anonymised_at__isnull=True), now=now
        )
        forget_links(email=email)
        log_request(kind=DataRequestKind.ERASE, email=email, registrations=erased, requested_at=now)
    return erased


def visits_to_come(email: str, now: dt.datetime | None = None) -> list[int]:
    """Ids of the address's active visits still to come (what withdrawing would cancel)."""
    now = now or timezone.now()
    active = Registration.objects.for_email(email).active().filter(anonymised_at__isnull=True)
    return [r.pk for r in active.select_related("event", "day") if now < r.event.closes_on(r.day.date)]
