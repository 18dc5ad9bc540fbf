"""A small hotline centre: 8 people, day + night + 24-hour leader duty, 14 days."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest

from scheduler.roster_problem import (
    Assignment,
    Demand,
    History,
    Person,
    Request,
    RosterProblem,
    RosterResult,
    Unavailability,
    diff,
)
from scheduler.roster_soft import KEYS
from scheduler.roster_solver import solve

from .checker import hard_rule_breaches
from .factory import EARLY, EXPERT, HOLIDAY, NO_RULES, QUIET, START, make_centre, make_days

TIME_LIMIT_S = 8


@pytest.fixture(scope="module")
def centre() -> RosterProblem:
    return replace(
        make_centre(),
        unavailable=(Unavailability("p1", START + timedelta(2)),),
        requests=(
            Request("p4", START + timedelta(5), None, False, 3),
            Request("p2", START + timedelta(6), "night", True, 2),
        ),
        history=(History("p3", ((START - timedelta(1), "night"),), nights_ytd=12),),
    )


@pytest.fixture(scope="module")
def solved(centre: RosterProblem) -> RosterResult:
    return solve(centre, time_limit_s=TIME_LIMIT_S)


def test_centre_roster_keeps_every_hard_rule(centre: RosterProblem, solved: RosterResult) -> None:
    assert solved.status in {"OPTIMAL", "FEASIBLE"}
    assert hard_rule_breaches(centre, solved.assignments) == []
    assert Assignment("p3", START, "day") not in solved.assignments  # rest after history night


def test_violations_sum_to_the_objective(solved: RosterResult) -> None:
    assert solved.objective is not None and solved.bound is not None
    assert sum(item.cost for item in solved.violations) == solved.objective
    assert solved.bound <= solved.objective
    assert all(item.cost > 0 and item.detail for item in solved.violations)


def test_each_violation_carries_its_key_and_the_values_it_says(solved: RosterResult) -> None:
    assert solved.violations
    for item in solved.violations:
        assert item.values.keys() == KEYS[item.key], item
        if "person" in item.values:
            assert item.values["person"] == item.person
        if "day" in item.values:
            assert item.values["day"] == (item.day.isoformat() if item.day else None)


def test_totals_match_the_assignments(centre: RosterProblem, solved: RosterResult) -> None:
    per_person = Counter(item.person for item in solved.assignments)
    assert {who: totals.shifts for who, totals in solved.totals.items()} == {
        person.id: per_person[person.id] for person in centre.people
    }
    assert solved.totals["l1"].hours == 24 * per_person["l1"]
    assert solved.totals["p3"].nights_with_history == solved.totals["p3"].nights + 12


def test_repair_changes_only_what_the_new_leave_forces(
    centre: RosterProblem, solved: RosterResult
) -> None:
    sick = next(item for item in solved.assignments if item.shift == "night" and item.day > START)
    leave = (sick.day, sick.day + timedelta(1))
    changed = replace(
        centre,
        unavailable=centre.unavailable
        + tuple(Unavailability(sick.person, day, "sick") for day in leave),
    )
    repaired = solve(changed, time_limit_s=TIME_LIMIT_S, hint=solved.assignments)
    assert repaired.status in {"OPTIMAL", "FEASIBLE"}
    assert hard_rule_breaches(changed, repaired.assignments) == []
    removed, added = diff(solved.assignments, repaired.assignments)
    assert sick in removed
    assert len(removed) + len(added) <= 8
    near = {leave[0] + timedelta(offset) for offset in range(-2, 4)}
    assert {item.day for item in removed + added} <= near
    hint_costs = [item for item in repaired.violations if item.goal == "change_from_hint"]
    assert len(hint_costs) == len(removed) + len(added)
    said = {
        "person": sick.person,
        "day": sick.day.isoformat(),
        "shift": sick.shift,
    }
    assert any(item.key == "hint_removed" and item.values == said for item in hint_costs)


def test_holiday_fairness_counts_last_years_holidays() -> None:
    calendar = make_days(5, HOLIDAY - timedelta(1))
    holidays = [day.date for day in calendar if day.date == HOLIDAY]
    problem = RosterProblem(
        days=calendar,
        shifts=(EARLY,),
        people=tuple(Person(who) for who in ("veteran", "a", "b")),
        demand=tuple(Demand(day.date, "early", 1, 1) for day in calendar),
        history=(History("veteran", holidays_ytd=2),),
        rules=NO_RULES,
        weights=replace(QUIET, fairness_holidays=40),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "OPTIMAL"
    on_holiday = {item.person for item in result.assignments if item.day in holidays}
    assert on_holiday and "veteran" not in on_holiday
    assert result.totals["veteran"].holidays_with_history == 2


def test_night_skill_cover_in_the_centre(centre: RosterProblem, solved: RosterResult) -> None:
    experts = {person.id for person in centre.people if EXPERT in person.skills}
    for day in centre.days:
        night = [
            item for item in solved.assignments if (item.day, item.shift) == (day.date, "night")
        ]
        assert any(item.person in experts for item in night)
