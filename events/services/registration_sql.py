"""The statements of a registration while its day is locked, in plain SQL.

Every registration for a day waits for that day's row lock, and the ORM spent about 0.7 ms of
CPU building each of these statements, several times what PostgreSQL needs to run them. The
rest of registration (the day's first registration, cancellation, the waiting list, the admin)
uses the ORM; only these are hand-written, for PostgreSQL and SQLite alike. A field added to
Registration or Pass without a database default must be added to the INSERTs below (the
registration tests fail until it is).
"""

import datetime as dt

from django.db import connection

from events.enums import HOLDS_PLACES, RegistrationStatus


def _for_update() -> str:
    # Only the day's row, not the event page joined for its capacity.
    if connection.features.has_select_for_update_of:
        return " FOR UPDATE OF d"
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_day(event_id: int, date: dt.date) -> tuple[int, int] | None:
    """(day id, the event's stored daily capacity), the day locked until the end of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, e.daily_capacity FROM events_eventday d"
            " JOIN events_eventpage e ON e.page_ptr_id = d.event_id"
            " WHERE d.event_id = %s AND d.date = %s" + _for_update(),
            [event_id, connection.ops.adapt_datefield_value(date)],
        )
        return cursor.fetchone()


def people_holding_places(day_id: int, now: dt.datetime) -> tuple[int, int]:
    """(people who take the day's places, holds among them whose time is over at ``now``).

    The first is the twin in SQL of RegistrationQuerySet.holding_places(), with the same
    statuses (tests compare the two); the second tells the caller to release holds first
    (release_expired_holds), in the same statement so the common path costs nothing more.

    A statement of its own after the lock: under READ COMMITTED it sees what the previous holder
    of the lock committed (a subquery in the locking SELECT would read the snapshot taken before
    the wait, and oversell)."""
    marks = ", ".join(["%s"] * len(HOLDS_PLACES))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(party_size), 0),"
            " COUNT(CASE WHEN status = %s AND held_until <= %s THEN 1 END)"
            f" FROM events_registration WHERE day_id = %s AND status IN ({marks})",
            [
                RegistrationStatus.PENDING.value,
                adapt(now),
                day_id,
                *(status.value for status in HOLDS_PLACES),
            ],
        )
        people, expired = cursor.fetchone()
        return people, expired


def release_expired_holds(day_id: int, now: dt.datetime) -> int:
    """Under the day's lock: mark the day's holds whose time is over as expired. How many.

    One indexed UPDATE that usually touches nothing, so every capacity decision can afford it
    and a hold is released exactly when it ends, with no worker needed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_registration SET status = %s"
            " WHERE day_id = %s AND status = %s AND held_until <= %s",
            [
                RegistrationStatus.EXPIRED.value,
                day_id,
                RegistrationStatus.PENDING.value,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        return cursor.rowcount


REGISTRATION_COLUMNS = (
    "event_id",
    "day_id",
    "full_name",
    "email",
    "phone",
    "party_size",
    "organisation",
    "status",
    "source",
    "language",
    "consent_at",
    "consent_version",
    "created_at",
    "confirmed_at",
    "held_until",
    "cancelled_at",
    "email_sent_at",
    "email_attempts",
    "email_error",
    "anonymised_at",
    "answers",
)
PASS_COLUMNS = ("registration_id", "code", "pdf", "pdf_fingerprint", "created_at")
_DATETIMES = {
    "consent_at",
    "created_at",
    "confirmed_at",
    "held_until",
    "cancelled_at",
    "email_sent_at",
    "anonymised_at",
}


_JSON = {"answers"}


def _adapt(column: str, value, adapt_datetime):
    if column in _DATETIMES:
        return adapt_datetime(value)
    if column in _JSON:  # as JSONField stores it on either database
        return connection.ops.adapt_json_value(value, None)
    return value


def insert(table: str, columns: tuple[str, ...], values: dict) -> int:
    """Insert one row of ``values`` (keyed by column); its id. Unique indexes raise IntegrityError."""
    adapt = connection.ops.adapt_datetimefield_value
    params = [_adapt(c, values[c], adapt) for c in columns]
    returning = connection.features.can_return_columns_from_insert
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(sql + (" RETURNING id" if returning else ""), params)
        return cursor.fetchone()[0] if returning else cursor.lastrowid
