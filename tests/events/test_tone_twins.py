"""The tone rule has a twin in the scanner's JavaScript (decide.js tone()): both read this table
(tests/js/decide.test.mjs reads it too), so they cannot drift apart."""

import json
from pathlib import Path

import pytest

from events.enums import CheckInResult, Tone
from events.services.checkin import tone

CASES = json.loads((Path(__file__).resolve().parents[1] / "cases" / "tone.json").read_text())["cases"]


def test_the_table_covers_every_result_and_tone():
    assert {case["result"] for case in CASES} == set(CheckInResult.values)
    assert {case["tone"] for case in CASES} == set(Tone.values)


def _name(case: dict) -> str:
    return f"{case['result']}-{case['remaining']}-{case['earlier']}"


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_the_service_gives_the_tone_of_the_table(case):
    assert tone(case["result"], case["remaining"], case["earlier"]) == case["tone"]
