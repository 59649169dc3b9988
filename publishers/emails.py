"""Background emails to exhibitor applicants: the confirmation link, received, approved (with the
account link), rejected.

Queued by the applications service after its transaction commits; nothing here imports that
service back (the confirmation link comes from publishers.services.confirmation)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from publishers.models import ExhibitorApplication
from publishers.services.confirmation import CONFIRM_MAX_AGE, confirmation_token

log = logging.getLogger(__name__)
STEPS = ("confirm", "received", "approved", "rejected")


def set_password_url(user) -> str:
    """An absolute link to choose a password; valid for PASSWORD_RESET_TIMEOUT or until used."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("publisher_set_password", kwargs={"uidb64": uid, "token": token})
    return f"{settings.BASE_URL}{path}"


def _contact_user(application: ExhibitorApplication):
    return (
        get_user_model()
        .objects.filter(publisher_user__publisher=application.publisher_id, email__iexact=application.email)
        .first()
    )


def build_email(application: ExhibitorApplication, step: str) -> EmailMultiAlternatives:
    """The message for one step, in the language the applicant used on the form."""
    with translation.override(application.language or settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "event": application.event,
            "apply_url": settings.BASE_URL + reverse("exhibitor_apply", args=[application.event_id]),
        }
        recipients = [application.email]
        if step == "confirm":
            recipients = application.pending.get("confirm_to") or recipients
            context["submitted"] = application.pending.get("data", {})
            context["confirm_url"] = settings.BASE_URL + reverse(
                "exhibitor_apply_confirm", args=[confirmation_token(application)]
            )
            context["days_valid"] = CONFIRM_MAX_AGE // 86400
            context["returning"] = recipients != [context["submitted"].get("email")]
        if step == "approved":
            user = _contact_user(application)
            # A login without a password yet (new, or never set) gets the set-password link again.
            if user is not None and not user.has_usable_password():
                context["set_password_url"] = set_password_url(user)
                context["days_valid"] = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
            context["login_url"] = settings.BASE_URL + reverse("publisher_login")
            context["forgot_url"] = settings.BASE_URL + reverse("publisher_password_reset")
        subject = render_to_string(f"publishers/email/application_{step}_subject.txt", context)
        text = render_to_string(f"publishers/email/application_{step}.txt", context)
        html = render_to_string(f"publishers/email/application_{step}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    return message


@task()
def send_application_email(application_id: int, step: str, nonce: str = "") -> None:
    """Send the applicant the email for ``step``. The decision stands whatever happens here.

    A confirmation (``nonce``: of the submission it confirms) is not sent once a newer
    submission replaced that one: its link could only confirm the newer one."""
    if step not in STEPS:
        raise ValueError(step)
    application = (
        ExhibitorApplication.objects.select_related("event", "publisher").filter(pk=application_id).first()
    )
    if application is None:
        return
    if step == "confirm" and application.pending.get("nonce") != nonce:
        return
    try:
        build_email(application, step).send()
    except Exception:  # logged for the operators; the admin shows the application's state anyway
        log.exception("The %s email of exhibitor application %s failed", step, application_id)
        raise
