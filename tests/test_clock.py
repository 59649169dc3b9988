"""The tests' clock (tests/conftest.py `clock`): every test runs at 10:00 in the fair's time
zone, whatever the wall clock says. `make test-clock` runs the time-sensitive modules with the
whole process's clock set by libfaketime to 22:30, 00:05 and 08:00 in Hanoi, and sets
FAKETIME_EXPECT so that the first test here proves the faked clock really reached the process."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from freezegun import api as freezegun

from tests.conftest import TEST_HOUR
from tests.factories import register_visitor


def wall_clock() -> dt.datetime:
    """The process's own clock in Hanoi, under the tests' freeze. Read through the module:
    freezegun swaps every module's reference to the real time functions for its fake."""
    return dt.datetime.fromtimestamp(freezegun.real_time(), ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.skipif("FAKETIME_EXPECT" not in os.environ, reason="run by `make test-clock` under libfaketime")
def test_the_process_runs_at_the_faked_hour():
    # The process's real clock (under the tests' freeze), in Hanoi: a few minutes after the
    # hour libfaketime was told to start at, however late the run has got.
    wall = wall_clock()
    expected = dt.datetime.combine(wall.date(), dt.time.fromisoformat(os.environ["FAKETIME_EXPECT"]))
    expected = expected.replace(tzinfo=wall.tzinfo)
    late = (wall - expected).total_seconds()
    if late < 0:  # started just before midnight, read after: compare with yesterday's hour
        late += 86400
    assert 0 <= late < 15 * 60, f"the process's clock reads {wall:%H:%M}, not {expected:%H:%M}"


def test_every_test_runs_at_the_pinned_hour_of_today():
    now = timezone.localtime()
    assert now.date() == wall_clock().date()
    assert TEST_HOUR <= now.time() < dt.time(TEST_HOUR.hour + 1)


def test_today_is_open_for_registration_at_the_pinned_hour(event):
    # The factory event closes at 21:00: without the pinned hour this is refused after 21:00.
    registration = register_visitor(event).registration
    assert registration.day.date == timezone.localdate()
