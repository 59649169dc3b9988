"""Finding a registration at the gate when the visitor has no QR with them.

Read only: admitting one goes through events.services.checkin like any scan (recorded as a
manual admission). Only the registrations for the given day are searched, so what staff can
see is bounded by one day's capacity and never reaches the offline bundle.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Sum, Value, When

from bookday.text import fold
from events.enums import RegistrationStatus
from events.models import CheckIn, EventPage, Registration
from events.models.registration import PASS_ALPHABET
from events.validators import normalize_vn_mobile

MAX_RESULTS = 5
_CODE_TAIL = re.compile(rf"^[{PASS_ALPHABET}]{{4,6}}$")


def find(*, event: EventPage, query: str, day: dt.date) -> list[dict]:
    """Up to MAX_RESULTS registrations of ``event`` for ``day`` that match ``query``: a phone
    number in any spelling, the last 4 to 6 characters of the pass code, or words of the name
    or organisation without accents ("tran van binh"). Any status: the screen tells a
    cancelled or waiting registration from a valid one.

    Raises ValueError("query_too_short") for fewer than three characters."""
    query = " ".join(str(query or "").split())
    if len(query) < 3:
        raise ValueError("query_too_short")
    registrations = Registration.objects.filter(event=event, day__date=day)
    try:
        matches = registrations.filter(phone=normalize_vn_mobile(query))
    except ValidationError:
        compact = query.replace(" ", "").upper()
        if _CODE_TAIL.match(compact):
            matches = registrations.filter(entry_pass__code__endswith=compact)
        else:
            words = fold(query).split()
            # Accent-insensitive matching in Python: the day holds at most its capacity, and only
            # id, name and organisation are read.
            ids = [
                pk
                for pk, name, organisation in registrations.values_list("pk", "full_name", "organisation")
                if all(word in fold(f"{name} {organisation}") for word in words)
            ][: MAX_RESULTS * 4]
            matches = registrations.filter(pk__in=ids)
    confirmed_first = Case(
        When(status=RegistrationStatus.CONFIRMED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    found = list(
        matches.select_related("entry_pass").order_by(confirmed_first, "full_name", "pk")[:MAX_RESULTS]
    )
    used = dict(
        CheckIn.objects.counted()
        .filter(entry_pass__registration__in=found, day=day)
        .values_list("entry_pass__registration")
        .annotate(n=Sum("admitted"))
    )
    return [
        {
            "code": registration.entry_pass.code,
            "name": registration.full_name,
            "organisation": registration.organisation,
            "party_size": registration.party_size,
            "status": registration.status,
            "remaining": max(registration.party_size - used.get(registration.pk, 0), 0)
            if registration.status == RegistrationStatus.CONFIRMED
            else 0,
            "day": day,
        }
        for registration in found
    ]
