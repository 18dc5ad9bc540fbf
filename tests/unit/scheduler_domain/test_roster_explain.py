"""Infeasible rosters come back as INFEASIBLE with a planner-readable explanation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from scheduler.roster_explain import cap_shortfalls
from scheduler.roster_problem import Demand, Fixed, Person, RosterProblem, Rules, Unavailability
from scheduler.roster_solver import solve

from .factory import DAY, EXPERT, LATE, NO_RULES, START, make_centre, make_tiny


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
    assert shortfall.key == "cover"
    assert shortfall.values == {
        "day": "2026-12-10",
        "shift": "night",
        "minimum": 1,
        "available": 0,
        "skill": EXPERT,
        "absent": [
            {"person": "p1", "name": "王五", "why": "leave", "reason": "leave"},
            {"person": "p2", "name": "p2", "why": "leave", "reason": "leave"},
            {"person": "p3", "name": "p3", "why": "leave", "reason": "training"},
        ],
    }


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
    assert (night_rule.key, night_rule.values) == (
        "core_rule",
        {"rule": "max_consecutive_nights", "person": "p1", "name": "p1", "week": None},
    )
    cover = next(item for item in result.explanation if item.rule == "minimum_cover")
    assert cover.key == "core_cover"
    assert cover.values == {"day": str(cover.day), "shift": "late", "minimum": 1, "skill": EXPERT}


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
    assert (result.explanation[0].key, result.explanation[0].values) == (
        "core_fixed",
        {"person": "p1", "name": "p1", "day": "2026-12-07", "shift": "late"},
    )


def test_a_leader_day_and_who_is_fixed_elsewhere_or_off_are_given_as_values() -> None:
    day = START + timedelta(1)
    problem = replace(
        make_centre(),
        fixed=(Fixed("l1", day, None), Fixed("l2", day, None), Fixed("l3", day, "day")),
    )
    result = solve(problem, time_limit_s=5)
    [leader] = [item for item in result.explanation if item.rule == "leader_per_day"]
    assert "2026-12-08 leader needs 1 leader (带班领导), only 0 available" in leader.message
    assert leader.key == "leader_cover"
    assert leader.values == {
        "day": "2026-12-08",
        "shift": "leader",
        "minimum": 1,
        "available": 0,
        "absent": [
            {"person": "l1", "name": "l1", "why": "fixed_day_off"},
            {"person": "l2", "name": "l2", "why": "fixed_day_off"},
            {"person": "l3", "name": "l3", "why": "fixed_elsewhere", "shift": "day"},
        ],
    }
    assert "l1 fixed day off" in leader.message and "l3 fixed on day" in leader.message


def _four_a_day(rules: Rules, people: int = 15) -> RosterProblem:
    """A week, 4 people needed on the day shift every day."""
    problem = make_tiny(7, (DAY,), rules, people=people)
    return replace(problem, demand=tuple(Demand(d.date, "day", 4, 4) for d in problem.days))


def test_a_per_period_cap_below_the_demand_is_named_with_its_shortfall() -> None:
    result = solve(_four_a_day(replace(NO_RULES, max_shifts_per_period=1)), time_limit_s=5)
    assert result.status == "INFEASIBLE"
    [item] = result.explanation
    assert (item.rule, item.people_short) == ("max_shifts_per_period", 13)
    assert "needs 28 shifts" in item.message and "at most 15" in item.message
    assert "13 shifts short" in item.message
    assert (item.key, item.values) == (
        "shifts_cap",
        {
            "span": "period",
            "start": "2026-12-07",
            "end": "2026-12-13",
            "shift": "day",
            "need": 28,
            "can": 15,
            "rule": "max_shifts_per_period",
            "limit": 1,
            "short": 13,
        },
    )


def test_a_per_week_cap_below_the_demand_is_named_per_week() -> None:
    problem = _four_a_day(replace(NO_RULES, max_shifts_per_week=2), people=10)
    result = solve(problem, time_limit_s=5)
    assert result.status == "INFEASIBLE"
    [item] = result.explanation
    assert (item.rule, item.day, item.people_short) == ("max_shifts_per_week", START, 4)
    assert "the week of 2026-12-07 needs 28 shifts" in item.message
    assert "at most 20" in item.message
    assert item.key == "shifts_cap"
    assert item.values["span"] == "week" and item.values["start"] == "2026-12-07"
    assert (item.values["need"], item.values["can"], item.values["short"]) == (28, 20, 8)


def test_a_weekly_hours_cap_below_the_demand_is_named() -> None:
    problem = _four_a_day(replace(NO_RULES, max_hours_per_week=18), people=10)
    result = solve(problem, time_limit_s=5)
    assert result.status == "INFEASIBLE"
    [item] = result.explanation
    assert (item.rule, item.day) == ("max_hours_per_week", START)
    assert "needs 252 hours" in item.message and "at most 180" in item.message
    assert item.key == "hours_cap"
    assert item.values == {
        "span": "week",
        "start": "2026-12-07",
        "end": "2026-12-13",
        "shift": "day",
        "need": 252.0,
        "can": 180.0,
        "short": 72.0,
    }


@pytest.mark.parametrize(
    "rules",
    [
        replace(NO_RULES, max_shifts_per_period=2),
        replace(NO_RULES, max_shifts_per_week=2),
        replace(NO_RULES, max_hours_per_week=18),
    ],
)
def test_caps_that_leave_enough_work_are_not_reported(rules: Rules) -> None:
    problem = _four_a_day(rules, people=14)
    assert cap_shortfalls(problem) == []
    assert solve(problem, time_limit_s=10).status in {"OPTIMAL", "FEASIBLE"}


def test_caps_count_only_eligible_people_available_that_week() -> None:
    problem = _four_a_day(replace(NO_RULES, max_shifts_per_week=2), people=14)
    away = tuple(Unavailability("p1", d.date) for d in problem.days)
    [item] = cap_shortfalls(replace(problem, unavailable=away))
    assert "at most 26" in item.message and item.people_short == 1
