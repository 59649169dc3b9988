"""The statements of a check-in, in plain SQL, and the one transaction that runs them.

Every scan runs them, and the ORM spends about 0.6 ms of CPU building each one, several times
what the database needs to run it: most of a gate's budget at a thousand scans a second. The
rest of the check-in code (replays, undo, walk-ins, the admin) uses the ORM; only these are
hand-written, for PostgreSQL and SQLite alike. A field added to CheckIn without a database
default must be added to INSERT below (the check-in tests fail until it is).

On PostgreSQL, outside any transaction of the caller's, :func:`scan` sends its statements in
two round trips (psycopg's pipeline mode, prepared statements): ``BEGIN``, the lock and the
pass's admissions together; then the insert and ``COMMIT`` together. Each round trip to the
database costs both processes a wake-up and a pass through the network stack, which at this
size is more than the statements themselves.
"""

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import psycopg
from django.db import IntegrityError, connection, transaction
from psycopg.pq import TransactionStatus

from events.enums import CheckInResult


class ScannedPass(NamedTuple):
    id: int
    party_size: int
    event_id: int
    status: str
    date: dt.date


# decide(pass or None, its admissions on the day) -> the columns that depend on them
Decide = Callable[[ScannedPass | None, list[dict]], dict]

_LOCK = (
    "SELECT p.id, r.party_size, r.event_id, r.status, d.date"
    " FROM events_pass p"
    " JOIN events_registration r ON r.id = p.registration_id"
    " JOIN events_eventday d ON d.id = r.day_id"
    " WHERE p.code = %s"
)
_ADMISSIONS = (
    "SELECT c.scanned_at, g.name, c.admitted"
    " FROM events_checkin c JOIN events_gate g ON g.id = c.gate_id"
    " WHERE c.entry_pass_id = {pass_id} AND c.day = %s AND c.result = %s AND c.undone_at IS NULL"
    " ORDER BY c.scanned_at"
)
_COLUMNS = (
    "event_id",
    "gate_id",
    "entry_pass_id",
    "code",
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
)
_INSERT = f"INSERT INTO events_checkin ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"


def scan(code: str | None, day: dt.date, row: dict, decide: Decide) -> tuple[int, list[dict]]:
    """Lock the pass with ``code``, read its admissions on ``day``, let ``decide`` complete the
    CheckIn ``row``, insert it and commit, all in one transaction.

    Returns (the check-in's id, the pass's earlier admissions that count on the day, oldest
    first). A ``client_id`` used before raises IntegrityError and nothing is written.
    """
    if _can_pipeline():
        return _scan_pipelined(code, day, row, decide)
    with transaction.atomic():
        entry_pass = lock_pass(code) if code else None
        previous = admissions(entry_pass.id, day) if entry_pass else []
        row.update(decide(entry_pass, previous))
        return insert_checkin(**row), previous


def _can_pipeline() -> bool:
    # Inside the caller's transaction (a test, a batch) the statements must join it: Django's
    # atomic() is used then, as on SQLite.
    return (
        connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit()
    )


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
            _ADMISSIONS.format(pass_id="%s"),
            [pass_id, connection.ops.adapt_datefield_value(day), CheckInResult.ADMITTED.value],
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
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(_INSERT + (" RETURNING id" if returning else ""), [values[c] for c in _COLUMNS])
        return cursor.fetchone()[0] if returning else cursor.lastrowid


# --- PostgreSQL: two round trips --------------------------------------------------------------
# The admissions are read by the pass's code in the same batch as the lock: the statement runs
# after the lock is granted, with a snapshot of its own (READ COMMITTED), as above.
_PG_LOCK = _LOCK + " FOR UPDATE OF p"
_PG_ADMISSIONS = _ADMISSIONS.format(pass_id="(SELECT id FROM events_pass WHERE code = %s)")
_PG_INSERT = _INSERT + " RETURNING id"


def _scan_pipelined(code, day, row, decide):
    # The connection is used directly, so Django's health check (a `SELECT 1` round trip before
    # the first query of each request) does not run; its job is done here instead: a connection
    # the server dropped fails the first batch, which writes nothing and is simply run again on
    # a new connection.
    connection.ensure_connection()
    try:
        entry_pass, previous = _lock_and_read(connection.connection, code, day)
    except psycopg.OperationalError:
        if not (connection.connection.closed or connection.connection.broken):
            raise
        connection.close()
        connection.ensure_connection()
        entry_pass, previous = _lock_and_read(connection.connection, code, day)
    raw = connection.connection
    try:
        row.update(decide(entry_pass, previous))
        with raw.pipeline():
            inserted = psycopg.Cursor(raw)
            inserted.execute(_PG_INSERT, [row[c] for c in _COLUMNS], prepare=True)
            raw.execute("COMMIT")
    except psycopg.IntegrityError as error:
        _abandon(raw)
        raise IntegrityError(*error.args) from error
    except BaseException:
        _abandon(raw)
        raise
    return inserted.fetchone()[0], previous


def _lock_and_read(raw, code, day):
    """BEGIN, lock the pass, read its admissions: one round trip. The transaction stays open."""
    try:
        with raw.pipeline():
            raw.execute("BEGIN")
            if code is None:  # not a pass code at all: nothing to lock, only the insert follows
                return None, []
            lock = psycopg.Cursor(raw)
            lock.execute(_PG_LOCK, [code], prepare=True)
            earlier = psycopg.Cursor(raw)
            earlier.execute(_PG_ADMISSIONS, [code, day, CheckInResult.ADMITTED.value], prepare=True)
        found = lock.fetchone()
        previous = [{"at": at, "gate": gate, "admitted": n} for at, gate, n in earlier.fetchall()]
    except BaseException:
        _abandon(raw)
        raise
    return (ScannedPass(*found), previous) if found else (None, [])


def _abandon(raw) -> None:
    """Roll back whatever the pipelined statements left open; the connection stays usable."""
    if not raw.closed and not raw.broken and raw.info.transaction_status != TransactionStatus.IDLE:
        raw.execute("ROLLBACK")
