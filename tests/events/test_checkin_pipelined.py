"""The check-in service's tests again, the way production runs them on PostgreSQL.

Outside any transaction of the caller's, a scan goes to the database in two pipelined round
trips instead of through Django's atomic(); a test's own transaction (the usual `db` fixture)
forces the atomic() path. So every test of test_checkin.py runs here once more with real
transactions, and a few more cover what only this path does.
"""

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from psycopg.pq import TransactionStatus

from events.enums import CheckInResult
from events.models import CheckIn
from tests.events.test_checkin import *  # noqa: F403 - the same tests, on this path
from tests.events.test_checkin import scan
from tests.factories import register_visitor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pipelined_path():
    if connection.vendor != "postgresql":
        pytest.skip("the pipelined path is PostgreSQL's (run `make test`)")
    assert not connection.in_atomic_block


def _terminate_our_backend():
    """What a database restart does to a worker's open connection."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_the_server_dropped_is_replaced_and_the_scan_counted_once(event, gate, today_pass):
    _terminate_our_backend()
    decision = scan(event, gate, today_pass.code)
    assert decision.result == CheckInResult.ADMITTED
    assert list(CheckIn.objects.values_list("result", flat=True)) == ["admitted"]


def test_a_failed_decision_leaves_nothing_open_and_the_connection_usable(
    event, gate, today_pass, monkeypatch
):
    from events.services import checkin

    def broken(*args):
        raise RuntimeError("a bug in the rules")

    monkeypatch.setattr(checkin, "_decide", broken)
    with pytest.raises(RuntimeError):
        scan(event, gate, today_pass.code)
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    monkeypatch.undo()
    assert CheckIn.objects.count() == 0
    assert scan(event, gate, today_pass.code).result == CheckInResult.ADMITTED


def test_a_replayed_client_id_rolls_back_and_answers_the_first_decision(event, gate, today_pass):
    first = scan(event, gate, today_pass.code, client_id="phone-1:scan-1")
    again = scan(event, gate, today_pass.code, client_id="phone-1:scan-1")
    assert again.replayed and (again.result, again.checkin.pk) == (first.result, first.checkin.pk)
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert CheckIn.objects.count() == 1


def test_previous_admissions_come_back_with_their_gate_and_time(event, gate):
    group = register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=5,
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass
    first = scan(event, gate, group.code, headcount=2)
    second = scan(event, gate, group.code)
    assert (second.admitted, second.remaining) == (3, 0)
    assert second.previous == [{"at": first.checkin.scanned_at, "gate": gate.name, "admitted": 2}]
