"""The public exhibitor application form: thin. It validates, calls the service, and renders."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookday.ratelimit import allow, client_ip
from bookday.text import mask_email
from bookday.validators import rate_limit_email
from events.views import live_event
from publishers.forms_applications import ApplicationForm
from publishers.services.applications import (
    ApplicationError,
    applications_open,
    confirm_application,
    pending_application,
    submit_application,
)


def _too_many(request, form, *, email: str) -> bool:
    """Record the attempt; True (with a message on the form) when a limit is passed."""
    ip_ok = allow(f"apply-ip:{client_ip(request)}", settings.RATE_LIMIT_PER_IP, 60)
    email_ok = allow(f"apply-email:{rate_limit_email(email)}", settings.RATE_LIMIT_PER_EMAIL, 3600)
    if ip_ok and email_ok:
        return False
    form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
    return True


@require_http_methods(["GET", "POST"])
def apply_view(request, pk: int):
    event = live_event(pk)
    is_open = applications_open(event)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and is_open and form.is_valid():
        data = form.cleaned_data
        if data["fax"]:
            # A bot filled the hidden field: answer like a success, keep nothing.
            return redirect("exhibitor_apply_thanks", pk=event.pk)
        if _too_many(request, form, email=data["email"]):
            status = 429
        else:
            try:
                result = submit_application(
                    event=event, data=data, logo=data["logo"], language=get_language()
                )
            except ApplicationError as error:
                error.add_to(form)
                status = 409
            else:
                # Masked: the page tells where to look without telling a stranger whose address it is.
                request.session["apply_confirm_to"] = [mask_email(email) for email in result.confirm_to]
                return redirect("exhibitor_apply_thanks", pk=event.pk)
    elif request.method == "POST":
        status = 400 if is_open else 409
    return render(
        request,
        "publishers/apply.html",
        {"event": event, "form": form, "is_open": is_open},
        status=status,
    )


def apply_thanks(request, pk: int):
    sent_to = request.session.get("apply_confirm_to", [])
    return render(request, "publishers/apply_thanks.html", {"event": live_event(pk), "sent_to": sent_to})


@require_http_methods(["GET", "POST"])
def apply_confirm(request, token: str):
    """The emailed link: GET shows what will be confirmed (mail scanners open links), POST confirms."""
    try:
        application = pending_application(token)
        if request.method == "POST":
            application = confirm_application(token=token)
            return render(request, "publishers/apply_confirmed.html", {"application": application})
    except ApplicationError as error:
        return render(request, "publishers/apply_link_invalid.html", {"message": error.message}, status=400)
    context = {"application": application, "submitted": application.pending["data"]}
    return render(request, "publishers/apply_confirm.html", context)
