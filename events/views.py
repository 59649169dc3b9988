"""Public views: thin. They validate, call a service, and render."""

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookday.ratelimit import allow_all, client_ip
from events.enums import RegistrationWindow
from events.forms import FindPassForm, RegistrationForm
from events.models import EventPage, Pass
from events.services.calendar import event_calendar as render_event_calendar
from events.services.calendar import pass_calendar as render_pass_calendar
from events.services.passes import pass_code_groups, pass_pdf, qr_svg
from events.services.registration import RegistrationError, cancel, register, resend_passes
from events.tasks import CANCEL_SALT, cancel_url


def live_event(pk: int) -> EventPage:
    return get_object_or_404(EventPage.objects.live().public(), pk=pk)


def event_calendar(request, pk: int):
    """The event's days as an .ics file, for phone and desktop calendars."""
    event = live_event(pk)
    return _ics(render_event_calendar(event), event.slug)


def _ics(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def _too_many(request, form, *, email: str = "") -> bool:
    """Record the attempt; True (with a message on the form) when a limit is passed."""
    limits = [(f"ip:{client_ip(request)}", settings.RATE_LIMIT_PER_IP, 60)]
    if email:
        limits.append((f"email:{email}", settings.RATE_LIMIT_PER_EMAIL, 3600))
    if allow_all(*limits):
        return False
    form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
    return True


@require_http_methods(["GET", "POST"])
def register_view(request, pk: int):
    event = live_event(pk)
    window = event.registration_window()
    form = RegistrationForm(event, request.POST or None, availability=event.places_left_by_day())
    status = 200
    if request.method == "POST" and window == RegistrationWindow.OPEN and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the hidden field: answer like a success, keep nothing.
            return render(request, "events/registration_received.html", {"event": event})
        if _too_many(request, form, email=data["email"]):
            status = 429
        else:
            try:
                result = register(
                    event=event,
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    visit_date=data["visit_date"],
                    party_size=data["party_size"],
                    organisation=data["organisation"],
                    consent=data["consent"],
                    language=get_language(),
                )
            except RegistrationError as error:
                form.add_error(error.field, error.message)
                status = 409
            else:
                if not result.created:
                    # Anyone can type anyone's address: the pass goes to the mailbox, not the screen.
                    return render(
                        request, "events/registration_received.html", {"event": event, "already": True}
                    )
                return redirect("pass_detail", code=result.registration.entry_pass.code)
    elif request.method == "POST":
        status = 400 if window == RegistrationWindow.OPEN else 409
    return render(
        request,
        "events/register.html",
        {"event": event, "page": event, "form": form, "registration_window": window},
        status=status,
    )


def _pass(code: str) -> Pass:
    code = "".join(code.split()).upper()
    return get_object_or_404(
        Pass.objects.select_related("registration__event", "registration__day"), code=code
    )


def pass_detail(request, code: str):
    entry_pass = _pass(code)
    if entry_pass.code != code:
        return redirect("pass_detail", code=entry_pass.code)
    registration = entry_pass.registration
    return render(
        request,
        "events/pass_detail.html",
        {
            "entry_pass": entry_pass,
            "registration": registration,
            "event": registration.event,
            "qr": qr_svg(entry_pass.url),
            "code_groups": pass_code_groups(entry_pass.code),
            "cancel_url": cancel_url(entry_pass.code),
        },
    )


def pass_pdf_view(request, code: str):
    entry_pass = _pass(code)
    response = HttpResponse(pass_pdf(entry_pass), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ve-vao-cong-{entry_pass.code}.pdf"'
    response["Cache-Control"] = "private, no-cache"
    return response


def pass_calendar(request, code: str):
    entry_pass = _pass(code)
    return _ics(render_pass_calendar(entry_pass), f"ve-{entry_pass.code}")


@require_http_methods(["GET", "POST"])
def pass_cancel(request, code: str):
    """GET asks for confirmation (mail scanners follow links); POST cancels."""
    entry_pass = _pass(code)
    token = request.POST.get("t") or request.GET.get("t", "")
    try:
        signing.TimestampSigner(salt=CANCEL_SALT).unsign(f"{entry_pass.code}:{token}", max_age=400 * 86400)
    except signing.BadSignature:
        raise Http404 from None  # a forged or expired link looks like no link at all
    registration = entry_pass.registration
    context = {
        "entry_pass": entry_pass,
        "registration": registration,
        "event": registration.event,
        "token": token,
    }
    if request.method == "POST":
        try:
            cancel(registration=registration)
        except RegistrationError as error:
            context["error"] = error.message
            return render(request, "events/pass_cancel.html", context, status=409)
        return redirect("pass_detail", code=entry_pass.code)
    return render(request, "events/pass_cancel.html", context)


@require_http_methods(["GET", "POST"])
def find_pass(request):
    form = FindPassForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif _too_many(request, form, email=form.cleaned_data["email"].strip().lower()):
            status = 429
        else:
            resend_passes(email=form.cleaned_data["email"])
            # The same answer whether or not the address has registrations: no one learns who did.
            return render(request, "events/registration_received.html", {"find": True})
    return render(request, "events/find_pass.html", {"form": form}, status=status)
