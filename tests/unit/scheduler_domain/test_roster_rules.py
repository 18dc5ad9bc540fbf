"""Each hard rule binds: the rule is the only reason a wanted shift cannot be granted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time, timedelta

import pytest

from scheduler.roster_problem import (
    Assignment,
    Demand,
    Fixed,
    History,
    Person,
    Request,
    RosterProblem,
    Rules,
    ShiftType,
    Unavailability,
)
from scheduler.roster_solver import solve

from .checker import hard_rule_breaches
from .factory import DAY, EARLY, EXPERT, LATE, NO_RULES, START, make_tiny

DUTY24 = ShiftType("duty24", time(8, 30), time(8, 30))


@dataclass(frozen=True)
class Case:
    """p1 has ``fixed`` shifts (day offset, shift or None) and wants ``wanted``."""

    name: str
    shifts: tuple[ShiftType, ...]
    days: int
    rule: dict[str, object]
    fixed: tuple[tuple[int, str | None], ...]
    wanted: tuple[int, str]
    history: tuple[tuple[int, str], ...] = ()


CASES = [
    Case(
        "min_rest_after_night",
        (EARLY, LATE),
        3,
        {"min_rest_hours": 11},
        ((0, "late"),),
        (1, "early"),
    ),
    Case(
        "min_rest_after_24h", (DUTY24, DAY), 3, {"min_rest_hours": 11}, ((0, "duty24"),), (1, "day")
    ),
    Case(
        "forbidden_successions",
        (EARLY, LATE),
        3,
        {"forbidden_successions": frozenset({("late", "early")})},
        ((0, "late"),),
        (1, "early"),
    ),
    Case(
        "max_consecutive_days",
        (EARLY,),
        4,
        {"max_consecutive_days": 2},
        ((0, "early"), (1, "early")),
        (2, "early"),
    ),
    Case(
        "max_consecutive_nights",
        (LATE,),
        3,
        {"max_consecutive_nights": 1},
        ((0, "late"),),
        (1, "late"),
    ),
    Case(
        "min_consecutive_days_off",
        (EARLY,),
        4,
        {"min_consecutive_days_off": 2},
        ((0, "early"), (1, None)),
        (2, "early"),
    ),
    Case(
        "rest_day_per_7",
        (EARLY,),
        7,
        {"rest_day_per_7": True},
        tuple((offset, "early") for offset in range(6)),
        (6, "early"),
    ),
    Case(
        "max_shifts_per_week",
        (EARLY,),
        7,
        {"max_shifts_per_week": 2},
        ((0, "early"), (1, "early")),
        (3, "early"),
    ),
    Case(
        "max_hours_per_week",
        (EARLY,),
        7,
        {"max_hours_per_week": 16},
        ((0, "early"), (1, "early")),
        (3, "early"),
    ),
    Case(
        "max_shifts_per_period",
        (EARLY,),
        14,
        {"max_shifts_per_period": 2},
        ((0, "early"), (8, "early")),
        (10, "early"),
    ),
    Case("max_weekends", (EARLY,), 14, {"max_weekends": 1}, ((5, "early"),), (12, "early")),
    Case(
        "min_rest_from_history",
        (EARLY, LATE),
        3,
        {"min_rest_hours": 11},
        (),
        (0, "early"),
        history=((-1, "late"),),
    ),
    Case(
        "max_consecutive_days_from_history",
        (EARLY,),
        3,
        {"max_consecutive_days": 2},
        (),
        (0, "early"),
        history=((-2, "early"), (-1, "early")),
    ),
]


def build(case: Case, rules: Rules) -> RosterProblem:
    problem = make_tiny(case.days, case.shifts, rules, people=1)
    offset, shift = case.wanted
    return replace(
        problem,
        fixed=tuple(Fixed("p1", START + timedelta(day), shift) for day, shift in case.fixed),
        requests=(Request("p1", START + timedelta(offset), shift, True, 1),),
        history=(
            History("p1", tuple((START + timedelta(day), shift) for day, shift in case.history)),
        ),
    )


def granted(problem: RosterProblem, case: Case) -> bool:
    result = solve(problem, time_limit_s=5)
    assert result.status == "OPTIMAL"
    assert hard_rule_breaches(problem, result.assignments) == []
    offset, shift = case.wanted
    return Assignment("p1", START + timedelta(offset), shift) in result.assignments


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule_is_the_only_reason_the_wish_is_refused(case: Case) -> None:
    assert granted(build(case, NO_RULES), case)
    assert not granted(build(case, replace(NO_RULES, **case.rule)), case)  # type: ignore[arg-type]


def test_leave_is_respected_even_against_a_wish() -> None:
    problem = replace(
        make_tiny(3, (EARLY,), NO_RULES, people=1),
        unavailable=(Unavailability("p1", START + timedelta(1)),),
        requests=(Request("p1", START + timedelta(1), "early", True, 5),),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "OPTIMAL"
    assert all(item.day != START + timedelta(1) for item in result.assignments)
    assert [item.goal for item in result.violations] == ["request"]
    wish = result.violations[0]
    assert (wish.key, wish.values) == (
        "request_shift",
        {"person": "p1", "day": (START + timedelta(1)).isoformat(), "shift": "early"},
    )


def test_skill_minimum_is_hard_even_against_a_day_off_wish() -> None:
    problem = replace(
        make_tiny(2, (LATE,), NO_RULES, people=3),
        people=(Person("p1", skills=frozenset({EXPERT})), Person("p2"), Person("p3")),
        demand=tuple(Demand(START + timedelta(day), "late", 1, 1, EXPERT) for day in range(2)),
        requests=(Request("p1", START, None, False, 9),),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "OPTIMAL"
    nights = {(item.person, item.day) for item in result.assignments}
    assert nights >= {("p1", START), ("p1", START + timedelta(1))}
    assert [item.goal for item in result.violations] == ["request"]


def test_exactly_one_leader_and_only_leaders_on_the_leader_shift() -> None:
    leader = ShiftType("leader", time(8, 30), time(8, 30), role="leader")
    roles = frozenset({"leader", "duty"})
    problem = replace(
        make_tiny(4, (EARLY,), replace(NO_RULES, leader_per_day="leader"), people=1),
        shifts=(EARLY, leader),
        people=(
            Person("l1", is_leader=True, roles=roles),
            Person("l2", is_leader=True, roles=roles),
            Person("p1", roles=roles),
        ),
        requests=(
            Request("l1", START, "leader", True, 1),
            Request("l2", START, "leader", True, 1),
            Request("p1", START, "leader", True, 3),
        ),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "OPTIMAL"
    on_leader = [item for item in result.assignments if item.shift == "leader"]
    assert sorted(item.day for item in on_leader) == [START + timedelta(day) for day in range(4)]
    assert {item.person for item in on_leader} <= {"l1", "l2"}
    assert hard_rule_breaches(problem, result.assignments) == []
