"""Every spreadsheet export goes through bookday.exports.cell(): local time, no "None"."""

import datetime as dt

import pytest

from bookday.exports import CSV, XLSX, cell, local_phone


@pytest.mark.parametrize(
    ("value", "export_format", "expected"),
    [
        (dt.datetime(2026, 12, 3, 2, 5, tzinfo=dt.UTC), CSV, "03/12/2026 09:05"),
        (dt.datetime(2026, 12, 3, 2, 5, tzinfo=dt.UTC), XLSX, dt.datetime(2026, 12, 3, 9, 5)),
        (dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC), CSV, "03/12/2026 03:00"),  # next local day
        (dt.date(2026, 12, 3), CSV, "03/12/2026"),
        (None, CSV, ""),
        (None, XLSX, ""),
        (True, CSV, "Có"),
        (False, XLSX, "Không"),
        (31, CSV, 31),
        (["A1", "A2"], CSV, "A1, A2"),
    ],
)
def test_cells_are_local_and_readable(value, export_format, expected):
    assert cell(value, export_format) == expected


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+84912345678", "0912 345 678"), ("+842439400014", "024 3940 0014"), ("", ""), ("12345", "12345")],
)
def test_phones_are_written_as_dialled_and_stay_text_in_excel(stored, shown):
    assert local_phone(stored) == shown
