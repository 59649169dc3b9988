"""The check-in's plain-SQL reading of "admissions that count" (events/services/checkin_sql.py,
run on every scan) is the twin of CheckIn.objects.counted() (events/models/checkin.py COUNTED):
for every result, undone or not, on the day and the day before, both pick the same rows."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from events.enums import CheckInResult
from events.models import CheckIn, Gate
from events.services import checkin_sql
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


def test_the_sql_twin_counts_what_the_queryset_counts(event):
    gate = Gate.objects.create(event=event, name="Cổng A")
    today = timezone.localdate()
    entry_pass = register_visitor(
        event, visit_date=today, party_size=3, notify=False, now=event.opens_on(event.start_date)
    ).registration.entry_pass
    at = timezone.now() - dt.timedelta(hours=2)
    cases = itertools.product(CheckInResult, (False, True), (today, today - dt.timedelta(days=1)))
    for n, (result, undone, day) in enumerate(cases):
        CheckIn.objects.create(
            event=event,
            gate=gate,
            entry_pass=entry_pass,
            code=entry_pass.code,
            result=result,
            admitted=1,
            day=day,
            scanned_at=at + dt.timedelta(seconds=n),
            undone_at=at + dt.timedelta(minutes=5) if undone else None,
            client_id=f"twin-{n}",
        )

    counted = CheckIn.objects.counted().filter(entry_pass=entry_pass, day=today).order_by("scanned_at")
    in_sql = checkin_sql.admissions(entry_pass.pk, today)

    assert [row["at"] for row in in_sql] == [checkin.scanned_at for checkin in counted]
    assert len(in_sql) == 1  # one admitted, not undone, today: the table really has the others
