"""Solve a Curtois-Qu benchmark instance: full CP-SAT model, constructive start, then LNS.

``solve_benchmark`` reports the objective of the roster it returns (equal to
``scheduler.evaluate.evaluate(instance, roster).objective``) and, when a full model was
solved, CP-SAT's proven lower bound.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scheduler.benchmark_constraints import add_hint, build_submodel
from scheduler.benchmark_format import BenchmarkInstance, read_instance
from scheduler.benchmark_search import (
    Roster,
    SearchLimits,
    SubResult,
    construct,
    empty_roster,
    improve,
    model_size,
    roster_from_hint,
    solve_submodel,
)
from scheduler.evaluate import evaluate

#: Full models up to this many shift variables are solved directly for the whole budget.
SMALL_MODEL_VARS = 1_000
#: Full models up to this many shift variables get FULL_MODEL_SHARE of the budget, then LNS.
FULL_MODEL_VARS = 12_000
#: Share of the budget for the full model when it is not small.
FULL_MODEL_SHARE = 0.25
#: Share of the budget for the constructive start when no full model is solved.
CONSTRUCT_SHARE = 0.3


@dataclass(frozen=True)
class BenchmarkResult:
    """``status`` is OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN; ``roster`` is empty unless a
    feasible roster was found."""

    status: str
    objective: int | None
    bound: int | None
    seconds: float
    roster: dict[str, list[str]]


def _valid_hint(
    instance: BenchmarkInstance, hint: Mapping[str, Sequence[str]] | None
) -> Roster | None:
    roster = roster_from_hint(instance, hint)
    if roster is None or evaluate(instance, roster).violations:
        return None
    return roster


def _full_solve(
    instance: BenchmarkInstance, incumbent: Roster | None, limits: SearchLimits, share: float
) -> SubResult:
    all_days = frozenset(range(instance.horizon))
    base = incumbent or empty_roster(instance)
    sub = build_submodel(instance, base, {staff.id: all_days for staff in instance.staff})
    if incumbent is not None:
        add_hint(sub, incumbent)
    return solve_submodel(
        sub,
        time_limit_s=limits.remaining() * share,
        workers=limits.workers,
        seed=limits.seed,
    )


def solve_benchmark(
    instance: BenchmarkInstance,
    *,
    time_limit_s: float,
    workers: int,
    hint: dict[str, list[str]] | None = None,
) -> BenchmarkResult:
    """Best roster found within ``time_limit_s`` seconds using ``workers`` CP-SAT workers."""
    started = time.monotonic()
    limits = SearchLimits(deadline=started + time_limit_s, workers=workers, seed=0)
    incumbent = _valid_hint(instance, hint)
    objective = evaluate(instance, incumbent).objective if incumbent is not None else None
    bound: int | None = None
    size = model_size(instance)

    def result(status: str) -> BenchmarkResult:
        return BenchmarkResult(
            status=status,
            objective=objective,
            bound=bound,
            seconds=time.monotonic() - started,
            roster=incumbent or {},
        )

    if size <= FULL_MODEL_VARS:
        share = 1.0 if size <= SMALL_MODEL_VARS else FULL_MODEL_SHARE
        phase = _full_solve(instance, incumbent, limits, share)
        bound = phase.bound
        if phase.status == "INFEASIBLE":
            return result("INFEASIBLE")
        if phase.roster is not None and phase.objective is not None:
            if objective is None or phase.objective <= objective:
                incumbent, objective = phase.roster, phase.objective
        if phase.status == "OPTIMAL":
            return result("OPTIMAL")
    if incumbent is None:
        incumbent = construct(instance, limits, budget_s=limits.remaining() * CONSTRUCT_SHARE)
        if incumbent is None:
            return result("UNKNOWN")
        objective = evaluate(instance, incumbent).objective
    assert objective is not None
    incumbent, objective = improve(instance, incumbent, objective, limits, lower_bound=bound or 0)
    proved = bound is not None and objective <= bound
    return result("OPTIMAL" if proved else "FEASIBLE")


def benchmark_json(path: str | Path, *, seconds: float, workers: int) -> dict[str, object]:
    """Solve one instance file and return a JSON-ready summary (used by the CLI)."""
    path = Path(path)
    outcome = solve_benchmark(read_instance(path), time_limit_s=seconds, workers=workers)
    return {
        "instance": path.stem,
        "status": outcome.status,
        "objective": outcome.objective,
        "bound": outcome.bound,
        "seconds": round(outcome.seconds, 3),
        "roster": outcome.roster,
    }
