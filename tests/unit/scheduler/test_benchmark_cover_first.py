"""The cover-first solve: the least under-cover first, then the whole objective under it."""

from __future__ import annotations

from ortools.sat.python import cp_model
from scheduler_helpers import instance_path, make_instance

from scheduler.benchmark_constraints import OFF, build_submodel, whole_model
from scheduler.benchmark_format import BenchmarkInstance, read_instance
from scheduler.benchmark_model import solve_benchmark
from scheduler.benchmark_search import (
    Roster,
    RosterCost,
    SubResult,
    solve_cover_first,
    solve_submodel,
)
from scheduler.evaluate import evaluate, under_cover_penalty


def everyone_off(instance: BenchmarkInstance) -> Roster:
    return {staff.id: [OFF] * instance.horizon for staff in instance.staff}


def cover_first(instance: BenchmarkInstance) -> SubResult:
    sub = whole_model(instance, everyone_off(instance))
    return solve_cover_first(sub, time_limit_s=5.0, workers=1, first_share=0.5)


def test_the_gap_is_closed_even_where_leaving_it_open_is_cheaper() -> None:
    # One D wanted on day 0 (a gap costs 1), and A asks, at weight 5, not to work it.
    instance = make_instance(
        staff="A,D=7,3360,0,7,1,1,1",
        off_requests="A,0,D,5",
        cover="\n".join(f"{day},D,{int(day == 0)},1,1" for day in range(7)),
    )
    plain = solve_submodel(
        whole_model(instance, everyone_off(instance)),
        time_limit_s=5.0,
        workers=1,
    )
    assert plain.objective == 1 and plain.bound == 1  # the optimum leaves the gap open

    result = cover_first(instance)
    assert result.roster is not None
    assert result.roster["A"][0] == "D"
    assert under_cover_penalty(instance, result.roster) == 0
    assert result.objective == evaluate(instance, result.roster).objective == 5
    assert result.bound is None  # 5 is optimal only among the rosters without a gap


def test_the_second_stage_still_minimises_the_rest() -> None:
    # Two people can close day 0's gap; A would rather not (weight 3), B has no wish.
    instance = make_instance(
        staff="A,D=7,3360,0,7,1,1,1\nB,D=7,3360,0,7,1,1,1",
        days_off="A\nB",
        off_requests="A,0,D,3",
        cover="\n".join(f"{day},D,{int(day == 0)},100,1" for day in range(7)),
    )
    result = cover_first(instance)
    assert result.roster is not None
    assert result.roster["A"][0] == OFF and result.roster["B"][0] == "D"
    assert result.objective == evaluate(instance, result.roster).objective == 0


def test_under_cost_of_a_fixed_roster_is_the_evaluators_under_cover() -> None:
    instance = read_instance(instance_path("Instance2"))
    roster = solve_benchmark(instance, time_limit_s=2.0, workers=1).roster
    fixed = build_submodel(instance, roster, {})
    assert fixed.under_terms == []
    assert fixed.under_constant == under_cover_penalty(instance, roster)
    assert fixed.objective_constant == evaluate(instance, roster).objective


def test_when_no_gap_closes_the_second_stage_ends_no_worse_than_the_hinted_roster() -> None:
    """Instance2's roster from a short solve has the fewest gaps already: the first stage
    cannot close one, and the second starts from the cheaper of that roster and the first
    stage's, so it ends no worse than the hinted roster."""
    instance = read_instance(instance_path("Instance2"))
    roster = solve_benchmark(instance, time_limit_s=2.0, workers=1).roster
    before = evaluate(instance, roster).objective
    result = solve_cover_first(
        whole_model(instance, roster),
        time_limit_s=1.0,
        workers=1,
        first_share=0.5,
        base_cost=RosterCost(before, under_cover_penalty(instance, roster)),
    )
    assert result.roster is not None
    after = evaluate(instance, result.roster)
    assert after.violations == []
    assert result.objective == after.objective <= before
    assert under_cover_penalty(instance, result.roster) <= under_cover_penalty(instance, roster)


def test_the_first_stage_counts_gaps_again_on_top_of_the_whole_objective() -> None:
    instance = read_instance(instance_path("Instance2"))
    roster = solve_benchmark(instance, time_limit_s=2.0, workers=1).roster
    fixed = build_submodel(instance, roster, {})  # every cell a constant
    fixed.model.minimize(fixed.objective_with_gaps_weighted(10))
    solver = cp_model.CpSolver()
    assert solver.solve(fixed.model) == cp_model.OPTIMAL
    expected = evaluate(instance, roster).objective + 10 * under_cover_penalty(instance, roster)
    assert round(solver.objective_value) == expected
