"""broken_rules: each hard rule of a unit on one person's plan, only around the changed days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from oncall.plan_rules import Worked, broken_rules, reach_days
from oncall.resolve import shift_interval
from scheduler.roster_problem import Rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
JAN = date(2027, 1, 4)  # a Monday
SHIFTS = {
    "day": (time(8, 30), time(17, 30), False),
    "night": (time(17, 30), time(8, 30), True),
    "backup": (time(8, 30), time(8, 30), False),
    "late": (time(20), time(10), True),
}
# Only the rule under test is switched on in each case.
OFF = Rules(min_rest_hours=None, max_consecutive_days=None, max_consecutive_nights=None)


def _w(offset: int, code: str = "day") -> Worked:
    day = JAN + timedelta(days=offset)
    start, end, night = SHIFTS[code]
    return Worked(day, code, *shift_interval(day, start, end, SHANGHAI), night)


def _plan(*codes: str | None) -> list[Worked]:
    """One entry per day from JAN: a shift code or None for a day off."""
    return [_w(i, code) for i, code in enumerate(codes) if code is not None]


def _rules(**changes: Any) -> Rules:
    return replace(OFF, **{"rest_day_per_7": False, **changes})


CASES = [
    # (name, plan, rules, around, expected rule or None)
    ("two shifts a day", [_w(0), _w(0, "night")], _rules(), {JAN}, "one_shift_per_day"),
    ("one shift a day", [_w(0), _w(1, "night")], _rules(), {JAN}, None),
    ("overlap", _plan("late", "day"), _rules(), {JAN}, "min_rest"),
    ("day then night next day", _plan("day", "night"), _rules(min_rest_hours=11), {JAN}, None),
    ("night then day", _plan("night", "day"), _rules(min_rest_hours=11), {JAN}, "min_rest"),
    (
        "night then day without a minimum still overlaps nothing",
        _plan("night", "day"),
        _rules(),
        {JAN},
        None,
    ),
    (
        "forbidden succession",
        _plan("day", "backup"),
        _rules(forbidden_successions=frozenset({("day", "backup")})),
        {JAN + timedelta(days=1)},
        "forbidden_successions",
    ),
    (
        "succession the other way round",
        _plan("backup", "day"),
        _rules(forbidden_successions=frozenset({("day", "backup")})),
        {JAN},
        None,
    ),
    (
        "too many days in a row",
        _plan("day", "day", "day", "day"),
        _rules(max_consecutive_days=3),
        {JAN + timedelta(days=3)},
        "max_consecutive_days",
    ),
    (
        "as many days in a row as allowed",
        _plan("day", "day", "day", None, "day"),
        _rules(max_consecutive_days=3),
        {JAN + timedelta(days=4)},
        None,
    ),
    (
        "too many nights in a row",
        _plan("night", "night", "night"),
        _rules(max_consecutive_nights=2),
        {JAN + timedelta(days=1)},
        "max_consecutive_nights",
    ),
    (
        "nights broken by a day shift",
        _plan("night", "night", "day", "night"),
        _rules(max_consecutive_nights=2),
        {JAN + timedelta(days=3)},
        None,
    ),
    (
        "no rest day in 7",
        _plan(*["day"] * 7),
        _rules(rest_day_per_7=True),
        {JAN + timedelta(days=6)},
        "rest_day_per_7",
    ),
    (
        "a rest day in every 7",
        _plan(*["day"] * 6, None, "day"),
        _rules(rest_day_per_7=True),
        {JAN + timedelta(days=7)},
        None,
    ),
    (
        "too short a block of days off before the change",
        _plan("day", None, "day"),
        _rules(min_consecutive_days_off=2),
        {JAN + timedelta(days=2)},
        "min_consecutive_days_off",
    ),
    (
        "giving up a day leaves too short a block",
        _plan("day", None, "day"),
        _rules(min_consecutive_days_off=2),
        {JAN + timedelta(days=1)},
        "min_consecutive_days_off",
    ),
    (
        "a long enough block of days off",
        _plan("day", None, None, "day"),
        _rules(min_consecutive_days_off=2),
        {JAN + timedelta(days=3)},
        None,
    ),
    (
        "too many shifts in the week",
        _plan("day", None, "day", None, "day"),
        _rules(max_shifts_per_week=2),
        {JAN + timedelta(days=4)},
        "max_shifts_per_week",
    ),
    (
        "the week cap counts the changed day's week only",
        _plan("day", None, "day", None, None, None, None, "day"),
        _rules(max_shifts_per_week=2),
        {JAN + timedelta(days=7)},
        None,
    ),
    (
        "too many hours in the week",
        _plan("backup", None, "backup"),
        _rules(max_hours_per_week=40),
        {JAN + timedelta(days=2)},
        "max_hours_per_week",
    ),
    (
        "a breach elsewhere is not the change's",
        _plan("night", "day", None, None, "day"),
        _rules(min_rest_hours=11),
        {JAN + timedelta(days=4)},
        None,
    ),
]


@pytest.mark.parametrize(
    ("plan", "rules", "around", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_broken_rules(
    plan: list[Worked], rules: Rules, around: set[date], expected: str | None
) -> None:
    broken = broken_rules(plan, rules, around=around)
    assert [b.rule for b in broken][:1] == ([expected] if expected else [])
    assert all(b.reason for b in broken)


def test_reasons_name_the_days() -> None:
    rules = _rules(forbidden_successions=frozenset({("day", "backup")}))
    (broken,) = broken_rules(_plan("day", "backup"), rules, around={JAN})
    assert broken.reason == "would work day on 2027-01-04 then backup on 2027-01-05"
    (twice,) = broken_rules([_w(0), _w(0, "night")], _rules(), around={JAN})
    assert twice.reason == "already works on 2027-01-04"


def test_period_cap_counts_only_the_period() -> None:
    plan = _plan("day", None, "day", None, "day")
    rules = _rules(max_shifts_per_period=2)
    around = {JAN + timedelta(days=4)}
    period = (JAN, JAN + timedelta(days=6))
    assert [b.rule for b in broken_rules(plan, rules, around=around, period=period)] == [
        "max_shifts_per_period"
    ]
    later = (JAN + timedelta(days=1), JAN + timedelta(days=6))
    assert broken_rules(plan, rules, around=around, period=later) == []


def test_max_weekends_counts_distinct_weekends_of_the_period() -> None:
    # JAN is a Monday: weekends on days 5-6, 12-13 and 19-20 of the plan
    weekend_days = frozenset(JAN + timedelta(days=d) for d in (5, 6, 12, 13, 19, 20))
    period = (JAN, JAN + timedelta(days=27))
    rules = _rules(max_weekends=2)
    # both days of one weekend count once; a third weekend breaks the rule
    plan = [_w(5), _w(6), _w(12), _w(19)]
    (broken,) = broken_rules(
        plan, rules, around={JAN + timedelta(days=19)}, period=period, weekend_days=weekend_days
    )
    assert broken.rule == "max_weekends"
    assert broken.reason == "would work on 3 weekends from 2027-01-04 to 2027-01-31 (at most 2)"
    # a second day of a weekend already worked adds no weekend
    assert (
        broken_rules(
            [_w(5), _w(6), _w(12), _w(13)],
            rules,
            around={JAN + timedelta(days=13)},
            period=period,
            weekend_days=weekend_days,
        )
        == []
    )
    # a change on a working day is not blamed for the weekends; a Saturday that is a make-up
    # working day (not among the weekend days) is no weekend
    assert broken_rules(plan, rules, around={JAN}, period=period, weekend_days=weekend_days) == []
    makeup = weekend_days - {JAN + timedelta(days=19)}
    assert (
        broken_rules(
            plan, rules, around={JAN + timedelta(days=19)}, period=period, weekend_days=makeup
        )
        == []
    )


def test_reach_covers_the_longest_window() -> None:
    assert reach_days(Rules(max_consecutive_days=20)) == 21
    assert reach_days(_rules()) == 7
