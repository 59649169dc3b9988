"""Background work: confirmation emails with the PDF pass attached.

The registration service queues these after its transaction commits; nothing here calls the
service back (only the models, the passes and the access links), so the two never import each
other.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import TaskContext, task

from bookday.channels import Message, channel
from events.enums import RegistrationStatus
from events.models import Registration, SessionBooking
from events.services.access import hold_confirm_url, manage_url
from events.services.passes import pass_code_groups, pass_pdf

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 6
CANCEL_SALT = "bookday.cancel"


def cancel_token(code: str) -> str:
    return signing.TimestampSigner(salt=CANCEL_SALT).sign(code).split(":", 1)[1]


def cancel_url(code: str) -> str:
    return f"{settings.BASE_URL}/p/{code}/cancel/?t={cancel_token(code)}"


def build_email(registration: Registration) -> Message:
    """The message for the registration's current state, in the visitor's language."""
    entry_pass = registration.entry_pass
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "entry_pass": entry_pass,
            "code_groups": pass_code_groups(entry_pass.code),
            "cancel_url": cancel_url(entry_pass.code),
            "manage_url": manage_url(entry_pass.code),
            "calendar_url": f"{entry_pass.url}calendar.ics",
            "bookings": list(SessionBooking.objects.of_pass(entry_pass)),
        }
        if registration.status == RegistrationStatus.PENDING:
            context["confirm_url"] = hold_confirm_url(registration)
        status = registration.status
        subject = render_to_string(f"events/email/{status}_subject.txt", context).strip()
        text = render_to_string(f"events/email/{status}.txt", context)
        html = render_to_string(f"events/email/{status}.html", context)
    message = Message(subject=subject, text=text, html=html)
    if status == RegistrationStatus.CONFIRMED:
        message.attachments.append(
            (f"ve-vao-cong-{entry_pass.code}.pdf", pass_pdf(entry_pass), "application/pdf")
        )
    return message


def queue_email(registration_id: int) -> None:
    """Queue the email of a saved registration. A queue outage must not fail the request that
    saved it: the failure is recorded and `send_pending_emails` queues it again later."""
    try:
        send_registration_email.enqueue(registration_id)
    except Exception as error:  # the queue (e.g. Redis) is unreachable
        log.warning("Could not queue the email of registration %s: %s", registration_id, error)
        Registration.objects.filter(pk=registration_id).update(email_error=f"queue: {error}"[:300])


@task(takes_context=True)
def send_registration_email(context: TaskContext, registration_id: int) -> None:
    """Send the email for a registration; on failure record it and try again later.

    The registration stays valid whatever happens here: the visitor still has the pass page.
    Idempotent: each queued job sends at most one email. A job that runs again (its worker was
    killed after sending, RQ retried it) or that was queued while another was sending
    (`send_pending_emails` picks up an email in flight) sends nothing once an email went out after
    it was queued; and of two runs at once, only the one that claims the attempt sends. A job
    cut short before sending leaves the attempt counted and unsent: `send_pending_emails` queues it
    again. (Found by `make rehearsal`, which kills the worker mid-job.)
    """
    registration = (
        Registration.objects.select_related("event", "day", "entry_pass").filter(pk=registration_id).first()
    )
    if registration is None or registration.status == RegistrationStatus.EXPIRED:
        return  # a released hold has nothing left to say; its address may not even exist
    if registration.anonymised_at:
        return  # erased since it was queued: there is no address left to write to
    asked_at = context.task_result.enqueued_at
    if asked_at and registration.email_sent_at and registration.email_sent_at > asked_at:
        return  # an email went out after this one was asked for: this job's work is done
    claim = Registration.objects.filter(pk=registration_id, email_attempts=registration.email_attempts)
    if asked_at:
        claim = claim.filter(Q(email_sent_at__isnull=True) | Q(email_sent_at__lte=asked_at))
    if not claim.update(email_attempts=F("email_attempts") + 1):
        return  # another run claimed it first and is sending now
    try:
        sender = channel()  # the one way messages travel (bookday.channels): email unless set otherwise
        sender.send(recipient=sender.address_of(registration), message=build_email(registration))
    except Exception as error:  # any transport or rendering failure is recorded, never raised
        log.warning("Email for registration %s failed: %s", registration_id, error)
        Registration.objects.filter(pk=registration_id).update(email_error=str(error)[:300])
        _retry_later(registration_id, registration.email_attempts + 1)
        return
    Registration.objects.filter(pk=registration_id).update(email_sent_at=timezone.now(), email_error="")


@task()
def resend_passes_to(email: str) -> None:
    """ "Find my pass": look the address up and email its passes, outside the request.

    The request only queues this, so it answers in the same time whether or not the address
    registered: the look-up and the emails would otherwise tell a stranger who did. Every
    active registration of the address gets its email again, each queued on its own.
    """
    for registration_id in Registration.objects.active().for_email(email).values_list("pk", flat=True):
        queue_email(registration_id)


def _retry_later(registration_id: int, attempts: int) -> None:
    """Back off 1, 2, 4, ... minutes on a queue that can defer; `send_pending_emails` covers the rest."""
    if attempts >= MAX_EMAIL_ATTEMPTS or not send_registration_email.get_backend().supports_defer:
        return
    delay = dt.timedelta(minutes=2 ** (attempts - 1))
    send_registration_email.using(run_after=timezone.now() + delay).enqueue(registration_id)
