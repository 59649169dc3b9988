"""'My data' and the privacy notice: thin views over privacy.services."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookday.ratelimit import allow_all, client_ip
from bookday.validators import rate_limit_email
from events.consent import consent_text
from events.models import EventPage
from events.services.questions import answer_text, labelled_answers
from events.validators import display_vn_mobile
from events.views import personal
from home.models import SiteDetails
from privacy.enums import DataRequestKind
from privacy.forms import ConfirmForm, CorrectionForm, LinkRequestForm
from privacy.models import PrivacySettings
from privacy.services import PrivacyError, links, rights
from privacy.tasks import send_data_link

log = logging.getLogger(__name__)
SESSION_KEY = "privacy_link"


def _over_limit(request, email: str) -> bool:
    return not allow_all(
        (f"ip:{client_ip(request)}", settings.RATE_LIMIT_PER_IP, 60),
        (f"email:{rate_limit_email(email)}", settings.RATE_LIMIT_PER_EMAIL, 3600),
    )


@personal
@require_http_methods(["GET", "POST"])
def request_link(request):
    """Ask for a one-time link to one's data, sent to the address typed here."""
    form = LinkRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif _over_limit(request, form.cleaned_data["email"]):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            status = 429
        else:
            # The same answer, after the same work, whether or not the address registered.
            try:
                send_data_link.enqueue(form.cleaned_data["email"])
            except Exception as error:  # the queue is down: say nothing more than usual
                log.warning("Could not queue a link to my data: %s", error)
            return render(request, "privacy/link_sent.html")
    return render(request, "privacy/request.html", {"form": form}, status=status)


def _invalid(request):
    """One page for a forged, expired, used or missing link: it tells nothing about anyone."""
    return render(request, "privacy/link_invalid.html", status=404)


@personal
@require_http_methods(["GET", "POST"])
def open_link(request, token: str):
    """GET asks to open (mail scanners follow links, and the link works once); POST opens."""
    if request.method == "GET":
        return render(request, "privacy/open.html", {"token": token})
    link = links.open_link(token=token)
    if link is None:
        return _invalid(request)
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk
    links.log_request(
        kind=DataRequestKind.ACCESS,
        email=link.email,
        registrations=rights.registrations_of(link.email).count(),
        requested_at=link.opened_at,
    )
    return redirect("privacy:my_data")


def _email(request) -> str | None:
    return links.granted_email(request.session.get(SESSION_KEY))


def _page(request, email: str, *, forms: dict | None = None, status: int = 200, **extra):
    registrations = list(rights.registrations_of(email))
    forms = forms or {}
    to_come = rights.visits_to_come(email)
    for registration in registrations:
        registration.correction = forms.get(registration.pk) or CorrectionForm(
            initial={
                "full_name": registration.full_name,
                "phone": display_vn_mobile(registration.phone),
                "organisation": registration.organisation,
            },
            prefix=f"r{registration.pk}",
        )
        registration.consent_wording = consent_text(registration.consent_version)
        registration.answer_rows = [(q, answer_text(a)) for q, a in labelled_answers(registration)]
        for delivery in registration.messages_sent:
            delivery.label = rights.message_label(delivery)
        registration.to_come = registration.pk in to_come
    context = {
        "email": email,
        "registrations": registrations,
        "visits_to_come": len(to_come),
        "changed": request.GET.get("changed") == "1",
        "withdrawn": request.GET.get("withdrawn"),
        **extra,
    }
    return render(request, "privacy/my_data.html", context, status=status)


@personal
def my_data(request):
    email = _email(request)
    if email is None:
        return _invalid(request)
    return _page(request, email)


@personal
@require_POST
def correct(request):
    email = _email(request)
    if email is None:
        return _invalid(request)
    registration_id = request.POST.get("registration", "")
    if not registration_id.isdigit():
        return _page(request, email, status=400)
    form = CorrectionForm(request.POST, prefix=f"r{registration_id}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            rights.correct(
                email=email,
                registration_id=int(registration_id),
                full_name=data["full_name"],
                phone=data["phone"],
                organisation=data["organisation"],
            )
        except PrivacyError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(reverse("privacy:my_data") + "?changed=1")
    return _page(request, email, forms={int(registration_id): form}, status=400)


@personal
def download(request, export_format: str):
    email = _email(request)
    if email is None:
        return _invalid(request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if export_format == "json":
        body, content_type = rights.export_json(email=email), "application/json; charset=utf-8"
    else:
        body, content_type = rights.export_csv(email=email), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="du-lieu-cua-toi-{stamp}.{export_format}"'
    return response


@personal
@require_http_methods(["GET", "POST"])
def withdraw(request):
    email = _email(request)
    if email is None:
        return _invalid(request)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cancelled = rights.withdraw(email=email)
        return redirect(reverse("privacy:my_data") + f"?withdrawn={len(cancelled)}")
    context = {"form": form, "action": "withdraw", "visits_to_come": len(rights.visits_to_come(email))}
    return render(request, "privacy/confirm.html", context, status=400 if form.errors else 200)


@personal
@require_http_methods(["GET", "POST"])
def erase(request):
    email = _email(request)
    if email is None:
        return _invalid(request)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rights.erase(email=email)
        request.session.pop(SESSION_KEY, None)
        return render(request, "privacy/erased.html")
    context = {"form": form, "action": "erase", "visits_to_come": len(rights.visits_to_come(email))}
    return render(request, "privacy/confirm.html", context, status=400 if form.errors else 200)


def notice(request):
    """The privacy notice, written from the settings and the events' retention periods."""
    privacy = PrivacySettings.for_request(request)
    details = SiteDetails.for_request(request)
    today = timezone.localdate()
    context = {
        "controller": privacy.controller or details.organiser,
        "contact_email": privacy.contact_email or details.email,
        "contact_phone": privacy.contact_phone or details.phone,
        "contact_address": privacy.contact_address or details.address,
        "other_information": privacy.other_information,
        "default_retention_days": EventPage._meta.get_field("retention_days").default,
        "events": EventPage.objects.live()
        .upcoming(today)
        .order_by("start_date")
        .prefetch_related("questions")[:10],
    }
    return render(request, "privacy/notice.html", context)
