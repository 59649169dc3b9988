"""Event endpoints of the JSON API: thin, over the same form and service as the website."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from bookday import hotcache
from bookday.api_errors import ApiError, invalid
from bookday.ratelimit import allow_all, client_ip
from bookday.validators import rate_limit_email
from events.enums import RegistrationSource, RegistrationStatus
from events.forms import RegistrationForm
from events.models import EventPage
from events.services.registration import register

router = Router(tags=["events"])
MAX_QUESTIONS = 50  # answers in one request: more than any event asks, a bound on the work


class EventOut(Schema):
    id: int
    title: str
    slug: str
    url: str
    start_date: dt.date
    end_date: dt.date
    venue: str
    venue_address: str
    registration_open: bool


class RegistrationIn(Schema):
    full_name: str = Field(..., max_length=120, examples=["Đặng Thị Hương"])
    email: str = Field(..., max_length=254, examples=["huong@example.vn"])
    phone: str = Field(
        ..., max_length=30, description="Vietnamese mobile, any common spelling", examples=["0912 345 678"]
    )
    visit_date: dt.date = Field(..., description="One of the event's days")
    party_size: int = Field(1, description="People admitted by the pass: 1 up to the event's largest group")
    organisation: str = Field(
        "", max_length=200, description="Required for groups above the event's threshold"
    )
    consent: bool = Field(..., description="Consent to processing personal data for this event")
    answers: dict[str, str | list[str] | bool] = Field(
        default_factory=dict,
        max_length=MAX_QUESTIONS,
        description="Answers to the event's own questions, {question id: value}: text for a short-text "
        "question, one of its choices for a one-choice question, a list of its choices for a "
        "several-choice question, true or false for a yes/no question. A required question the "
        "party is asked (individuals, groups, or both) must be answered; a missing or unknown "
        "answer is 422 invalid with the message under `answers.<question id>`.",
        examples=[{"12": "Facebook", "13": "Lớp 9A"}],
    )
    join_waitlist: bool = Field(
        True, description="Join the waiting list when the day is full (else 409 full)"
    )
    altcha: str = Field(
        "",
        description="A solved ALTCHA proof-of-work challenge, as the website's form sends it: GET "
        "/altcha/challenge/, find the number with any ALTCHA library (altcha.org; a fraction of a "
        "second), and send the base64 JSON payload. Each challenge is accepted once, within 20 "
        "minutes. Missing or wrong: 422 invalid, with a message on `altcha`.",
    )


class RegistrationOut(Schema):
    code: str | None = Field(..., description="The pass code; null while a group's places are held")
    status: str = Field(
        ...,
        description="confirmed, waiting, or pending_confirmation: a group above the event's threshold "
        "holds its places until the link emailed to it is followed (no pass until then)",
    )
    pass_url: str | None = Field(..., description="null while pending_confirmation")
    pdf_url: str | None = Field(..., description="null while pending_confirmation")
    held_until: dt.datetime | None = Field(
        None, description="pending_confirmation: the places are released at this time unless confirmed"
    )


class AlreadyRegisteredOut(Schema):
    status: str = Field("already_registered", description="The existing pass was emailed again")


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


@router.get("/", response=list[EventOut], summary="List live events")
def list_events(request):
    """Every published event, soonest first, with whether registration is open now."""
    events = EventPage.objects.live().public().order_by("start_date", "pk")
    return [
        EventOut(
            id=event.pk,
            title=event.title,
            slug=event.slug,
            url=event.absolute_url,
            start_date=event.start_date,
            end_date=event.end_date,
            venue=event.venue_name,
            venue_address=event.venue_address,
            registration_open=event.registration_open,
        )
        for event in events
    ]


@router.post(
    "/{event_id}/registrations/",
    response={
        201: RegistrationOut,
        200: AlreadyRegisteredOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Register visitors for one day",
)
def create_registration(request, event_id: int, payload: RegistrationIn):
    """Register a person or a group, for schools and partners. The pass is emailed as well.

    201: a new registration, confirmed or on the waiting list, or for a group above the event's
    threshold `pending_confirmation`: its places are held until `held_until` and it gets its pass
    only once the link emailed to it is followed (no code here until then). 200: that email is
    already registered for that day; nothing is created and the existing pass (or confirmation
    link) is emailed again (never returned here).
    409 `full` / `closed`. 422 `invalid` with per-field messages. (A refusal of the service is
    answered by bookday.api_errors: RegistrationError.statuses says which codes are conflicts.)
    """
    # Remembered for a few seconds (bookday.hotcache); publishing, unpublishing, editing the event
    # or a page restriction is seen at once. The capacity itself is read under the day's lock.
    event = hotcache.remember(
        ("register-event", event_id),
        # Its questions with it: the form and the service read them, no query per registration.
        lambda: EventPage.objects.live().public().filter(pk=event_id).prefetch_related("questions").first(),
        request,
    )
    if event is None:
        raise Http404
    data = payload.dict()
    # The API takes the same proof-of-work check as the web form (`altcha`, validated by the
    # form): it is as anonymous as the form, so exempting it would leave bots the open door. A
    # partner's program solves a challenge in a fraction of a second with any ALTCHA library;
    # one rule, no partner keys to issue, store or revoke.
    form = RegistrationForm(
        event,
        data={
            **data,
            "visit_date": data["visit_date"].isoformat(),
            "consent": "on" if data["consent"] else "",
        },
    )
    if not form.is_valid():
        raise invalid({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    clean = form.cleaned_data
    # As on the web form: generous per network address (a school shares one), strict per email
    # (each repeat re-sends the pass to that address, so it must not be usable to flood a mailbox).
    if not allow_all(
        (f"ip:{client_ip(request)}", settings.RATE_LIMIT_PER_IP, 60),
        (f"email:{rate_limit_email(clean['email'])}", settings.RATE_LIMIT_PER_EMAIL, 3600),
    ):
        raise ApiError(429, "rate_limited", _("Too many attempts. Please wait a few minutes and try again."))
    result = register(
        event=event,
        full_name=clean["full_name"],
        email=clean["email"],
        phone=clean["phone"],
        visit_date=clean["visit_date"],
        party_size=clean["party_size"],
        organisation=clean["organisation"],
        consent=clean["consent"],
        answers=payload.answers,
        join_waitlist=data["join_waitlist"],
        source=RegistrationSource.API,
        language=get_language(),
    )
    if not result.created:
        return Status(200, {"status": "already_registered"})
    registration = result.registration
    if registration.status == RegistrationStatus.PENDING:
        # No pass yet: the code would only be a pass once the mailbox has confirmed it.
        return Status(
            201,
            {
                "code": None,
                "status": registration.status,
                "pass_url": None,
                "pdf_url": None,
                "held_until": timezone.localtime(registration.held_until),
            },
        )
    code = registration.entry_pass.code
    return Status(
        201,
        {
            "code": code,
            "status": registration.status,
            "pass_url": settings.BASE_URL + reverse("pass_detail", args=[code]),
            "pdf_url": settings.BASE_URL + reverse("pass_pdf", args=[code]),
        },
    )
