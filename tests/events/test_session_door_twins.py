"""The session door's rule on the server, case by case from the table that the scanner's offline
twin (decide.js decideSession, tests/js/session-door-twins.test.mjs) is tested against too:
tests/shared/session_door_cases.json. Each case is set up in the database and decided by
admit(); the scanner bundle built from the same rows must carry what the phone decides from."""

import datetime as dt
import json
from itertools import count
from pathlib import Path

import pytest

from events.enums import ProgrammeKind, RegistrationStatus, SessionBookingStatus, SessionEntryResult
from events.models import Registration, SessionAdmission, SessionBooking
from events.services.scanner import bundle_salt, code_digest, scanner_bundle
from events.services.session_door import admit
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db

TABLE = json.loads((Path(__file__).parents[1] / "shared" / "session_door_cases.json").read_text())
STATUS = {
    "c": RegistrationStatus.CONFIRMED,
    "w": RegistrationStatus.WAITING,
    "x": RegistrationStatus.CANCELLED,
}
_client_ids = count(1)


def _setup(event, case):
    day = event.start_date + dt.timedelta(days=1)
    session = ProgrammeItemFactory(
        page=event,
        date=day,
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=case["places"],
        allow_walk_ins=case["walk_ins"],
        kind=ProgrammeKind.WORKSHOP,
    )
    if case["others"]:
        other = register_visitor(
            event, visit_date=day, party_size=case["others"], organisation="Trường THCS Suối Hoa"
        ).registration.entry_pass
        SessionBooking.objects.create(session=session, entry_pass=other, people=case["others"])
    found = case["pass"]
    if found is None:
        return session, "ZZZZZZZZZZZZZZZZ"
    visit = day + dt.timedelta(days=found["day"])
    entry_pass = register_visitor(event, visit_date=visit, party_size=found["party"]).registration.entry_pass
    Registration.objects.filter(pk=entry_pass.registration_id).update(status=STATUS[found["status"]])
    booking = case["booking"]
    if booking:
        status = SessionBookingStatus.WAITING if booking.get("waiting") else SessionBookingStatus.BOOKED
        SessionBooking.objects.create(
            session=session, entry_pass=entry_pass, people=booking["people"], status=status
        )
    if case.get("in"):
        SessionAdmission.objects.create(
            session=session,
            entry_pass=entry_pass,
            code=entry_pass.code,
            result=SessionEntryResult.BOOKED,
            admitted=booking["people"],
            scanned_at=event.opens_on(day),
            client_id=f"before-{next(_client_ids)}",
        )
    return session, entry_pass.code


@pytest.mark.parametrize("case", TABLE["cases"], ids=[case["name"] for case in TABLE["cases"]])
def test_the_door_decides_as_the_table_says(event, case):
    session, code = _setup(event, case)
    bundle = json.loads(scanner_bundle(event))
    decision = admit(code=code, session=session, client_id=f"twin-{next(_client_ids)}")
    expected = case["expect"]
    assert {
        "result": decision.result,
        "admitted": decision.admission.admitted,
        "tone": decision.tone,
    } == expected

    # What the phone would have decided from: the same facts, in the bundle's words.
    [entry] = [item for item in bundle["sessions"] if item["id"] == session.pk]
    digest = code_digest(bundle_salt(event), code)
    own = [booking for booking in entry["bookings"] if booking["h"] == digest]
    booking = case["booking"]
    assert own == (
        [{"h": digest, "p": booking["people"], **({"w": 1} if booking.get("waiting") else {})}]
        if booking
        else []
    )
    own_booked = booking["people"] if booking and not booking.get("waiting") else 0
    assert entry["free"] == case["places"] - case["others"] - own_booked
    assert (digest in entry["in"]) == bool(case.get("in"))
    assert entry["walk_ins"] == case["walk_ins"]
    assert entry["date"] == session.date.isoformat()
