"""Bulk-import cells as spreadsheets really hold them (pure): Chinese date spellings without a
space and Excel serial dates."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from complaints import import_cells as cells

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026年12月6日14:05", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),
        ("2026年12月6日14时05分", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),
        ("2026年12月6日 14时05分30秒", datetime(2026, 12, 6, 6, 5, 30, tzinfo=UTC)),
        ("2026年12月6日", datetime(2026, 12, 5, 16, 0, tzinfo=UTC)),
        ("2026/12/6 14:05", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),
        (46362.4, datetime(2026, 12, 6, 1, 36, tzinfo=UTC)),  # a General-format date cell
        (46362, datetime(2026, 12, 5, 16, 0, tzinfo=UTC)),
        ("46362.586805556", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),  # as a CSV writes it
        ("20261206", datetime(2026, 12, 5, 16, 0, tzinfo=UTC)),  # still yyyymmdd, no serial
    ],
)
def test_dates_as_spreadsheets_write_them(cell: cells.Cell, expected: datetime) -> None:
    assert cells.parse_datetime(cell, TZ) == expected


@pytest.mark.parametrize("cell", [12.5, 99999, "3000"])
def test_numbers_that_are_no_serial_date_are_refused(cell: cells.Cell) -> None:
    with pytest.raises(ValueError):
        cells.parse_datetime(cell, TZ)
