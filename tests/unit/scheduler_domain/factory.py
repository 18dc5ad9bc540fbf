"""Plain factory functions for roster problems with fixed dates (December 2026).

The period starts on Monday 2026-12-07; 2026-12-10 is a synthetic holiday.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from scheduler.roster_problem import (
    Day,
    DayKind,
    Demand,
    Person,
    RosterProblem,
    Rules,
    ShiftType,
    Weights,
)

START = date(2026, 12, 7)
HOLIDAY = date(2026, 12, 10)
EXPERT = "special_equipment"

DAY = ShiftType("day", time(8, 30), time(17, 30))
NIGHT = ShiftType("night", time(17, 30), time(8, 30), is_night=True)
LEADER = ShiftType("leader", time(8, 30), time(8, 30), role="leader")
EARLY = ShiftType("early", time(8, 0), time(16, 0))
LATE = ShiftType("late", time(20, 0), time(8, 0), is_night=True)

QUIET = Weights(
    under_cover=0,
    over_cover=0,
    request=10,
    fairness_nights=0,
    fairness_weekends=0,
    fairness_holidays=0,
    isolated_day_on=0,
    isolated_day_off=0,
)


def make_days(count: int, start: date = START) -> tuple[Day, ...]:
    return tuple(make_day(start + timedelta(offset)) for offset in range(count))


def make_day(when: date) -> Day:
    if when == HOLIDAY:
        return Day(when, DayKind.holiday)
    if when.weekday() >= 5:
        return Day(when, DayKind.weekend)
    return Day(when, DayKind.workday)


def make_centre(days: int = 14) -> RosterProblem:
    """8 people: 5 duty officers (3 special-equipment experts) and 3 duty leaders.

    Each day: day shift 1..2 officers, night shift exactly 1 officer who is an expert, and
    one leader on 24-hour duty (带班领导, 08:30 -> 08:30).
    """
    officers = tuple(
        Person(f"p{number}", skills=frozenset({EXPERT}) if number <= 3 else frozenset())
        for number in range(1, 6)
    )
    leaders = tuple(
        Person(f"l{number}", is_leader=True, roles=frozenset({"leader"})) for number in range(1, 4)
    )
    calendar = make_days(days)
    demand = tuple(
        row
        for day in calendar
        for row in (
            Demand(day.date, "day", 1, 2),
            Demand(day.date, "night", 1, 1),
            Demand(day.date, "night", 1, 1, skill=EXPERT),
        )
    )
    return RosterProblem(
        days=calendar,
        shifts=(DAY, NIGHT, LEADER),
        people=officers + leaders,
        demand=demand,
        rules=Rules(leader_per_day="leader", max_consecutive_nights=2),
    )


def make_tiny(
    days: int, shifts: tuple[ShiftType, ...], rules: Rules, people: int = 2
) -> RosterProblem:
    """``people`` interchangeable officers, every shift wanted by 0..1 person each day."""
    calendar = make_days(days)
    return RosterProblem(
        days=calendar,
        shifts=shifts,
        people=tuple(Person(f"p{number}") for number in range(1, people + 1)),
        demand=tuple(Demand(day.date, shift.id, 0, 1) for day in calendar for shift in shifts),
        rules=rules,
        weights=QUIET,
    )


NO_RULES = Rules(
    min_rest_hours=None,
    max_consecutive_days=None,
    max_consecutive_nights=None,
    rest_day_per_7=False,
)
