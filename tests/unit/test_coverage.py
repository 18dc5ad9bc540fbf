"""Uncovered days between published roster periods, and the period to generate next."""

from __future__ import annotations

from datetime import date

import pytest

from oncall.coverage import next_period, uncovered

D = date


@pytest.mark.parametrize(
    ("periods", "since", "gaps"),
    [
        ([], D(2026, 12, 7), []),
        ([(D(2026, 12, 1), D(2026, 12, 20))], D(2026, 12, 7), []),
        (  # the demo: #4 ends 12-20, January published
            [(D(2026, 12, 1), D(2026, 12, 20)), (D(2027, 1, 1), D(2027, 1, 31))],
            D(2026, 12, 7),
            [(D(2026, 12, 21), D(2026, 12, 31))],
        ),
        (  # a gap wholly in the past is history
            [(D(2026, 11, 1), D(2026, 11, 10)), (D(2026, 11, 20), D(2026, 12, 31))],
            D(2026, 12, 7),
            [],
        ),
        (  # nothing covers today, a later period does
            [(D(2026, 12, 10), D(2026, 12, 20))],
            D(2026, 12, 7),
            [(D(2026, 12, 7), D(2026, 12, 9))],
        ),
        (  # overlapping and nested periods, then two gaps
            [
                (D(2026, 12, 1), D(2026, 12, 10)),
                (D(2026, 12, 5), D(2026, 12, 8)),
                (D(2026, 12, 12), D(2026, 12, 14)),
                (D(2026, 12, 16), D(2026, 12, 16)),
            ],
            D(2026, 12, 1),
            [(D(2026, 12, 11), D(2026, 12, 11)), (D(2026, 12, 15), D(2026, 12, 15))],
        ),
    ],
)
def test_uncovered_days(periods: list[tuple[date, date]], since: date, gaps: object) -> None:
    assert uncovered(periods, since=since) == gaps


def test_the_next_period_is_the_first_gap_else_after_the_last_day() -> None:
    demo = [(D(2026, 12, 1), D(2026, 12, 20)), (D(2027, 1, 1), D(2027, 1, 31))]
    assert next_period(demo, since=D(2026, 12, 7), days=14) == (D(2026, 12, 21), D(2026, 12, 31))
    long_gap = [(D(2026, 12, 1), D(2026, 12, 2)), (D(2027, 1, 1), D(2027, 1, 31))]
    assert next_period(long_gap, since=D(2026, 12, 1), days=14) == (
        D(2026, 12, 3),
        D(2026, 12, 16),
    )
    covered = [(D(2026, 12, 1), D(2026, 12, 20))]
    assert next_period(covered, since=D(2026, 12, 7), days=14) == (
        D(2026, 12, 21),
        D(2027, 1, 3),
    )
    assert next_period([], since=D(2026, 12, 7), days=7) == (D(2026, 12, 7), D(2026, 12, 13))
