"""An independent checker of the hard roster rules, written without the model code."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from scheduler.roster_problem import Assignment, DayKind, RosterProblem, ShiftType


def _start(day: date, shift: ShiftType) -> datetime:
    return datetime.combine(day, shift.start)


def _end(day: date, shift: ShiftType) -> datetime:
    end = datetime.combine(day, shift.end)
    return end if shift.end > shift.start else end + timedelta(days=1)


def _longest_run(dates: set[date]) -> int:
    best = 0
    for day in dates:
        if day - timedelta(1) in dates:
            continue
        length = 1
        while day + timedelta(length) in dates:
            length += 1
        best = max(best, length)
    return best


def hard_rule_breaches(problem: RosterProblem, roster: tuple[Assignment, ...]) -> list[str]:
    """Every hard-rule breach of ``roster``, as text (empty when the roster is valid)."""
    rules = problem.rules
    shifts = {shift.id: shift for shift in problem.shifts}
    people = {person.id: person for person in problem.people}
    kinds = {day.date: day.kind for day in problem.days}
    period = set(kinds)
    breaches: list[str] = []
    per_day = Counter((item.person, item.day) for item in roster)
    breaches += [f"{key} works twice" for key, count in per_day.items() if count > 1]
    for item in roster:
        person, shift = people[item.person], shifts[item.shift]
        if shift.role not in person.roles:
            breaches.append(f"{item} role")
        if shift.id == rules.leader_per_day and not person.is_leader:
            breaches.append(f"{item} not a leader")
    for row in problem.demand:
        staff = [
            item
            for item in roster
            if item.day == row.day
            and item.shift == row.shift
            and (row.skill is None or row.skill in people[item.person].skills)
        ]
        if len(staff) < row.minimum:
            breaches.append(f"{row} under minimum")
    away = {(item.person, item.day) for item in problem.unavailable}
    breaches += [f"{item} on leave" for item in roster if (item.person, item.day) in away]
    for fixed in problem.fixed:
        worked = [
            item.shift for item in roster if (item.person, item.day) == (fixed.person, fixed.day)
        ]
        if worked != ([] if fixed.shift is None else [fixed.shift]):
            breaches.append(f"{fixed} not kept")
    history = {
        item.person: [(when, shift) for when, shift in item.recent if shift in shifts]
        for item in problem.history
    }
    for who in people:
        mine = sorted(
            history.get(who, []) + [(item.day, item.shift) for item in roster if item.person == who]
        )
        breaches += _person_breaches(problem, who, mine, shifts, kinds, period)
    if rules.leader_per_day is not None:
        for day in period:
            count = sum(item.day == day and item.shift == rules.leader_per_day for item in roster)
            if count != 1:
                breaches.append(f"{day} has {count} leaders")
    return breaches


def _person_breaches(
    problem: RosterProblem,
    who: str,
    mine: list[tuple[date, str]],
    shifts: dict[str, ShiftType],
    kinds: dict[date, DayKind],
    period: set[date],
) -> list[str]:
    rules = problem.rules
    found: list[str] = []
    for (day1, id1), (day2, id2) in zip(mine, mine[1:], strict=False):
        rest = _start(day2, shifts[id2]) - _end(day1, shifts[id1])
        if rules.min_rest_hours is not None and rest < timedelta(hours=rules.min_rest_hours):
            found.append(f"{who} rests {rest} before {day2}")
        if day2 - day1 == timedelta(1) and (id1, id2) in rules.forbidden_successions:
            found.append(f"{who} forbidden {id1}->{id2} on {day2}")
    dates = {day for day, _ in mine}
    nights = {day for day, shift in mine if shifts[shift].is_night}
    if rules.max_consecutive_days is not None and _longest_run(dates) > rules.max_consecutive_days:
        found.append(f"{who} works {_longest_run(dates)} days in a row")
    if (
        rules.max_consecutive_nights is not None
        and _longest_run(nights) > rules.max_consecutive_nights
    ):
        found.append(f"{who} works {_longest_run(nights)} nights in a row")
    if rules.rest_day_per_7 and _longest_run(dates) > 6:
        found.append(f"{who} has no rest day in 7")
    if rules.min_consecutive_days_off is not None:
        ordered = sorted(dates)
        for first, second in zip(ordered, ordered[1:], strict=False):
            off = (second - first).days - 1
            inside = first + timedelta(1) in period
            if 0 < off < rules.min_consecutive_days_off and inside:
                found.append(f"{who} only {off} days off after {first}")
    in_period = [(day, shift) for day, shift in mine if day in period]
    weeks = Counter(day.isocalendar()[:2] for day, _ in in_period)
    if rules.max_shifts_per_week is not None and any(
        count > rules.max_shifts_per_week for count in weeks.values()
    ):
        found.append(f"{who} too many shifts in a week")
    hours: dict[tuple[int, int], float] = defaultdict(float)
    for day, shift in in_period:
        hours[day.isocalendar()[:2]] += shifts[shift].hours
    if rules.max_hours_per_week is not None and any(
        total > rules.max_hours_per_week for total in hours.values()
    ):
        found.append(f"{who} too many hours in a week")
    if rules.max_shifts_per_period is not None and len(in_period) > rules.max_shifts_per_period:
        found.append(f"{who} too many shifts in the period")
    weekends = {day.isocalendar()[:2] for day, _ in in_period if kinds[day] is DayKind.weekend}
    if rules.max_weekends is not None and len(weekends) > rules.max_weekends:
        found.append(f"{who} works {len(weekends)} weekends")
    return found
