"""The scanner bundle: what a gate phone needs to decide on its own when the network drops.

It holds no names, emails or phone numbers, and no pass codes either: each code is replaced by
a salted SHA-256 digest, which the phone recomputes from the QR it reads. The event's sessions
with places come with their bookings and who was let in, so that a phone at a session's door
decides too (decide.js decideSession). Cancellations and admissions reach the phone with the
next refresh (every minute while online).
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db.models import CharField, DateTimeField, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.enums import NOT_ISSUED, RegistrationStatus, SessionBookingStatus
from events.models import CheckIn, EventPage, Pass, ProgrammeItem, SessionAdmission, SessionBooking
from events.models.sessions import ACTIVE_BOOKING

STATUS = {
    RegistrationStatus.CONFIRMED: "c",
    RegistrationStatus.WAITING: "w",
    RegistrationStatus.CANCELLED: "x",
}


def bundle_salt(event: EventPage) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"scanner:{event.pk}".encode(), "sha256").hexdigest()[:16]


def code_digest(salt: str, code: str) -> str:
    return hashlib.sha256((salt + code).encode()).hexdigest()[:32]


def scanner_bundle(event: EventPage) -> bytes:
    """The bundle as JSON bytes; identical input gives identical bytes (for the ETag)."""
    salt = bundle_salt(event)
    on_its_day = CheckIn.objects.counted().filter(
        entry_pass=OuterRef("pk"), day=OuterRef("registration__day__date")
    )
    admitted = on_its_day.values("entry_pass").annotate(n=Sum("admitted")).values("n")
    last = on_its_day.order_by("-scanned_at")
    rows = (
        Pass.objects.filter(registration__event=event)
        .exclude(registration__status__in=NOT_ISSUED)  # read as "no such pass", as online
        .annotate(
            used=Coalesce(Subquery(admitted, output_field=IntegerField()), 0),
            last_at=Subquery(last.values("scanned_at")[:1], output_field=DateTimeField()),
            last_gate=Subquery(last.values("gate__name")[:1], output_field=CharField()),
        )
        .values_list(
            "code",
            "registration__party_size",
            "registration__day__date",
            "registration__status",
            "used",
            "last_at",
            "last_gate",
        )
        .order_by("pk")
    )
    data = {
        "event": {
            "id": event.pk,
            "title": event.title,
            "days": [day.isoformat() for day in event.days],
            "opens": event.opening_time.strftime("%H:%M"),
            "closes": event.closing_time.strftime("%H:%M"),
            "enforce_opening_hours": event.enforce_opening_hours,
            "allow_reentry": event.allow_reentry,
        },
        "gates": [{"id": gate.pk, "name": gate.name} for gate in event.gates.all()],
        "salt": salt,
        "sessions": _sessions(event, salt),
        "passes": [
            _entry(salt, code, party, day, status, used, last_at, last_gate)
            for code, party, day, status, used, last_at, last_gate in rows
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _entry(salt, code, party, day, status, used, last_at, last_gate) -> dict:
    entry = {"h": code_digest(salt, code), "p": party, "d": day.isoformat(), "s": STATUS[status], "a": used}
    if last_at:  # when and where it was last used on its day, for the refusal's reason
        entry.update(t=timezone.localtime(last_at).strftime("%H:%M"), g=last_gate)
    return entry


def _sessions(event: EventPage, salt: str) -> list[dict]:
    """Sessions with places: their free places, bookings and admissions by pass digest."""
    sessions = list(
        ProgrammeItem.objects.filter(page=event, places__isnull=False).order_by("date", "start_time", "pk")
    )
    ids = [session.pk for session in sessions]
    bookings: dict[int, list] = {pk: [] for pk in ids}
    rows = (
        SessionBooking.objects.filter(session_id__in=ids, status__in=ACTIVE_BOOKING)
        .values_list("session_id", "entry_pass__code", "people", "status", "queue_number")
        .order_by("pk")
    )
    for session_id, code, people, status, number in rows:
        entry = {"h": code_digest(salt, code), "p": people}
        if status != SessionBookingStatus.BOOKED:
            entry["w"] = 1
        if number is not None:
            entry["n"] = number
        bookings[session_id].append(entry)
    admitted: dict[int, set] = {pk: set() for pk in ids}
    people_in = dict.fromkeys(ids, 0)
    for session_id, code, people in (
        SessionAdmission.objects.admitted()
        .filter(session_id__in=ids, entry_pass__isnull=False)
        .values_list("session_id", "entry_pass__code", "admitted")
    ):
        admitted[session_id].add(code_digest(salt, code))
        people_in[session_id] += people
    out = []
    for session in sessions:
        booked = sum(entry["p"] for entry in bookings[session.pk] if "w" not in entry)
        out.append(
            {
                "id": session.pk,
                "title": session.title,
                "author": session.speakers,
                "signing": session.is_signing,
                "date": session.date.isoformat(),
                "start": session.start_time.strftime("%H:%M"),
                "place": session.place,
                "places": session.places,
                "walk_ins": session.allow_walk_ins,
                "free": max(session.places - booked, 0),
                "bookings": bookings[session.pk],
                "in": sorted(admitted[session.pk]),
                "people_in": people_in[session.pk],
            }
        )
    return out
