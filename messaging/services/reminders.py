"""The reminder the day before a visit: the pass (link and PDF), the day's programme, opening
hours and the practical information, to every confirmed registration of tomorrow.

Run by the task worker (messaging.tasks.send_reminders_task) or by cron (``send_reminders``);
as often as wanted: each registration gets one reminder per visit day, claimed by a row with a
unique constraint before it is sent, so two runs at once send it once. A failed one is tried
again by the next run while its day is still tomorrow, up to ANNOUNCEMENT_MAX_ATTEMPTS times.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bookday.channels import Channel, Message
from bookday.channels import channel as default_channel
from events.models import Registration, SessionBooking
from events.services.access import manage_url
from events.services.passes import pass_code_groups, pass_pdf
from events.tasks import cancel_url
from messaging.enums import DeliveryKind, DeliveryStatus
from messaging.models import Delivery
from messaging.services.deliveries import claim, max_attempts, send_claimed


@dataclass
class ReminderRun:
    visit_date: dt.date
    due: int = 0
    sent: int = 0
    failed: int = 0


def due_reminders(visit_date: dt.date) -> QuerySet:
    """Confirmed, not erased registrations of ``visit_date`` with no reminder sent or claimed
    for it (a failed one with attempts left counts as due again)."""
    done = Delivery.objects.filter(kind=DeliveryKind.REMINDER, visit_date=visit_date).filter(
        ~Q(status=DeliveryStatus.FAILED) | Q(attempts__gte=max_attempts())
    )
    return (
        Registration.objects.confirmed()
        .filter(day__date=visit_date, anonymised_at__isnull=True)
        .exclude(pk__in=done.values("registration_id"))
        .select_related("event", "day", "entry_pass")
        .order_by("pk")
    )


def build_reminder(registration: Registration) -> Message:
    """The reminder in the visitor's language, with the pass as a PDF."""
    event, entry_pass, date = registration.event, registration.entry_pass, registration.day.date
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "entry_pass": entry_pass,
            "code_groups": pass_code_groups(entry_pass.code),
            "programme": sorted(
                (i for i in event.programme.all() if i.date == date), key=lambda i: i.start_time
            ),
            "bookings": list(SessionBooking.objects.of_pass(entry_pass)),
            "practical": event.practical_information,
            "manage_url": manage_url(entry_pass.code),
            "cancel_url": cancel_url(entry_pass.code),
        }
        subject = render_to_string("messaging/email/reminder_subject.txt", context).strip()
        text = render_to_string("messaging/email/reminder.txt", context)
        html = render_to_string("messaging/email/reminder.html", context)
    attachment = (f"ve-vao-cong-{entry_pass.code}.pdf", pass_pdf(entry_pass), "application/pdf")
    return Message(subject=subject, text=text, html=html, attachments=[attachment])


def _claim_reminder(registration: Registration, visit_date: dt.date, channel: Channel) -> Delivery | None:
    """The registration's reminder row for the day, claimed for this run; None when another run
    has it (being sent, sent, or failed too often)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                kind=DeliveryKind.REMINDER,
                registration=registration,
                visit_date=visit_date,
                channel=channel.name,
                status=DeliveryStatus.SENDING,
                attempts=1,
            )
    except IntegrityError:  # a row exists: retry it only if it failed and has attempts left
        delivery = Delivery.objects.get(
            kind=DeliveryKind.REMINDER, registration=registration, visit_date=visit_date
        )
        if delivery.status != DeliveryStatus.FAILED or delivery.attempts >= max_attempts():
            return None
        return delivery if claim(delivery) else None


def send_reminders(
    *, now: dt.datetime | None = None, dry_run: bool = False, channel: Channel | None = None
) -> ReminderRun:
    """Remind every confirmed registration of tomorrow (the fair's time zone), each once.

    ``dry_run`` counts who would get one and sends nothing. Cancelled, waiting, held and erased
    registrations get none. Returns what was due, sent and failed."""
    now = now or timezone.now()
    channel = channel or default_channel()
    run = ReminderRun(visit_date=timezone.localdate(now) + dt.timedelta(days=1))
    due = due_reminders(run.visit_date)
    run.due = due.count()
    if dry_run:
        return run
    for registration in due.iterator(chunk_size=200):
        delivery = _claim_reminder(registration, run.visit_date, channel)
        if delivery is None:
            continue
        delivery.registration = registration
        if send_claimed(delivery, channel=channel, build=lambda r=registration: build_reminder(r)):
            run.sent += 1
        else:
            run.failed += 1
    return run
