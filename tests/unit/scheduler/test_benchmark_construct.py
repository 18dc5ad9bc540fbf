"""Constructive start, best-response sweeps, LNS and column generation on real instances:
feasible by the independent evaluator, never worse than where they started, valid bounds."""

from __future__ import annotations

import random
import time

import pytest
from scheduler_helpers import instance_path

from scheduler.benchmark_arrays import OFF_INDEX, instance_arrays, roster_dict, total_objective
from scheduler.benchmark_colgen import ColumnGeneration, ColumnPool
from scheduler.benchmark_construct import construct, dp_settings, sweep
from scheduler.benchmark_format import read_instance
from scheduler.benchmark_search import SearchLimits, improve
from scheduler.evaluate import evaluate
from scheduler.roster_exact import exact_fallback

BEST_KNOWN = {"Instance1": 607, "Instance2": 828, "Instance4": 1716}


def _start(name: str):  # type: ignore[no-untyped-def]
    instance = read_instance(instance_path(name))
    arrays = instance_arrays(instance)
    settings = dp_settings(arrays, exact_fallback(instance, arrays, time_limit_s=2.0))
    matrix = construct(arrays, settings)
    assert matrix is not None
    return instance, arrays, settings, matrix


@pytest.mark.parametrize("name", ["Instance3", "Instance9", "Instance14"])
def test_constructed_roster_is_feasible_and_priced_exactly(name: str) -> None:
    instance, arrays, _, matrix = _start(name)
    evaluation = evaluate(instance, roster_dict(arrays, matrix))
    assert evaluation.violations == []
    assert evaluation.objective == total_objective(arrays, matrix)


@pytest.mark.slow
def test_constructor_is_feasible_on_a_large_long_horizon_instance() -> None:
    """Instance20: 50 staff, 182 days. Bounded work: one banded DP per employee (plus a
    few Lagrangian rounds); the result must pass the evaluator."""
    instance, arrays, settings, matrix = _start("Instance20")
    assert settings.band is not None
    assert evaluate(instance, roster_dict(arrays, matrix)).violations == []


def test_sweeps_never_worsen_and_stay_feasible() -> None:
    instance, arrays, settings, matrix = _start("Instance5")
    before = total_objective(arrays, matrix)
    improved, objective = sweep(
        arrays, matrix, settings, deadline=time.monotonic() + 30, rng=random.Random(3)
    )
    assert objective <= before
    evaluation = evaluate(instance, roster_dict(arrays, improved))
    assert evaluation.violations == [] and evaluation.objective == objective


def test_lns_never_worsens_the_incumbent() -> None:
    instance, arrays, _, matrix = _start("Instance4")
    roster = roster_dict(arrays, matrix)
    before = evaluate(instance, roster).objective
    limits = SearchLimits(deadline=time.monotonic() + 2.0, workers=2, seed=1)
    improved, objective = improve(instance, roster, before, limits)
    evaluation = evaluate(instance, improved)
    assert evaluation.violations == [] and evaluation.objective == objective <= before


@pytest.mark.parametrize("name", sorted(BEST_KNOWN))
def test_column_generation_bound_is_valid_and_the_dive_feasible(name: str) -> None:
    instance, arrays, settings, matrix = _start(name)
    pool = ColumnPool(arrays)
    for employee in range(arrays.n_staff):
        pool.add(employee, matrix[employee])
    generation = ColumnGeneration(arrays, pool, settings, exact=True)
    generation.run(deadline=time.monotonic() + 20)
    bound = generation.lower_bound
    assert bound is not None and 0 < bound <= BEST_KNOWN[name]
    dived = generation.dive(deadline=time.monotonic() + 20)
    assert dived is not None
    evaluation = evaluate(instance, roster_dict(arrays, dived))
    assert evaluation.violations == [] and evaluation.objective >= bound
    # pricing under a dive's fixings solves a restricted problem: no bound comes of it
    assert generation.lower_bound == bound


def test_pricing_in_threads_generates_the_same_columns_and_bound() -> None:
    """Each employee is priced independently of the others, so two pricing threads grow
    the same pool and prove the same bound as one."""
    _, arrays, settings, matrix = _start("Instance5")
    outcomes = []
    for threads in (1, 2):
        pool = ColumnPool(arrays)
        for employee in range(arrays.n_staff):
            pool.add(employee, matrix[employee])
        generation = ColumnGeneration(arrays, pool, settings, exact=True, threads=threads)
        generation.run(deadline=time.monotonic() + 60, max_iterations=12)
        columns = [[column.tobytes() for column in columns] for columns in pool.columns]
        outcomes.append((columns, generation.best_bound, generation.lp_value))
    assert pool.size > arrays.n_staff
    assert outcomes[0] == outcomes[1]


def test_pricing_under_fixed_days_proves_no_bound() -> None:
    """Days a dive fixed restrict the pricing, so its Lagrangian value bounds only the
    restricted problem and must not be kept as the instance's lower bound."""
    _, arrays, settings, matrix = _start("Instance5")
    pool = ColumnPool(arrays)
    for employee in range(arrays.n_staff):
        pool.add(employee, matrix[employee])
    generation = ColumnGeneration(arrays, pool, settings, exact=True)
    assert generation.run(deadline=time.monotonic() + 60)
    bound = generation.lower_bound
    assert bound is not None
    generation.master.solve(10.0)
    for employee, weights in enumerate(generation.master.weights()):
        heaviest = pool.columns[employee][int(weights.argmax())]
        generation.cells[employee, heaviest == OFF_INDEX] = OFF_INDEX
        generation.fix_days(employee)
    generation.run(deadline=time.monotonic() + 60)
    assert generation.lower_bound == bound
