"""Infeasible rosters come back as INFEASIBLE with a planner-readable explanation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scheduler.roster_problem import Demand, Fixed, Person, Unavailability
from scheduler.roster_solver import solve

from .factory import EXPERT, LATE, NO_RULES, START, make_centre, make_tiny


def test_counting_names_day_shift_skill_and_who_is_away() -> None:
    day = START + timedelta(3)
    problem = make_centre()
    problem = replace(
        problem,
        people=tuple(
            replace(person, name="王五") if person.id == "p1" else person
            for person in problem.people
        ),
        unavailable=tuple(Unavailability(who, day) for who in ("p1", "p2"))
        + (Unavailability("p3", day, "training"),),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "INFEASIBLE"
    assert result.assignments == () and result.objective is None
    skill_rows = [item for item in result.explanation if item.skill == EXPERT]
    assert len(skill_rows) == 1
    shortfall = skill_rows[0]
    assert (shortfall.day, shortfall.shift, shortfall.people_short) == (day, "night", 1)
    assert (
        "2026-12-10 night needs 1 special_equipment person, only 0 available" in shortfall.message
    )
    assert "王五 leave" in shortfall.message and "p3 training" in shortfall.message


def test_assumption_core_names_the_conflicting_rules() -> None:
    problem = replace(
        make_tiny(3, (LATE,), replace(NO_RULES, max_consecutive_nights=1), people=2),
        people=(Person("p1", skills=frozenset({EXPERT})), Person("p2")),
        demand=tuple(Demand(START + timedelta(day), "late", 1, 1, EXPERT) for day in range(2)),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "INFEASIBLE"
    rules = {item.rule for item in result.explanation}
    assert rules == {"minimum_cover", "max_consecutive_nights"}
    covers = sorted(
        item.day for item in result.explanation if item.rule == "minimum_cover" and item.day
    )
    assert covers == [START, START + timedelta(1)]
    night_rule = next(item for item in result.explanation if item.rule == "max_consecutive_nights")
    assert night_rule.person == "p1" and "p1" in night_rule.message


def test_fixed_shift_on_leave_is_explained_not_raised() -> None:
    problem = replace(
        make_tiny(2, (LATE,), NO_RULES, people=1),
        unavailable=(Unavailability("p1", START),),
        fixed=(Fixed("p1", START, "late"),),
    )
    result = solve(problem, time_limit_s=5)
    assert result.status == "INFEASIBLE"
    assert [item.rule for item in result.explanation] == ["fixed"]
    assert result.explanation[0].person == "p1"
