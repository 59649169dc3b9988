"""Exhibitor applications: the one place that decides who applies, who exhibits and at which booth.

An application is keyed by (event, tax code), and a tax code is public: so nothing typed into
the public form takes effect until a link emailed to an address that already speaks for the
organisation is followed. That is the typed address for a first application, the confirmed
address for a re-application, and the portal accounts for a publisher that already has some
(a returning publisher may also apply from its portal, signed in). Every confirmed change of
contact details is kept on the application for organisers to see.
Approval turns it into a Publisher (or links the returning one with that tax code), an
Exhibitor at the event with its booths, and a portal login for the contact email. Every
decision locks the application row, so two organisers clicking at once cannot approve twice.
Emails go out through a background task after the transaction commits.
"""

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from events.models import EventPage
from publishers.emails import send_application_email
from publishers.enums import ApplicationStatus, BoothSize, OrganisationType
from publishers.models import Exhibitor, ExhibitorApplication, Publisher, PublisherUser
from publishers.services.confirmation import read_confirmation_token
from publishers.validators import normalize_tax_code, normalize_vn_phone

log = logging.getLogger(__name__)

MAX_LOGO_BYTES = 2 * 1024 * 1024
# A booth number as printed on the floor plan: "A12", "B-03", "S1.2".
_BOOTH = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")

# What the application form sends; everything else in ``data`` is ignored.
FIELDS = [
    "organisation_name",
    "kind",
    "tax_code",
    "contact_name",
    "email",
    "phone",
    "address",
    "website",
    "description",
    "booth_size",
    "preferred_zone",
    "expected_titles",
    "expected_copies",
]
REQUIRED = ["organisation_name", "kind", "tax_code", "contact_name", "email", "phone", "address"]
# Shown to organisers when they change: who speaks for the organisation and how to reach it.
CONTACT_FIELDS = ["organisation_name", "contact_name", "email", "phone", "address", "website"]


class ApplicationError(ServiceError):
    """Why an application, its confirmation or an organiser's decision on it is refused."""

    messages = {
        "closed": _("Applications for this event are closed: the event is over or not published."),
        "already_approved": _("This application has already been approved."),
        "already_rejected": _("This application has already been rejected."),
        "consent_required": _("Please agree to the processing of your data for this application."),
        "required": _("This field is required."),
        "invalid": _("Check this field."),
        "logo_too_large": _("The logo must be smaller than 2 MB."),
        "reason_required": _("Give the applicant a reason for the rejection."),
        "invalid_booths": _(
            "Write booth numbers separated by commas, for example A12, A13 (letters, digits, dots "
            "and dashes, at most 10 characters each)."
        ),
        "booth_taken": _("Booth %(booths)s is already assigned to %(exhibitor)s at this event."),
        "email_in_use": _(
            "The contact email %(email)s already belongs to another account (a staff member or "
            "another publisher). Ask the applicant to send the form again with another address (it "
            "updates this application), then approve it."
        ),
        "not_approved": _("Booths can be assigned once the application is approved."),
        "not_confirmed": _("The applicant has not confirmed this application from their email yet."),
        "link_invalid": _(
            "This confirmation link is not valid: it has expired, was already used, or a newer "
            "submission replaced it. Send the form again to get a new link."
        ),
    }


@dataclass(frozen=True)
class SubmitResult:
    application: ExhibitorApplication
    created: bool  # False: an earlier application for the same event and tax code exists
    confirm_to: list[str]  # where the confirmation link went; [] when it took effect at once


@dataclass(frozen=True)
class ApprovalResult:
    application: ExhibitorApplication
    publisher: Publisher
    exhibitor: Exhibitor
    user: object  # the contact's Django user
    new_publisher: bool
    new_account: bool


def applications_open(event: EventPage) -> bool:
    """Published and not over yet (by the fair's local date)."""
    return event.live and event.end_date >= timezone.localdate()


def _clean(data: dict) -> dict:
    """Strip, normalise and check the fields; raises ApplicationError on the first bad one."""
    clean = {key: data.get(key) for key in FIELDS}
    for key, value in clean.items():
        if isinstance(value, str):
            clean[key] = " ".join(value.split()) if key != "description" else value.strip()
    for key in REQUIRED:
        if not clean[key]:
            raise ApplicationError("required", field=key)
    try:
        clean["tax_code"] = normalize_tax_code(clean["tax_code"])
        clean["phone"] = normalize_vn_phone(clean["phone"])
    except ValidationError as error:
        field = "tax_code" if error.code.startswith("tax_code") else "phone"
        raise ApplicationError("invalid", field=field, message=error.messages[0]) from error
    clean["email"] = clean["email"].lower()
    clean["website"] = clean["website"] or ""
    clean["description"] = clean["description"] or ""
    clean["preferred_zone"] = (clean["preferred_zone"] or "")[:80]
    if clean["kind"] not in OrganisationType.values:
        raise ApplicationError("invalid", field="kind")
    if clean["booth_size"] not in BoothSize.values:
        raise ApplicationError("invalid", field="booth_size")
    for key in ("expected_titles", "expected_copies"):
        if not isinstance(clean[key], int) or clean[key] < 0:
            raise ApplicationError("invalid", field=key)
    return clean


def submit_application(
    *, event: EventPage, data: dict, logo=None, language: str = "vi", member=None
) -> SubmitResult:
    """Record an application to exhibit at ``event``; it reaches organisers once confirmed.

    Guarantees: one application per (event, tax code); on any refusal nothing is written.
    - From the public form (``member`` None) the submission is kept aside and a confirmation
      link is emailed (:func:`confirm_application` applies it): to the typed address for a
      first application; to the confirmed address when the application exists; to the
      publisher's portal accounts when the tax code is a publisher's that has any. Nothing the
      form says replaces what was confirmed before.
    - From the portal (``member``: a signed-in user of the publisher with this tax code) it takes
      effect at once.
    Re-applying sends a rejected application back to review; an approved one is refused with
    ``already_approved``; ``closed`` when the event is over or unpublished.
    """
    if not applications_open(event):
        raise ApplicationError("closed")
    if not data.get("consent"):
        raise ApplicationError("consent_required", field="consent")
    clean = _clean(data)
    if logo is not None and logo.size > MAX_LOGO_BYTES:
        raise ApplicationError("logo_too_large", field="logo")
    publisher = Publisher.objects.filter(tax_code=clean["tax_code"]).first()
    if member is not None and (publisher is None or member.publisher_user.publisher_id != publisher.pk):
        raise ApplicationError("invalid", field="tax_code")
    now = timezone.now()
    with transaction.atomic():
        application = _locked(event, clean["tax_code"])
        created = application is None
        if created:
            try:
                with transaction.atomic():
                    application = ExhibitorApplication.objects.create(
                        event=event,
                        **clean,
                        publisher=publisher,
                        consent_at=now,
                        language=language,
                        status=ApplicationStatus.UNCONFIRMED,
                    )
            except IntegrityError:  # the same tax code applied concurrently: that one it is
                application, created = _locked(event, clean["tax_code"]), False
        if application.status == ApplicationStatus.APPROVED:
            raise ApplicationError("already_approved")
        submission = {
            "nonce": secrets.token_urlsafe(12),
            "data": clean,
            "language": language,
            "logo": _keep_logo(logo),
            "at": now.isoformat(),
        }
        if member is not None:
            _apply(application, submission, by=member.email or member.get_username(), now=now)
            confirm_to = []
        else:
            confirm_to = _confirmers(application, publisher, clean["email"])
            application.pending = {**submission, "confirm_to": confirm_to}
            application.save(update_fields=["pending", "updated_at"])
            _email_later(application, "confirm", submission["nonce"])
    return SubmitResult(application, created, confirm_to)


def _confirmers(application: ExhibitorApplication, publisher: Publisher | None, typed: str) -> list[str]:
    """Who may confirm a submission from the public form: never the form alone for an
    organisation that already has a confirmed address or portal accounts."""
    if publisher is not None:
        accounts = list(
            get_user_model()
            .objects.filter(publisher_user__publisher=publisher, is_active=True)
            .exclude(email="")
            .order_by("pk")
            .values_list("email", flat=True)
        )
        if accounts:
            return accounts
    if application.email_confirmed_at:
        return [application.email]
    return [typed]


def _keep_logo(logo) -> str:
    """Store an uploaded logo aside until the submission is confirmed; its storage name."""
    if logo is None:
        return ""
    return default_storage.save(f"publishers/applications/{logo.name}", logo)


def pending_application(token: str) -> ExhibitorApplication:
    """The application whose pending submission this link confirms (read only); ``link_invalid``."""
    try:
        claim = read_confirmation_token(token)
    except signing.BadSignature:
        raise ApplicationError("link_invalid") from None
    application = ExhibitorApplication.objects.select_related("event").filter(pk=claim.get("a")).first()
    if application is None or not application.pending or application.pending.get("nonce") != claim.get("n"):
        raise ApplicationError("link_invalid")
    return application


def confirm_application(*, token: str) -> ExhibitorApplication:
    """Apply the submission this emailed link stands for: the application reaches organisers
    (or is updated), the change of contact details is recorded, the applicant is told.
    A link works once and only for the newest submission."""
    found = pending_application(token)
    with transaction.atomic():
        application = ExhibitorApplication.objects.select_for_update().get(pk=found.pk)
        if application.pending.get("nonce") != found.pending.get("nonce"):
            raise ApplicationError("link_invalid")
        if application.status == ApplicationStatus.APPROVED:
            raise ApplicationError("already_approved")
        by = ", ".join(application.pending.get("confirm_to", []))
        _apply(application, application.pending, by=by, now=timezone.now())
    return application


def _apply(application: ExhibitorApplication, submission: dict, *, by: str, now) -> None:
    """Make a confirmed submission the application's content; record contact changes."""
    data = submission["data"]
    first = application.status == ApplicationStatus.UNCONFIRMED
    changes = {
        field: [getattr(application, field), data[field]]
        for field in CONTACT_FIELDS
        if not first and getattr(application, field) != data[field]
    }
    for key, value in data.items():
        setattr(application, key, value)
    if submission.get("logo"):
        application.logo = submission["logo"]
    application.language = submission.get("language", application.language)
    application.consent_at = dt.datetime.fromisoformat(submission["at"])
    application.email_confirmed_at = now
    application.status = ApplicationStatus.SUBMITTED
    application.rejection_reason = ""
    application.decided_at = None
    application.decided_by = None
    application.pending = {}
    if first or changes:
        application.contact_history = [
            *application.contact_history,
            {"at": now.isoformat(), "by": by, "changes": changes},
        ]
    application.save()
    _email_later(application, "received")


def _locked(event: EventPage, tax_code: str) -> ExhibitorApplication | None:
    return ExhibitorApplication.objects.select_for_update().filter(event=event, tax_code=tax_code).first()


def normalize_booths(text: str) -> str:
    """ "a12; a13 ,A12" -> "A12, A13". Empty is allowed (booths assigned later)."""
    booths = []
    for part in re.split(r"[,;\s]+", str(text or "").upper()):
        if not part:
            continue
        if not _BOOTH.match(part):
            raise ApplicationError("invalid_booths", field="booths")
        if part not in booths:
            booths.append(part)
    result = ", ".join(booths)
    if len(result) > 60:
        raise ApplicationError("invalid_booths", field="booths")
    return result


def _check_booths_free(event: EventPage, booths: str, *, exclude_publisher_id: int | None) -> None:
    wanted = set(filter(None, booths.split(", ")))
    if not wanted:
        return
    others = Exhibitor.objects.filter(event=event).exclude(booths="").select_related("publisher")
    if exclude_publisher_id:
        others = others.exclude(publisher_id=exclude_publisher_id)
    for other in others:
        taken = wanted & set(other.booths.split(", "))
        if taken:
            raise ApplicationError(
                "booth_taken", field="booths", booths=", ".join(sorted(taken)), exhibitor=other.publisher.name
            )


def _lock_event(event: EventPage) -> None:
    """Serialise booth decisions per event, so two organisers cannot hand out the same booth."""
    EventPage.objects.select_for_update(of=("self",)).filter(pk=event.pk).values_list("pk").first()


def approve_application(*, application: ExhibitorApplication, booths: str = "", by=None) -> ApprovalResult:
    """Approve an application: publisher, exhibitor with booths, portal account, email.

    Guarantees, all in one transaction with the application row locked:
    - a Publisher with the application's tax code exists afterwards: a returning publisher is
      linked, never duplicated, and only its empty profile fields are filled from the application
      (what it keeps up to date in the portal is not overwritten);
    - one Exhibitor for (event, publisher) holds the booths, which no other exhibitor at the
      event holds (``booth_taken``);
    - the contact email has a non-staff login belonging to that publisher: created without a
      usable password (the email carries a link to set one), or an existing login of that
      publisher is reused. ``email_in_use`` when the address belongs to staff or another publisher.
    Refuses ``already_approved``; a rejected application may still be approved.
    """
    booths = normalize_booths(booths)
    with transaction.atomic():
        app = ExhibitorApplication.objects.select_for_update().select_related("event").get(pk=application.pk)
        if app.status == ApplicationStatus.APPROVED:
            raise ApplicationError("already_approved")
        if app.status == ApplicationStatus.UNCONFIRMED:
            raise ApplicationError("not_confirmed")
        _lock_event(app.event)
        publisher = Publisher.objects.select_for_update().filter(tax_code=app.tax_code).first()
        new_publisher = publisher is None
        _check_booths_free(app.event, booths, exclude_publisher_id=publisher and publisher.pk)
        if new_publisher:
            publisher = Publisher.objects.create(
                name=app.organisation_name,
                kind=app.kind,
                tax_code=app.tax_code,
                contact_name=app.contact_name,
                email=app.email,
                phone=app.phone,
                address=app.address,
                website=app.website,
                logo=app.logo.name if app.logo else "",
                description=app.description,
            )
        else:
            _fill_empty_profile(publisher, app)
        user, new_account = _account_for(publisher, app.email)
        exhibitor, _created = Exhibitor.objects.update_or_create(
            event=app.event, publisher=publisher, defaults={"booths": booths, "application": app}
        )
        app.status = ApplicationStatus.APPROVED
        app.publisher = publisher
        app.booths = booths
        app.rejection_reason = ""
        app.decided_at = timezone.now()
        app.decided_by = by
        app.save()
        _email_later(app, "approved")
    return ApprovalResult(app, publisher, exhibitor, user, new_publisher, new_account)


def _fill_empty_profile(publisher: Publisher, app: ExhibitorApplication) -> None:
    changed = []
    for field in ("address", "website", "description"):
        if not getattr(publisher, field) and getattr(app, field):
            setattr(publisher, field, getattr(app, field))
            changed.append(field)
    if not publisher.logo and app.logo:
        publisher.logo = app.logo.name
        changed.append("logo")
    if changed:
        publisher.save(update_fields=changed)


def _account_for(publisher: Publisher, email: str):
    """(user, created): the publisher's login for ``email``, created when there is none."""
    User = get_user_model()
    user = User.objects.select_related("publisher_user").filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User(username=_free_username(email), email=email, is_staff=False, is_active=True)
        user.set_unusable_password()
        user.save()
        PublisherUser.objects.create(user=user, publisher=publisher)
        return user, True
    membership = getattr(user, "publisher_user", None)
    if membership is not None:
        if membership.publisher_id == publisher.pk:
            return user, False
        raise ApplicationError("email_in_use", email=email)
    # A login with no publisher: only a plain one (not staff, in no staff group) may be linked.
    if user.is_staff or user.is_superuser or user.groups.exists():
        raise ApplicationError("email_in_use", email=email)
    PublisherUser.objects.create(user=user, publisher=publisher)
    return user, False


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email[:140]
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}-{n}", n + 1
    return username


def reject_application(*, application: ExhibitorApplication, reason: str, by=None) -> ExhibitorApplication:
    """Reject an application under review and email the applicant the reason.

    ``reason_required`` without a reason; ``already_approved`` / ``already_rejected`` when it
    was decided before (an approved exhibitor may already list stock). The applicant may apply
    again, which sends the application back to review.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", field="reason")
    with transaction.atomic():
        app = ExhibitorApplication.objects.select_for_update().get(pk=application.pk)
        if app.status == ApplicationStatus.APPROVED:
            raise ApplicationError("already_approved")
        if app.status == ApplicationStatus.REJECTED:
            raise ApplicationError("already_rejected")
        app.status = ApplicationStatus.REJECTED
        app.rejection_reason = reason[:1000]
        app.decided_at = timezone.now()
        app.decided_by = by
        app.save()
        _email_later(app, "rejected")
    return app


def assign_booths(
    *, booths: str, exhibitor: Exhibitor | None = None, application: ExhibitorApplication | None = None
) -> Exhibitor:
    """Give an exhibitor (or the exhibitor of an approved application) its booth numbers.

    Guarantees: booths are normalised ("a12;a13" -> "A12, A13") and held by no other exhibitor
    at the same event (``booth_taken``); the application, when there is one, shows the same booths.
    ``not_approved`` for an application that has no exhibitor yet.
    """
    if (exhibitor is None) == (application is None):
        raise TypeError("Pass exactly one of exhibitor or application.")
    booths = normalize_booths(booths)
    with transaction.atomic():
        if application is not None:
            exhibitor = Exhibitor.objects.filter(application_id=application.pk).first()
            if exhibitor is None:
                raise ApplicationError("not_approved")
        locked = Exhibitor.objects.select_for_update().select_related("event").get(pk=exhibitor.pk)
        _lock_event(locked.event)
        _check_booths_free(locked.event, booths, exclude_publisher_id=locked.publisher_id)
        locked.booths = booths
        locked.save(update_fields=["booths"])
        if locked.application_id:
            ExhibitorApplication.objects.filter(pk=locked.application_id).update(booths=booths)
    return locked


def _email_later(application: ExhibitorApplication, step: str, nonce: str = "") -> None:
    transaction.on_commit(lambda: _enqueue_email(application.pk, step, nonce))


def _enqueue_email(application_id: int, step: str, nonce: str = "") -> None:
    """The decision is saved; a queue outage must not turn it into an error page."""
    try:
        send_application_email.enqueue(application_id, step, nonce)
    except Exception as error:  # the queue (e.g. Redis) is unreachable
        log.warning("Could not queue the %s email of application %s: %s", step, application_id, error)
