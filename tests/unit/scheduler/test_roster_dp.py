"""The per-employee DP: every roster it returns satisfies each hard rule, and it is optimal
(it matches an exact CP-SAT solve of the same single-employee problem)."""

from __future__ import annotations

import numpy as np
import pytest
from scheduler_helpers import instance_path, make_instance

from scheduler.benchmark_arrays import instance_arrays, roster_dict
from scheduler.benchmark_format import BenchmarkInstance, read_instance
from scheduler.evaluate import hard_violations
from scheduler.roster_exact import exact_fallback
from scheduler.roster_pricing import best_roster, roster_cost

FOUR_WEEKS_THREE_SHIFTS = "E,480,\nD,480,E\nL,600,E|D"

STAFF_CASES = {
    "runs and rest": "A,E=28|D=28|L=28,12000,9000,4,2,2,4",
    "tight minutes": "A,E=28|D=28|L=28,10080,9600,5,2,2,4",
    "few weekends": "A,E=28|D=28|L=28,12000,7000,5,1,2,1",
    "limited late shifts": "A,E=28|D=28|L=3,12000,7000,5,2,3,4",
    "no weekends": "A,E=0|D=28|L=28,12000,7000,5,2,2,0",
    "long minimum run": "A,E=28|D=28|L=28,12000,4800,6,3,1,2",
}


def _single(staff: str, days_off: str = "A,3,10") -> BenchmarkInstance:
    return make_instance(horizon=28, shifts=FOUR_WEEKS_THREE_SHIFTS, staff=staff, days_off=days_off)


def _costs(seed: int, horizon: int, shifts: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(-100, 4, size=(horizon, shifts)).astype(float)


@pytest.mark.parametrize("case", sorted(STAFF_CASES))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dp_rosters_satisfy_every_hard_rule(case: str, seed: int) -> None:
    instance = _single(STAFF_CASES[case])
    arrays = instance_arrays(instance)
    found = best_roster(arrays, 0, _costs(seed, 28, 3))
    assert found.shifts is not None, case
    roster = roster_dict(arrays, found.shifts[None, :])
    assert hard_violations(instance, roster) == [], case
    assert found.bound <= found.cost + 1e-9


@pytest.mark.parametrize("case", sorted(STAFF_CASES))
def test_dp_matches_the_exact_single_employee_optimum(case: str) -> None:
    instance = _single(STAFF_CASES[case])
    arrays = instance_arrays(instance)
    cost = _costs(7, 28, 3)
    found = best_roster(arrays, 0, cost)
    exact = exact_fallback(instance, arrays, time_limit_s=10.0)(0, cost, None)
    assert found.shifts is not None and exact is not None
    assert found.cost == pytest.approx(roster_cost(cost, exact)), case


@pytest.mark.parametrize("case", ["runs and rest", "tight minutes", "long minimum run"])
def test_dp_matches_the_exact_optimum_when_the_minimum_total_binds(case: str) -> None:
    """Positive costs make the cheapest roster work as little as the rules allow, so its
    path runs along the states the DP skips as unable to reach the minimum total."""
    instance = _single(STAFF_CASES[case], days_off="A,3,10,11,20")
    arrays = instance_arrays(instance)
    cost = np.random.default_rng(11).integers(1, 40, size=(28, 3)).astype(float)
    found = best_roster(arrays, 0, cost)
    exact = exact_fallback(instance, arrays, time_limit_s=10.0)(0, cost, None)
    assert found.shifts is not None and exact is not None
    assert found.cost == pytest.approx(roster_cost(cost, exact)), case


def test_infeasible_employee_gives_no_roster() -> None:
    instance = _single(
        "A,E=28|D=28|L=28,12000,11000,5,2,2,4",
        days_off="A," + ",".join(str(day) for day in range(0, 28, 2)),
    )
    found = best_roster(instance_arrays(instance), 0, np.zeros((28, 3)))
    assert found.shifts is None


def test_banded_dp_is_feasible_on_a_tight_long_horizon_employee() -> None:
    instance = read_instance(instance_path("Instance22"))
    arrays = instance_arrays(instance)
    employee = [staff.id for staff in instance.staff].index("I")
    cost = _costs(5, instance.horizon, len(instance.shifts))
    found = best_roster(arrays, employee, cost, band=(6, 2), rounds=2)
    assert found.shifts is not None
    rows = np.full((len(instance.staff), instance.horizon), -1)
    rows[employee] = found.shifts
    problems = [
        p
        for p in hard_violations(instance, roster_dict(arrays, rows))
        if p.startswith("I:") or p.startswith("I ")
    ]
    assert problems == []
