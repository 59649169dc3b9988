"""Finding a registration at the gate when the visitor has no QR with them.

Read only: admitting one goes through events.services.checkin like any scan (recorded as a
manual admission). Only the registrations for the given day are searched, so what staff can
see is bounded by one day's capacity and never reaches the offline bundle.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Sum, Value, When

from bookday.text import accent_insensitive_regex
from events.enums import NOT_ISSUED, RegistrationStatus
from events.models import CheckIn, EventPage, Registration
from events.models.registration import PASS_ALPHABET, PASS_CODE_LENGTH
from events.validators import normalize_vn_mobile

MAX_RESULTS = 5


_DIGITS = re.compile(r"^[\d\s.+\-()]{6,}$")
_CODE = re.compile(rf"^[{PASS_ALPHABET}]{{4,{PASS_CODE_LENGTH}}}$")


def matching(queryset, query: str):
    """Registrations of ``queryset`` that match ``query``, the way the help desk and the gate
    search: a phone number in any spelling ("0912 345 678", "+84912345678", or its last digits),
    words of the name or organisation with or without accents ("nguyen thi hong"), an email
    address or a pass code (whole, or its last characters read out)."""
    query = " ".join(query.split())
    try:
        return queryset.filter(phone=normalize_vn_mobile(query))
    except ValidationError:  # not a whole mobile number
        pass
    if _DIGITS.match(query):
        digits = re.sub(r"\D", "", query).removeprefix("84").removeprefix("0")
        if len(digits) >= 4:
            return queryset.filter(phone__contains=digits)
    words = Q()
    for word in query.split():
        pattern = accent_insensitive_regex(word)
        words &= Q(full_name__regex=pattern) | Q(organisation__regex=pattern)
    found = words | Q(email__icontains=query)
    code = query.replace(" ", "").upper()
    if _CODE.match(code):
        found |= Q(entry_pass__code__endswith=code)
    return queryset.filter(found)


def find(*, event: EventPage, query: str, day: dt.date) -> list[dict]:
    """Up to MAX_RESULTS registrations of ``event`` for ``day`` that match ``query``: a phone
    number in any spelling, the end of the pass code (4 characters or more), or words of the name
    or organisation without accents ("tran van binh"). Any status: the screen tells a
    cancelled or waiting registration from a valid one.

    Raises ValueError("query_too_short") for fewer than three characters."""
    query = " ".join(str(query or "").split())
    if len(query) < 3:
        raise ValueError("query_too_short")
    matches = matching(
        Registration.objects.filter(event=event, day__date=day).exclude(status__in=NOT_ISSUED), query
    )
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
