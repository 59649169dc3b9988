"""Public views: thin. They validate, call a service, and render."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from bookday.ratelimit import allow_all, client_ip
from bookday.text import mask_email
from bookday.validators import rate_limit_email
from events.enums import RegistrationStatus, RegistrationWindow
from events.forms import (
    EMAIL_DOMAIN_TYPOS,
    AccessCodeForm,
    AccessRequestForm,
    ChangeForm,
    FindPassForm,
    RegistrationForm,
    SessionBookingForm,
)
from events.models import EventPage, Pass, ProgrammeItem, Registration, SessionBooking
from events.services import access
from events.services.calendar import event_calendar as render_event_calendar
from events.services.calendar import google_calendar_url
from events.services.calendar import pass_calendar as render_pass_calendar
from events.services.passes import pass_code_groups, pass_pdf, qr_svg
from events.services.registration import (
    RegistrationError,
    cancel,
    change,
    confirm_hold,
    held_registration,
    register,
    release_expired_holds,
)
from events.services.sessions import SessionError, book, cancel_booking, sessions_for_pass
from events.tasks import resend_passes_to

log = logging.getLogger(__name__)


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


def _over_limit(request, *, email: str = "") -> bool:
    """Record the attempt; True when a limit is passed."""
    limits = [(f"ip:{client_ip(request)}", settings.RATE_LIMIT_PER_IP, 60)]
    if email:
        limits.append((f"email:{rate_limit_email(email)}", settings.RATE_LIMIT_PER_EMAIL, 3600))
    return not allow_all(*limits)


def _too_many(request, form, *, email: str = "") -> bool:
    """Record the attempt; True (with a message on the form) when a limit is passed."""
    if not _over_limit(request, email=email):
        return False
    form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
    return True


@require_http_methods(["GET", "POST"])
def register_view(request, pk: int):
    event = get_object_or_404(EventPage.objects.live().public().prefetch_related("questions"), pk=pk)
    window = event.registration_window()
    posted = _with_suggested_email(request.POST) if request.method == "POST" else None
    availability = event.places_left_by_day()
    form = RegistrationForm(event, posted, availability=availability)
    status = 200
    if request.method == "POST" and window == RegistrationWindow.OPEN and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the hidden field: answer like a success, keep nothing.
            return render(request, "events/registration_received.html", {"event": event})
        if form.needs_email_check:
            pass  # the page asks "did you mean ...?"; nothing is written until the visitor answers
        elif _too_many(request, form, email=data["email"]):
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
                    answers=form.answers(),
                    language=get_language(),
                )
            except RegistrationError as error:
                error.add_to(form)
                # A conflict when the event's state refuses (full, closed), as the API answers;
                # the request's content (an answer missing) is a bad request, like a form error.
                status = 409 if error.code in error.statuses else 400
            else:
                if not result.created:
                    # Anyone can type anyone's address: the pass goes to the mailbox, not the screen.
                    # Nothing of the form is applied, so say so, and where changes are made.
                    context = {
                        "event": event,
                        "already": True,
                        "pending": result.registration.status == RegistrationStatus.PENDING,
                        "visit_date": data["visit_date"],
                        "sent_to": mask_email(data["email"]),
                    }
                    return render(request, "events/registration_received.html", context)
                return redirect("pass_detail", code=result.registration.entry_pass.code)
    elif request.method == "POST":
        status = 400 if window == RegistrationWindow.OPEN else 409
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "page": event,
            "form": form,
            "registration_window": window,
            "email_typos": EMAIL_DOMAIN_TYPOS,
            "a_day_is_full": any(left <= 0 for left in availability.values()),
        },
        status=status,
    )


def _with_suggested_email(data):
    """The posted form, with the suggested address when the visitor chose "use ..." for it."""
    suggestion = data.get("use_suggestion", "")
    if not suggestion:
        return data
    from events.forms import suggest_email

    if suggest_email(data.get("email", "")) != suggestion:
        return data  # only the correction the form itself offered
    data = data.copy()
    data["email"] = suggestion
    return data


# Pages and files with a visitor's personal data: never kept by a proxy, a shared computer's
# browser cache or the page cache.
personal = cache_control(private=True, no_store=True, max_age=0)


def _pass(code: str) -> Pass:
    code = "".join(code.split()).upper()
    # An erased registration has no pass page: there is no one left to show it for.
    passes = Pass.objects.filter(registration__anonymised_at__isnull=True)
    return get_object_or_404(passes.select_related("registration__event", "registration__day"), code=code)


def _pass_context(entry_pass: Pass) -> dict:
    registration = entry_pass.registration
    event = registration.event
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    places_left = None
    if registration.status == RegistrationStatus.EXPIRED and event.registration_open:
        places_left = max(event.places_left_by_day().get(registration.day.date, 0), 0)
    return {
        "entry_pass": entry_pass,
        "registration": registration,
        "event": event,
        "page_description": event.search_description or event.intro,
        # Only a confirmed registration shows a code that looks like it admits someone.
        "qr": qr_svg(entry_pass.url) if confirmed else "",
        "code_groups": pass_code_groups(entry_pass.code),
        "queue_position": Registration.objects.queue_position(registration),
        "sent_to": mask_email(registration.email),
        "google_calendar_url": google_calendar_url(event, registration.day.date, details=entry_pass.url),
        "places_left": places_left,  # a released hold: whether registering again can work
        "sessions": sessions_for_pass(entry_pass),
    }


@personal
def pass_detail(request, code: str):
    """The pass page. Its address is inside the QR, which people photograph and share: it shows
    the pass and nothing that changes it (that takes the emailed link or a one-time code)."""
    entry_pass = _pass(code)
    if entry_pass.code != code:
        return redirect("pass_detail", code=entry_pass.code)
    return render(request, "events/pass_detail.html", _pass_context(entry_pass))


@personal
@require_http_methods(["POST"])
def pass_sessions(request, code: str):
    """Book or cancel places at a session from the pass page: the pass says who and how many.

    The pass code is enough, as in the API (POST /api/v1/passes/{code}/sessions/)."""
    entry_pass = _pass(code)
    form = SessionBookingForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose a session and how many people.")
    else:
        data = form.cleaned_data
        session = ProgrammeItem.objects.filter(
            pk=data["session_id"], page_id=entry_pass.registration.event_id
        ).first()
        if session is None:
            raise Http404
        try:
            if request.POST.get("action") == "cancel":
                booking = (
                    SessionBooking.objects.active().filter(entry_pass=entry_pass, session=session).first()
                )
                if booking is not None:
                    cancel_booking(booking=booking)
                return redirect(entry_pass.path + "?session_cancelled=1#sessions")
            result = book(entry_pass=entry_pass, session=session, people=data["people"])
        except SessionError as refusal:
            error = refusal.message
        else:
            return redirect(entry_pass.path + f"?session_booked={result.booking.pk}#sessions")
    context = {**_pass_context(entry_pass), "session_error": error}
    return render(request, "events/pass_detail.html", context, status=409)


@personal
def pass_gate(request, code: str):
    """The QR alone, as large and as contrasted as the screen allows, for the gate."""
    entry_pass = _pass(code)
    if entry_pass.registration.status != RegistrationStatus.CONFIRMED:
        return redirect("pass_detail", code=entry_pass.code)
    return render(request, "events/pass_gate.html", _pass_context(entry_pass))


# Statuses with something to put in a PDF or a calendar: a hold has no pass yet, a released
# hold never had one.
NO_PASS = (RegistrationStatus.PENDING, RegistrationStatus.EXPIRED)


@personal
def pass_pdf_view(request, code: str):
    entry_pass = _pass(code)
    if entry_pass.registration.status in NO_PASS:
        return redirect("pass_detail", code=entry_pass.code)
    response = HttpResponse(pass_pdf(entry_pass), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ve-vao-cong-{entry_pass.code}.pdf"'
    return response


@personal
def pass_calendar(request, code: str):
    entry_pass = _pass(code)
    if entry_pass.registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED):
        raise Http404  # a cancelled visit has no place in anyone's calendar
    return _ics(render_pass_calendar(entry_pass), f"ve-{entry_pass.code}")


def _managed_pass(request, code: str) -> tuple[Pass, str]:
    """The pass and the signed token that proves its mailbox; 404 without a valid one."""
    entry_pass = _pass(code)
    token = request.POST.get("t") or request.GET.get("t", "")
    if not access.token_valid(entry_pass.code, token):
        raise Http404  # a forged or expired link looks like no link at all
    return entry_pass, token


@personal
@require_http_methods(["GET", "POST"])
def pass_manage(request, code: str):
    """Change the day or the party size, or go on to cancel: only from the signed link."""
    entry_pass, token = _managed_pass(request, code)
    registration = entry_pass.registration
    event = registration.event
    form = ChangeForm(registration, request.POST or None, availability=event.places_left_by_day())
    status = 200
    offer_waitlist = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change(
                registration=registration,
                visit_date=data["visit_date"],
                party_size=data["party_size"],
                join_waitlist=data["join_waitlist"],
            )
        except RegistrationError as error:
            error.add_to(form)
            offer_waitlist = error.code == "full"
            status = 409
        else:
            return redirect(entry_pass.path + "?changed=1")
    elif request.method == "POST":
        status = 400
    context = {
        **_pass_context(entry_pass),
        "form": form,
        "token": token,
        "offer_waitlist": offer_waitlist or bool(form.data.get("join_waitlist")),
        "cancel_url": f"/p/{entry_pass.code}/cancel/?t={token}",
    }
    return render(request, "events/pass_manage.html", context, status=status)


@personal
@require_http_methods(["GET", "POST"])
def pass_cancel(request, code: str):
    """GET asks for confirmation (mail scanners follow links); POST cancels."""
    entry_pass, token = _managed_pass(request, code)
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


@personal
@require_http_methods(["GET", "POST"])
def pass_access(request, code: str):
    """ "Change or cancel" from the pass page: a one-time code to the registration's address,
    typed in here, leads to the same page as the emailed link."""
    entry_pass = _pass(code)
    registration = entry_pass.registration
    action = request.POST.get("action") if request.method == "POST" else None
    form = AccessCodeForm(request.POST if action == "check" else None)
    request_form = AccessRequestForm(request.POST if action == "send" else None)
    context = {
        "entry_pass": entry_pass,
        "registration": registration,
        "event": registration.event,
        "sent_to": mask_email(registration.email),
        "form": form,
        "request_form": request_form,
        "sent": request.method == "POST" and not request_form.errors,
    }
    status = 200
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING):
        return redirect("pass_detail", code=entry_pass.code)  # nothing to change or cancel yet
    if action == "send":
        if not request_form.is_valid():
            status = 400  # no code is sent without the proof-of-work check
        elif _over_limit(request) or not access.request_code(registration=registration):
            context["refused"] = _(
                "Too many codes were asked for this pass. Use the newest email, or wait an hour."
            )
            status = 429
    elif request.method == "POST":
        if not form.is_valid():
            status = 400
        elif _too_many(request, form):
            status = 429
        elif access.check_code(registration=registration, code=form.cleaned_data["code"]):
            return redirect(access.manage_url(entry_pass.code, absolute=False))
        else:
            form.add_error("code", _("This code is wrong or no longer valid. Ask for a new one if needed."))
            status = 400
    return render(request, "events/pass_access.html", context, status=status)


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
            # The same answer, after the same work, whether or not the address has registrations:
            # the look-up happens in the task, so neither the page nor its timing tells who did.
            try:
                resend_passes_to.enqueue(form.cleaned_data["email"])
            except Exception as error:  # the queue (e.g. Redis) is down: say nothing more than usual
                log.warning("Could not queue find-my-pass: %s", error)
            return render(request, "events/registration_received.html", {"find": True})
    return render(request, "events/find_pass.html", {"form": form}, status=status)


@personal
@require_http_methods(["GET", "POST"])
def hold_confirm(request, token: str):
    """The link emailed to a group whose places are held: GET shows what will be confirmed (mail
    scanners open links), POST confirms and leads to the pass. A late link says the places were
    released and offers to register again."""
    try:
        registration = held_registration(token)
    except RegistrationError as error:
        return render(request, "events/hold_confirm.html", {"error": error}, status=404)
    entry_pass = registration.entry_pass
    if request.method == "POST":
        try:
            result = confirm_hold(token=token)
        except RegistrationError as error:
            registration.refresh_from_db()
            context = {**_pass_context(entry_pass), "error": error}
            return render(request, "events/hold_confirm.html", context, status=410)
        flag = "confirmed" if result.confirmed_now else "already_confirmed"
        return redirect(f"{entry_pass.path}?{flag}=1")
    if registration.status == RegistrationStatus.CONFIRMED:
        return redirect(f"{entry_pass.path}?already_confirmed=1")
    if registration.status == RegistrationStatus.CANCELLED:
        return render(
            request, "events/hold_confirm.html", {"error": RegistrationError("link_invalid")}, status=404
        )
    if registration.status == RegistrationStatus.PENDING and registration.held_until <= timezone.now():
        # What the next registration for that day or the periodic run would do anyway; done now
        # so that the places left shown below are exact.
        release_expired_holds(day_id=registration.day_id)
        registration.refresh_from_db()
    context = _pass_context(entry_pass)
    if registration.status != RegistrationStatus.PENDING:
        context["error"] = RegistrationError("hold_expired")
        return render(request, "events/hold_confirm.html", context, status=410)
    return render(request, "events/hold_confirm.html", context)
