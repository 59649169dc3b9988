"""The gate phone's running totals: people in today, with and without a pass. Read only.

The organisers' figures are the figures app's; these few numbers are the scanner's own, so
they stay with the gates (figures sit above events, and events never imports them).
"""

import datetime as dt

from django.db.models import Q, Sum

from events.models import CheckIn, EventPage, Gate, WalkIn


def gate_totals(*, event: EventPage, gate: Gate, day: dt.date) -> dict:
    """People in on ``day`` with a pass and without one, at ``gate`` and at the whole event."""
    at_gate = Q(gate=gate)
    admitted = (
        CheckIn.objects.counted()
        .filter(event=event, day=day)
        .aggregate(event=Sum("admitted", default=0), gate=Sum("admitted", filter=at_gate, default=0))
    )
    walk_ins = (
        WalkIn.objects.counted()
        .filter(event=event, day=day)
        .aggregate(event=Sum("count", default=0), gate=Sum("count", filter=at_gate, default=0))
    )
    return {
        "day": day,
        "gate_admitted": admitted["gate"],
        "gate_walk_ins": walk_ins["gate"],
        "event_admitted": admitted["event"],
        "event_walk_ins": walk_ins["event"],
        "event_visits": admitted["event"] + walk_ins["event"],
    }
