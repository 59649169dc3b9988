"""The server's decision and colour against the shared table of cases that the scanner's
offline twin (decide.js) is tested against too: tests/shared/scanner_cases.json."""

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from events.enums import RegistrationStatus
from events.services.checkin import _decide, tone
from events.services.checkin_sql import ScannedPass

TABLE = json.loads((Path(__file__).parents[1] / "shared" / "scanner_cases.json").read_text())
STATUS = {
    "c": RegistrationStatus.CONFIRMED,
    "w": RegistrationStatus.WAITING,
    "x": RegistrationStatus.CANCELLED,
}
TODAY = dt.date(2026, 12, 3)


def _event(settings: dict):
    opens, closes = (dt.time.fromisoformat(settings[key]) for key in ("opens", "closes"))
    return SimpleNamespace(
        pk=1,
        enforce_opening_hours=settings["enforce_opening_hours"],
        allow_reentry=settings["allow_reentry"],
        opens_on=lambda day: timezone.make_aware(dt.datetime.combine(day, opens)),
        closes_on=lambda day: timezone.make_aware(dt.datetime.combine(day, closes)),
    )


@pytest.mark.parametrize("case", TABLE["cases"], ids=[case["name"] for case in TABLE["cases"]])
def test_the_server_decides_as_the_table_says(case):
    event = _event({**TABLE["event"], **case.get("event", {})})
    scanned_at = timezone.make_aware(dt.datetime.combine(TODAY, dt.time.fromisoformat(case["at"])))
    found = case["pass"]
    entry_pass = previous = None
    if found:
        day = TODAY + dt.timedelta(days=found["day"])
        entry_pass = ScannedPass(7, found["party"], 1, STATUS[found["status"]], day, "Đặng Thị Hương", "")
        previous = [{"at": scanned_at, "gate": "Cổng A", "admitted": found["in"]}] if found["in"] else []
    result, admitted, _party, remaining = _decide(
        entry_pass, event, TODAY, scanned_at, case.get("headcount"), previous or []
    )
    colour = tone(result, remaining, len(previous or []))
    expected = case["expect"]
    assert {"result": result, "admitted": admitted, "remaining": remaining, "tone": colour} == expected
