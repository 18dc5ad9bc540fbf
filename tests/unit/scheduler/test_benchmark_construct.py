"""Constructive start, best-response sweeps, LNS and column generation on real instances:
feasible by the independent evaluator, never worse than where they started, valid bounds."""

from __future__ import annotations

import dataclasses
import random
import time

import numpy as np
import pytest
from scheduler_helpers import instance_path

from scheduler import benchmark_master
from scheduler.benchmark_arrays import OFF_INDEX, instance_arrays, roster_dict, total_objective
from scheduler.benchmark_colgen import ColumnGeneration
from scheduler.benchmark_constraints import OFF
from scheduler.benchmark_construct import construct, dp_settings, sweep
from scheduler.benchmark_format import read_instance
from scheduler.benchmark_master import ColumnPool, master_rows
from scheduler.benchmark_model import lp_guide
from scheduler.benchmark_search import (
    Guide,
    SearchLimits,
    _cover_gaps,
    guided_neighbourhood,
    improve,
    short_shifts,
    weekend_neighbourhood,
)
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


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Instance1", set()),
        ("Instance8", {"N"}),
        ("Instance14", {"N"}),
        ("Instance15", {"n1", "n2"}),
    ],
)
def test_short_shifts_need_more_than_the_staff_may_work(name: str, short: set[str]) -> None:
    instance = read_instance(instance_path(name))
    assert short_shifts(instance) == short
    for shift_id in short:  # Instance8: 86 N shifts wanted, at most 74 allowed
        wanted = sum(cover.requirement for cover in instance.cover if cover.shift_id == shift_id)
        allowed = sum(
            min(staff.max_shifts[shift_id], instance.horizon - len(instance.days_off[staff.id]))
            for staff in instance.staff
        )
        assert wanted > allowed


def test_lns_aims_at_the_gaps_of_short_shifts_only_when_there_are_no_others() -> None:
    instance = read_instance(instance_path("Instance8"))
    nobody = {staff.id: [OFF] * instance.horizon for staff in instance.staff}
    gaps = _cover_gaps(instance, nobody, frozenset({"N"}))
    assert {shift_id for _, shift_id in gaps} == {"D", "E", "L"}
    assert len(gaps) == sum(c.requirement for c in instance.cover if c.shift_id != "N")
    everything_short = frozenset(shift.id for shift in instance.shifts)
    gaps = _cover_gaps(instance, nobody, everything_short)
    assert len(gaps) == sum(cover.requirement for cover in instance.cover)


def test_weekend_moves_free_a_week_around_a_missed_weekend_cover() -> None:
    """Someone who works only the Sunday of a weekend whose Saturday misses a cover they may
    work is always freed first; without missed weekend covers there is no such move."""
    instance = read_instance(instance_path("Instance4"))
    half = next(staff for staff in instance.staff if 5 not in instance.days_off[staff.id])
    saturday = tuple(
        cover
        for cover in instance.cover
        if cover.day == 5 and cover.requirement and half.may_work(cover.shift_id)
    )
    assert saturday
    roster = {staff.id: [OFF] * instance.horizon for staff in instance.staff}
    roster[half.id][6] = saturday[0].shift_id
    only_saturday = dataclasses.replace(instance, cover=saturday)
    for seed in range(20):
        free = weekend_neighbourhood(only_saturday, roster, random.Random(seed), 300.0)
        assert half.id in free and len(free) >= 2
        days = free[half.id]
        assert {5, 6} <= days and days == frozenset(range(min(days), max(days) + 1))
        assert all(others == days for others in free.values())
    weekdays = tuple(cover for cover in instance.cover if cover.day % 7 < 5)
    weekday_gaps_only = dataclasses.replace(instance, cover=weekdays)
    assert weekend_neighbourhood(weekday_gaps_only, roster, random.Random(0), 300.0) == {}


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
    pool = ColumnPool.of_roster(arrays, matrix)
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


def test_first_order_master_gives_a_valid_bound_and_a_feasible_dive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PDLP's duals are approximate, but any duals give a valid Lagrangian bound, and its
    approximate column values still lead a dive to a feasible roster."""
    monkeypatch.setattr(benchmark_master, "FIRST_ORDER_MASTER_ROWS", 0)
    instance, arrays, settings, matrix = _start("Instance2")
    pool = ColumnPool.of_roster(arrays, matrix)
    generation = ColumnGeneration(arrays, pool, settings, exact=True)
    assert generation.master.first_order
    generation.run(deadline=time.monotonic() + 10)
    bound = generation.lower_bound
    assert bound is not None and 0 < bound <= BEST_KNOWN["Instance2"]
    weights = generation.master.weights()
    assert all(((w >= 0.0) & (w <= 1.0)).all() for w in weights)
    dived = generation.dive(deadline=time.monotonic() + 10)
    assert dived is not None
    evaluation = evaluate(instance, roster_dict(arrays, dived))
    assert evaluation.violations == [] and evaluation.objective >= bound


def test_only_a_large_master_is_first_order() -> None:
    """Instance2: 14 days x 2 shifts + 14 employees; Instance13: 28 x 18 + 120."""
    _, arrays, settings, matrix = _start("Instance2")
    pool = ColumnPool.of_roster(arrays, matrix)
    assert master_rows(arrays) == 42
    assert not ColumnGeneration(arrays, pool, settings, exact=True).master.first_order
    large = instance_arrays(read_instance(instance_path("Instance13")))
    assert master_rows(large) == 624 > benchmark_master.FIRST_ORDER_MASTER_ROWS


def test_column_dive_follows_a_nearly_integral_lp_to_a_feasible_roster() -> None:
    """Instance5's LP bound is within 0.3% of its optimum (1,143). Fixing one employee's
    heaviest column at a time and re-pricing in between ends within 1% of that bound; the
    roster passes the evaluator, and the dive's restricted pricing leaves the bound alone."""
    instance, arrays, settings, matrix = _start("Instance5")
    pool = ColumnPool.of_roster(arrays, matrix)
    generation = ColumnGeneration(arrays, pool, settings, exact=True)
    assert generation.run(deadline=time.monotonic() + 60)
    bound = generation.lower_bound
    assert bound is not None and bound <= 1143
    dived = generation.column_dive(deadline=time.monotonic() + 30)
    assert dived is not None
    assert sorted(generation.fixed) == list(range(arrays.n_staff))
    for employee, position in generation.fixed.items():
        assert np.array_equal(dived[employee], pool.columns[employee][position])
    evaluation = evaluate(instance, roster_dict(arrays, dived))
    assert evaluation.violations == []
    assert bound <= evaluation.objective <= bound * 1.01
    assert generation.lower_bound == bound


def test_column_dive_out_of_time_still_gives_every_employee_a_column() -> None:
    """Past its deadline the dive fixes nobody one by one: CP-SAT gives every employee one
    of its columns, and the roster is feasible."""
    instance, arrays, settings, matrix = _start("Instance5")
    pool = ColumnPool.of_roster(arrays, matrix)
    generation = ColumnGeneration(arrays, pool, settings, exact=True)
    generation.run(deadline=time.monotonic() + 60, max_iterations=10)
    generation.master.solve(10.0)
    dived = generation.column_dive(deadline=time.monotonic())
    assert dived is not None
    assert sorted(generation.fixed) == list(range(arrays.n_staff))
    assert evaluate(instance, roster_dict(arrays, dived)).violations == []


def test_pricing_in_threads_generates_the_same_columns_and_bound() -> None:
    """Each employee is priced independently of the others, so two pricing threads grow
    the same pool and prove the same bound as one."""
    _, arrays, settings, matrix = _start("Instance5")
    outcomes = []
    for threads in (1, 2):
        pool = ColumnPool.of_roster(arrays, matrix)
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
    pool = ColumnPool.of_roster(arrays, matrix)
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


def _lp_after_ten_iterations(name: str):  # type: ignore[no-untyped-def]
    """Instance ``name``, its constructed roster, and column generation from it after ten
    iterations (the LP still mixes columns)."""
    instance, arrays, settings, matrix = _start(name)
    pool = ColumnPool.of_roster(arrays, matrix)
    generation = ColumnGeneration(arrays, pool, settings, exact=True)
    generation.run(deadline=time.monotonic() + 60, max_iterations=10)
    return instance, arrays, matrix, generation


def test_lp_marginals_are_the_heaviest_shift_of_each_day() -> None:
    """Per employee and day, the LP's choice is the shift (or day off) its columns give the
    most weight, and its weight is the sum over the columns that agree with it."""
    _, arrays, _, generation = _lp_after_ten_iterations("Instance5")
    marginals = generation.marginals(time_limit_s=10.0)
    assert marginals is not None
    shifts, weight = marginals
    weights = generation.master.weights()
    fractional = 0
    for employee, columns in enumerate(generation.pool.columns):
        stacked = np.stack(columns)
        for day in range(arrays.horizon):
            totals = {
                int(shift): float(weights[employee][stacked[:, day] == shift].sum())
                for shift in set(stacked[:, day].tolist())
            }
            assert totals[int(shifts[employee, day])] == pytest.approx(weight[employee, day])
            assert weight[employee, day] == pytest.approx(max(totals.values()))
            fractional += weight[employee, day] < 1 - 1e-6
    assert fractional > 0  # the LP mixes columns here, so the choice is not trivial


def test_guided_moves_free_only_days_the_incumbent_disputes_with_the_lp() -> None:
    instance, arrays, _, matrix = _start("Instance4")
    roster = roster_dict(arrays, matrix)
    first, second, third = (staff.id for staff in instance.staff[:3])
    settled = {staff_id: [1.0] * instance.horizon for staff_id in roster}
    rng = random.Random(0)
    assert guided_neighbourhood(instance, roster, Guide(roster, settled), rng, 10_000.0) == {}

    lp = {staff_id: list(days) for staff_id, days in roster.items()}
    other = {shift.id for shift in instance.shifts} | {""}
    lp[first][3] = sorted(other - {roster[first][3]})[0]
    lp[second][20] = sorted(other - {roster[second][20]})[0]
    weight = {staff_id: list(row) for staff_id, row in settled.items()}
    weight[third][9] = 0.4  # shared with the incumbent, but the LP has not settled it
    guide = Guide(lp, weight)
    disputed = {(first, 3), (second, 20), (third, 9)}
    assert guide.unsettled(instance, roster)[:3] == [{3}, {20}, {9}]

    seen: set[tuple[str, int]] = set()
    for seed in range(40):
        free = guided_neighbourhood(instance, roster, guide, random.Random(seed), 10_000.0)
        freed = {(staff_id, day) for staff_id, days in free.items() for day in days}
        assert freed and freed <= disputed
        seen |= freed
    assert seen == disputed


def test_guided_lns_never_worsens_the_incumbent() -> None:
    instance, arrays, matrix, generation = _lp_after_ten_iterations("Instance5")
    guide = lp_guide(generation, time_limit_s=10.0)
    assert guide is not None
    roster = roster_dict(arrays, matrix)
    before = evaluate(instance, roster).objective
    limits = SearchLimits(deadline=time.monotonic() + 2.0, workers=2, seed=1)
    improved, objective = improve(instance, roster, before, limits, guide=guide)
    evaluation = evaluate(instance, improved)
    assert evaluation.violations == [] and evaluation.objective == objective <= before
