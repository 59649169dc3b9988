"""The three statements of a check-in, in plain SQL: lock the pass, read its admissions, insert.

A deliberate exception to the ORM (docs/architecture.md lists it): every scan runs them, and
the ORM spends several times what the database needs to build each one. The transaction, the
replay of a client_id and everything else about a check-in stay in events.services.checkin,
on Django's connection handling (so a pooler such as PgBouncer in transaction mode works). A
field added to CheckIn without a database default must be added to INSERT below (the
check-in tests fail until it is).
"""

import datetime as dt
from typing import NamedTuple

from django.db import connection

from events.enums import CheckInResult


class ScannedPass(NamedTuple):
    id: int
    party_size: int
    event_id: int
    status: str
    date: dt.date
    full_name: str
    organisation: str


_LOCK = (
    "SELECT p.id, r.party_size, r.event_id, r.status, d.date, r.full_name, r.organisation"
    " FROM events_pass p"
    " JOIN events_registration r ON r.id = p.registration_id"
    " JOIN events_eventday d ON d.id = r.day_id"
    " WHERE p.code = %s"
)
_ADMISSIONS = (
    "SELECT c.scanned_at, g.name, c.admitted"
    " FROM events_checkin c JOIN events_gate g ON g.id = c.gate_id"
    " WHERE c.entry_pass_id = %s AND c.day = %s AND c.result = %s AND c.undone_at IS NULL"
    " ORDER BY c.scanned_at"
)
_COLUMNS = (
    "event_id",
    "gate_id",
    "entry_pass_id",
    "code",
    "method",
    "result",
    "admitted",
    "day",
    "scanned_at",
    "received_at",
    "user_id",
    "device",
    "client_id",
    "request_fingerprint",
    "offline_result",
    "flagged",
    "answer",
)
_INSERT = f"INSERT INTO events_checkin ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"


def _for_update() -> str:
    # Only the pass row: its registration and day are read, not locked, so scans of different
    # passes (and registrations for the same day) never wait for each other. SQLite has no row
    # locks; it lets one writer at a time in anyway.
    if connection.features.has_select_for_update_of:
        return " FOR UPDATE OF p"
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_pass(code: str) -> ScannedPass | None:
    """The pass with this code, locked until the end of the transaction, with what decides it."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK + _for_update(), [code])
        row = cursor.fetchone()
    return ScannedPass(*row) if row else None


def admissions(pass_id: int, day: dt.date) -> list[dict]:
    """The pass's admissions that count on ``day`` (not undone), oldest first.

    A statement of its own, after the lock: under READ COMMITTED it sees an admission that a
    concurrent scan of the same pass committed while we waited for the lock. (A subquery in
    the locking SELECT would not: it reads the snapshot taken before the wait.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            _ADMISSIONS, [pass_id, connection.ops.adapt_datefield_value(day), CheckInResult.ADMITTED.value]
        )
        rows = cursor.fetchall()
    return [{"at": _aware(at), "gate": gate, "admitted": admitted} for at, gate, admitted in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC datetimes (what Django stores there); PostgreSQL aware ones.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def insert_checkin(**values) -> int:
    """Insert one CheckIn row from ``values`` (keyed by column); its id. A client_id used before
    raises IntegrityError (unique)."""
    ops = connection.ops
    values["day"] = ops.adapt_datefield_value(values["day"])
    values["scanned_at"] = ops.adapt_datetimefield_value(values["scanned_at"])
    values["received_at"] = ops.adapt_datetimefield_value(values["received_at"])
    values["answer"] = ops.adapt_json_value(values["answer"], None)
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(_INSERT + (" RETURNING id" if returning else ""), [values[c] for c in _COLUMNS])
        return cursor.fetchone()[0] if returning else cursor.lastrowid
