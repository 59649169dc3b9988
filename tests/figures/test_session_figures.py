"""Booked, attended and no-show people per session, in the figures and the report."""

import datetime as dt

import pytest

from events.enums import ProgrammeKind
from events.services.session_door import admit
from events.services.sessions import book
from figures.report import tables
from figures.stats import event_figures
from tests.conftest import pinned_now
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db


def test_booked_attended_and_no_show_per_session(event, clock):
    today = event.start_date + dt.timedelta(days=1)
    signing = ProgrammeItemFactory(
        page=event,
        date=today,
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=10,
        kind=ProgrammeKind.SIGNING,
        title="Ký tặng “Mắt biếc”",
        allow_walk_ins=True,
    )
    came, missed, walk_in = (
        register_visitor(event, visit_date=today, party_size=n).registration.entry_pass for n in (3, 2, 1)
    )
    book(entry_pass=came, session=signing, people=3)
    book(entry_pass=missed, session=signing, people=2)
    before = event_figures(event).by_session[0]
    assert (before.booked, before.attended, before.no_show) == (5, 0, 0)  # not started: nobody missed it yet

    clock.move_to(pinned_now(dt.time(14, 10)))
    admit(code=came.code, session=signing, client_id="door-fig-0001")
    admit(code=walk_in.code, session=signing, client_id="door-fig-0002")
    admit(code="rubbish", session=signing, client_id="door-fig-0003")  # refused: counts nowhere

    row = event_figures(event).by_session[0]
    assert (row.places, row.booked, row.attended, row.no_show) == (10, 6, 4, 2)
    table = next(t for t in tables(event_figures(event)) if t.slug == "by_session")
    assert [c.text for c in table.cells[0]][1:] == ["Ký tặng “Mắt biếc”", "10", "6", "4", "2"]
