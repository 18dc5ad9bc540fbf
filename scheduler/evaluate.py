"""Independent checker for benchmark rosters.

Written straight from the README semantics and sharing no code with the model, so that it
can prove the solver's answers. A roster maps every staff id to one entry per day: a shift
id, or ``""`` for a day off.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from scheduler.benchmark_format import BenchmarkInstance, Staff

Roster = Mapping[str, Sequence[str]]
OFF = ""


@dataclass(frozen=True)
class Evaluation:
    """Objective value of a roster and every hard-constraint violation found."""

    objective: int
    violations: list[str]

    @property
    def feasible(self) -> bool:
        return not self.violations


def _runs(flags: Sequence[bool], value: bool) -> Iterator[tuple[int, int]]:
    """Yield ``(first_day, last_day)`` of every maximal run of ``value`` in ``flags``."""
    start: int | None = None
    for day, flag in enumerate(flags):
        if flag == value and start is None:
            start = day
        elif flag != value and start is not None:
            yield start, day - 1
            start = None
    if start is not None:
        yield start, len(flags) - 1


def check_shape(instance: BenchmarkInstance, roster: Roster) -> list[str]:
    """Staff ids, roster length and shift ids must match the instance."""
    problems = []
    staff_ids = {member.id for member in instance.staff}
    for staff_id in sorted(set(roster) - staff_ids):
        problems.append(f"roster has unknown staff id {staff_id!r}")
    for staff_id in sorted(staff_ids - set(roster)):
        problems.append(f"roster misses staff {staff_id!r}")
    known = set(instance.shift_ids)
    for staff_id, days in roster.items():
        if len(days) != instance.horizon:
            problems.append(
                f"{staff_id}: roster has {len(days)} days, horizon is {instance.horizon}"
            )
        for day, shift_id in enumerate(days):
            if shift_id != OFF and shift_id not in known:
                problems.append(f"{staff_id} day {day}: unknown shift id {shift_id!r}")
    return problems


def check_rotation(instance: BenchmarkInstance, staff: Staff, days: Sequence[str]) -> list[str]:
    problems = []
    for day in range(len(days) - 1):
        today, tomorrow = days[day], days[day + 1]
        if today != OFF and tomorrow in instance.shift(today).cannot_follow:
            problems.append(f"{staff.id} day {day + 1}: shift {tomorrow} may not follow {today}")
    return problems


def check_max_shifts(staff: Staff, days: Sequence[str]) -> list[str]:
    counts = Counter(shift_id for shift_id in days if shift_id != OFF)
    return [
        f"{staff.id}: works {shift_id} {count} times, max {staff.max_shifts.get(shift_id, 0)}"
        for shift_id, count in sorted(counts.items())
        if count > staff.max_shifts.get(shift_id, 0)
    ]


def check_total_minutes(
    instance: BenchmarkInstance, staff: Staff, days: Sequence[str]
) -> list[str]:
    minutes = sum(instance.shift(shift_id).length_minutes for shift_id in days if shift_id != OFF)
    if minutes > staff.max_total_minutes:
        return [f"{staff.id}: works {minutes} minutes, max {staff.max_total_minutes}"]
    if minutes < staff.min_total_minutes:
        return [f"{staff.id}: works {minutes} minutes, min {staff.min_total_minutes}"]
    return []


def check_max_consecutive_shifts(staff: Staff, working: Sequence[bool]) -> list[str]:
    return [
        f"{staff.id} days {first}-{last}: {last - first + 1} shifts in a row, "
        f"max {staff.max_consecutive_shifts}"
        for first, last in _runs(working, True)
        if last - first + 1 > staff.max_consecutive_shifts
    ]


def _short_inner_runs(
    working: Sequence[bool], value: bool, minimum: int
) -> Iterator[tuple[int, int]]:
    """Runs shorter than ``minimum`` that neither start on day 0 nor end on the last day."""
    last_day = len(working) - 1
    for first, last in _runs(working, value):
        if first != 0 and last != last_day and last - first + 1 < minimum:
            yield first, last


def check_min_consecutive_shifts(staff: Staff, working: Sequence[bool]) -> list[str]:
    return [
        f"{staff.id} days {first}-{last}: only {last - first + 1} shifts in a row, "
        f"min {staff.min_consecutive_shifts}"
        for first, last in _short_inner_runs(working, True, staff.min_consecutive_shifts)
    ]


def check_min_consecutive_days_off(staff: Staff, working: Sequence[bool]) -> list[str]:
    return [
        f"{staff.id} days {first}-{last}: only {last - first + 1} days off in a row, "
        f"min {staff.min_consecutive_days_off}"
        for first, last in _short_inner_runs(working, False, staff.min_consecutive_days_off)
    ]


def check_max_weekends(
    instance: BenchmarkInstance, staff: Staff, working: Sequence[bool]
) -> list[str]:
    worked = sum(1 for days in instance.weekends() if any(working[day] for day in days))
    if worked > staff.max_weekends:
        return [f"{staff.id}: works {worked} weekends, max {staff.max_weekends}"]
    return []


def check_days_off(instance: BenchmarkInstance, staff: Staff, days: Sequence[str]) -> list[str]:
    return [
        f"{staff.id} day {day}: works {days[day]} on a day off"
        for day in sorted(instance.days_off.get(staff.id, frozenset()))
        if days[day] != OFF
    ]


def hard_violations(instance: BenchmarkInstance, roster: Roster) -> list[str]:
    """Every broken hard constraint, one message each."""
    problems = check_shape(instance, roster)
    if problems:
        return problems
    for staff in instance.staff:
        days = roster[staff.id]
        working = [shift_id != OFF for shift_id in days]
        problems += check_rotation(instance, staff, days)
        problems += check_max_shifts(staff, days)
        problems += check_total_minutes(instance, staff, days)
        problems += check_max_consecutive_shifts(staff, working)
        problems += check_min_consecutive_shifts(staff, working)
        problems += check_min_consecutive_days_off(staff, working)
        problems += check_max_weekends(instance, staff, working)
        problems += check_days_off(instance, staff, days)
    return problems


def request_penalty(instance: BenchmarkInstance, roster: Roster) -> int:
    """Weights of unmet on-requests plus weights of violated off-requests."""
    unmet_on = sum(
        request.weight
        for request in instance.on_requests
        if roster[request.staff_id][request.day] != request.shift_id
    )
    violated_off = sum(
        request.weight
        for request in instance.off_requests
        if roster[request.staff_id][request.day] == request.shift_id
    )
    return unmet_on + violated_off


def _cover_penalties(instance: BenchmarkInstance, roster: Roster) -> tuple[int, int]:
    """Weighted shortfall and weighted surplus against every cover line."""
    on_duty = Counter(
        (day, shift_id)
        for days in roster.values()
        for day, shift_id in enumerate(days)
        if shift_id != OFF
    )
    under = over = 0
    for cover in instance.cover:
        count = on_duty[(cover.day, cover.shift_id)]
        under += cover.weight_under * max(0, cover.requirement - count)
        over += cover.weight_over * max(0, count - cover.requirement)
    return under, over


def under_cover_penalty(instance: BenchmarkInstance, roster: Roster) -> int:
    """Weighted shortfall against every cover line."""
    return _cover_penalties(instance, roster)[0]


def cover_penalty(instance: BenchmarkInstance, roster: Roster) -> int:
    """Weighted shortfall and surplus against every cover line."""
    return sum(_cover_penalties(instance, roster))


def objective(instance: BenchmarkInstance, roster: Roster) -> int:
    """The benchmark objective; assumes the roster has the right shape."""
    return request_penalty(instance, roster) + cover_penalty(instance, roster)


def evaluate(instance: BenchmarkInstance, roster: Roster) -> Evaluation:
    """Check every hard constraint and compute the objective of ``roster``.

    A roster with the wrong shape (unknown or missing staff, wrong length, unknown shift id)
    gets objective -1 and the shape problems as violations.
    """
    shape = check_shape(instance, roster)
    if shape:
        return Evaluation(objective=-1, violations=shape)
    return Evaluation(
        objective=objective(instance, roster), violations=hard_violations(instance, roster)
    )
