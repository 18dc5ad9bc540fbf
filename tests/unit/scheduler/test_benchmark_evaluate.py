"""Evaluator tests: one tiny hand-made instance per hard rule, plus the objective terms."""

from __future__ import annotations

import pytest
from scheduler_helpers import make_instance

from scheduler.evaluate import evaluate

TWO_SHIFTS = "D,480,\nN,480,D"
BOTH = "D=7|N=7"


def week(*entries: str) -> dict[str, list[str]]:
    days = list(entries) + [""] * (7 - len(entries))
    return {"A": days}


def violations(roster: dict[str, list[str]], **overrides: str) -> list[str]:
    return evaluate(make_instance(**overrides), roster).violations


def test_empty_week_is_feasible_with_zero_cost() -> None:
    result = evaluate(make_instance(), week())
    assert result.violations == []
    assert result.objective == 0


def test_rotation_forbids_banned_successor() -> None:
    shifts = {"shifts": TWO_SHIFTS, "staff": f"A,{BOTH},3360,0,7,1,1,1"}
    assert violations(week("N", "D"), **shifts) == ["A day 1: shift D may not follow N"]
    assert violations(week("D", "N"), **shifts) == []
    assert violations(week("N", "", "D"), **shifts) == []


def test_max_shifts_per_type() -> None:
    staff = "A,D=2,3360,0,7,1,1,1"
    assert violations(week("D", "D", "D"), staff=staff) == ["A: works D 3 times, max 2"]
    assert violations(week("D", "D"), staff=staff) == []


def test_banned_shift_type_counts_as_max_zero() -> None:
    shifts = {"shifts": TWO_SHIFTS, "staff": "A,D=7|N=0,3360,0,7,1,1,1"}
    assert violations(week("N"), **shifts) == ["A: works N 1 times, max 0"]


@pytest.mark.parametrize(
    ("staff", "roster", "expected"),
    [
        ("A,D=7,960,0,7,1,1,1", week("D", "D", "D"), ["A: works 1440 minutes, max 960"]),
        ("A,D=7,3360,1440,7,1,1,1", week("D", "D"), ["A: works 960 minutes, min 1440"]),
        ("A,D=7,1440,1440,7,1,1,1", week("D", "D", "D"), []),
    ],
)
def test_total_minutes(staff: str, roster: dict[str, list[str]], expected: list[str]) -> None:
    assert violations(roster, staff=staff) == expected


def test_max_consecutive_shifts_counts_runs_at_the_edges() -> None:
    staff = "A,D=7,3360,0,3,1,1,1"
    assert violations(week("D", "D", "D", "D"), staff=staff) == [
        "A days 0-3: 4 shifts in a row, max 3"
    ]
    assert violations(week("", "", "", "D", "D", "D", "D"), staff=staff) == [
        "A days 3-6: 4 shifts in a row, max 3"
    ]
    assert violations(week("D", "D", "D", "", "D", "D", "D"), staff=staff) == []


def test_min_consecutive_shifts_exempts_runs_touching_the_horizon() -> None:
    staff = "A,D=7,3360,0,7,2,1,1"
    assert violations(week("", "", "D"), staff=staff) == [
        "A days 2-2: only 1 shifts in a row, min 2"
    ]
    assert violations(week("D"), staff=staff) == []
    assert violations(week("", "", "", "", "", "", "D"), staff=staff) == []
    assert violations(week("", "D", "D"), staff=staff) == []


def test_min_consecutive_days_off_exempts_runs_touching_the_horizon() -> None:
    staff = "A,D=7,3360,0,7,1,2,1"
    assert violations(week("D", "", "D", "D", "D", "D", "D"), staff=staff) == [
        "A days 1-1: only 1 days off in a row, min 2"
    ]
    assert violations(week("", "D", "D", "D", "D", "D", "D"), staff=staff) == []
    assert violations(week("D", "D", "D", "D", "D", "D", ""), staff=staff) == []
    assert violations(week("D", "", "", "D", "D", "D", "D"), staff=staff) == []


def test_max_weekends_counts_saturday_or_sunday_once() -> None:
    instance = make_instance(horizon=14, staff="A,D=14,6720,0,14,1,1,1")
    both_days = [""] * 5 + ["D", "D"] + [""] * 7
    two_weekends = [""] * 5 + ["D"] + [""] * 7 + ["D"]
    assert evaluate(instance, {"A": both_days}).violations == []
    assert evaluate(instance, {"A": two_weekends}).violations == ["A: works 2 weekends, max 1"]


def test_days_off() -> None:
    assert violations(week("", "", "D"), days_off="A,2") == ["A day 2: works D on a day off"]
    assert violations(week("D"), days_off="A,2") == []


def test_wrong_shape_is_reported_not_raised() -> None:
    result = evaluate(make_instance(), {"A": ["X"] * 6, "B": [""] * 7})
    assert result.objective == -1
    assert "roster has unknown staff id 'B'" in result.violations
    assert "A: roster has 6 days, horizon is 7" in result.violations
    assert "A day 0: unknown shift id 'X'" in result.violations


def test_objective_adds_requests_and_cover() -> None:
    instance = make_instance(
        on_requests="A,0,D,2\nA,1,D,3",
        off_requests="A,2,D,1",
        cover="\n".join(
            ["0,D,2,100,1", "2,D,0,100,1"] + [f"{day},D,0,100,1" for day in (1, 3, 4, 5, 6)]
        ),
    )
    result = evaluate(instance, week("D", "", "D"))
    # on-request missed on day 1 (3), off-request broken on day 2 (1),
    # one short on day 0 (100), one over on day 2 (1)
    assert result.objective == 3 + 1 + 100 + 1
    assert result.violations == []
