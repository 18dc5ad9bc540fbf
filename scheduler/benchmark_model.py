"""Solve a Curtois-Qu benchmark instance.

Phases, all inside one wall-clock budget: a constructive start from the per-employee DP
(always feasible), best-response sweeps, column generation (LP bound) with a diving heuristic,
the full CP-SAT model when it is small (hinted with the best roster so far, the second time
cover first), then CP-SAT LNS.

``solve_benchmark`` reports the objective of the roster it returns (equal to
``scheduler.evaluate.evaluate(instance, roster).objective``) and the best proven lower
bound (CP-SAT's on the full model, or the Lagrangian bound of column generation).
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from scheduler.benchmark_arrays import (
    InstanceArrays,
    IntArray,
    instance_arrays,
    roster_dict,
    roster_matrix,
    total_objective,
)
from scheduler.benchmark_colgen import ColumnGeneration
from scheduler.benchmark_constraints import whole_model
from scheduler.benchmark_construct import DPSettings, construct, dp_settings, sweep
from scheduler.benchmark_format import BenchmarkInstance, read_instance
from scheduler.benchmark_master import ColumnPool
from scheduler.benchmark_search import (
    Guide,
    Roster,
    RosterCost,
    SearchLimits,
    improve,
    model_size,
    roster_from_hint,
    solve_cover_first,
    solve_submodel,
)
from scheduler.evaluate import evaluate, under_cover_penalty
from scheduler.roster_exact import exact_fallback

#: Full models up to this many shift variables are also solved directly by CP-SAT.
FULL_MODEL_VARS = 12_000
#: Full models up to this many shift variables are solved before column generation too, from
#: the sweeps' roster. On larger ones that solve barely moves the roster, and column generation
#: and the dives make better use of its time (Instance19, 9,728 variables: 3,177-3,364 in 10
#: runs without it, 3,373-3,758 in 4 with it; Instance12, 10,452: 4,040-4,146 without it,
#: 4,056-4,154 with it). Instance15 (6,726) keeps it: 3,993-4,212 in 6 runs without it, one
#: past its target of 4,210, against 3,931-4,133 in 4 with it.
FIRST_FULL_MODEL_VARS = 8_000
#: Seconds kept back from the limit for reading the result back and reporting.
SAFETY_S = 0.3
#: Share of the time limit the constructive start may take before it goes cheap.
CONSTRUCT_SHARE = 0.5
#: Shares of the remaining time for the phases after the constructive start.
SWEEP_SHARE = 0.1
BANDED_SWEEP_SHARE = 0.6
FIRST_FULL_MODEL_SHARE = 0.15
COLGEN_SHARE = 0.3
#: Column generation with the first-order master (`FIRST_ORDER_MASTER_ROWS`, Instance13) gets
#: more of the time: it is far from converged after 0.3, and the dive from that LP is poor
#: (60 s runs on Instance13: 3,124-3,733 with 0.3, 2,393-3,461 with 0.45).
FIRST_ORDER_COLGEN_SHARE = 0.45
DIVE_SHARE = 0.5
#: Share of the dives after the first-order master (Instance13). Its single dive scales its
#: rounds to the time, and the LNS that follows gains far more per second there since the
#: weekend moves (60 s runs, alternated: 1,801-2,432 in 5 runs with 0.25, mean 2,134;
#: 2,085-2,998 in 4 with 0.5, mean 2,405).
FIRST_ORDER_DIVE_SHARE = 0.25
FULL_MODEL_SHARE = 0.7
#: Share of the full-model phase spent on the under-cover first (`solve_cover_first`).
COVER_FIRST_SHARE = 0.5
#: Fixing rounds of successive dives, while the dive's share of the time lasts (a dive on a
#: small instance takes a few seconds, and its outcome swings with the number of rounds).
DIVE_ROUNDS = (10, 14, 7, 20)
#: Dives in a row that find nothing better before the time goes to CP-SAT instead (twice
#: as many when column and day dives take turns).
DIVE_PATIENCE = 2
#: Time limit of the LP solve that gives guided LNS moves the LP's choices.
GUIDE_LP_S = 2.0
#: Time limit of one exact single-employee fallback solve.
FALLBACK_S = 1.0


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


@dataclass
class _Search:
    """The incumbent and the best proven bound while the phases run."""

    instance: BenchmarkInstance
    arrays: InstanceArrays
    limits: SearchLimits
    matrix: IntArray
    objective: int
    bound: int | None = None
    guide: Guide | None = None

    def offer(self, matrix: IntArray | None) -> int | None:
        """Keep ``matrix`` if it beats the incumbent; its objective (None for no matrix)."""
        if matrix is None:
            return None
        objective = total_objective(self.arrays, matrix)
        if objective < self.objective:
            self.matrix, self.objective = matrix, objective
        return objective

    def prove(self, bound: int | None) -> None:
        """Keep the best proven lower bound (every penalty is non-negative, so 0 is one)."""
        if bound is not None:
            bound = max(0, bound)
        if bound is not None and (self.bound is None or bound > self.bound):
            self.bound = bound

    @property
    def optimal(self) -> bool:
        return self.bound is not None and self.objective <= self.bound

    def until(self, share: float) -> float:
        """A deadline ``share`` of the remaining time from now."""
        return time.monotonic() + max(0.0, self.limits.remaining()) * share


def _start(
    instance: BenchmarkInstance,
    arrays: InstanceArrays,
    settings: DPSettings,
    hint: Mapping[str, Sequence[str]] | None,
    deadline: float,
) -> IntArray | None:
    valid = _valid_hint(instance, hint)
    if valid is not None:
        return roster_matrix(arrays, valid)
    return construct(arrays, settings, deadline=deadline)


def lp_guide(generation: ColumnGeneration, *, time_limit_s: float) -> Guide | None:
    """The LP's choice per employee and day, for guided LNS moves; taken before any dive
    (a dive's fixings bend the LP towards its own roster)."""
    marginals = generation.marginals(time_limit_s=time_limit_s)
    if marginals is None:
        return None
    shifts, weight = marginals
    arrays = generation.arrays
    return Guide(
        roster_dict(arrays, shifts),
        {staff_id: row.tolist() for staff_id, row in zip(arrays.staff_ids, weight, strict=True)},
    )


def _generate_and_dive(search: _Search, settings: DPSettings) -> None:
    """Column generation (Lagrangian bound), then dives over the columns, each followed by a
    sweep, until a few dives in a row find nothing better or the dives' share of the time is
    spent. The dives fix days (`ColumnGeneration.dive`); when column generation converged in
    its share of the time, dives that fix whole columns (`ColumnGeneration.column_dive`,
    greedy first, then randomised) take turns with them. Neither kind wins everywhere:
    column dives end at 1,058-1,065 on Instance7 and 1,302-1,309 on Instance8, where day
    dives end above 1,160 and 1,400, but at 454-457 on Instance9 against 441-444. Column
    dives need the LP converged again after each fixing, which only quick pricing affords
    (on Instances 15 and 19 a column dive took time the day dives use better). The dives
    only run once a complete pricing round gave a bound: an LP that never priced every
    employee is too far from converged to guide them."""
    arrays, limits = search.arrays, search.limits
    pool = ColumnPool.of_roster(arrays, search.matrix)
    generation = ColumnGeneration(arrays, pool, settings, exact=True, threads=limits.workers)
    share = FIRST_ORDER_COLGEN_SHARE if generation.master.first_order else COLGEN_SHARE
    converged = generation.run(deadline=search.until(share))
    search.prove(generation.lower_bound)
    if search.optimal or limits.remaining() <= 0:
        return
    search.guide = lp_guide(generation, time_limit_s=min(GUIDE_LP_S, limits.remaining()))
    if generation.lower_bound is None:
        return
    first_order = generation.master.first_order
    deadline = search.until(FIRST_ORDER_DIVE_SHARE if first_order else DIVE_SHARE)
    rng = random.Random(limits.seed)
    day_dives = (
        partial(generation.dive, deadline=deadline, steps=steps)
        for steps in itertools.cycle(DIVE_ROUNDS)
    )
    dives: Iterator[Callable[[], IntArray | None]] = day_dives
    patience = DIVE_PATIENCE
    if converged:  # column dives (the first greedy, the others randomised) take turns
        column_dives = (
            partial(generation.column_dive, deadline=deadline, rng=rng if attempt else None)
            for attempt in itertools.count()
        )
        dives = itertools.chain.from_iterable(zip(column_dives, day_dives, strict=True))
        patience = 2 * DIVE_PATIENCE
    best, stale = None, 0
    for attempt, run_dive in enumerate(dives):
        if attempt:
            generation.reset_dive()
        dived = run_dive()
        if dived is None:
            return
        matrix, _ = sweep(
            arrays, dived, settings, deadline=search.until(SWEEP_SHARE), rng=random.Random(1)
        )
        objective = search.offer(matrix)
        assert objective is not None
        best, stale = (objective, 0) if best is None or objective < best else (best, stale + 1)
        if stale >= patience or search.optimal or time.monotonic() >= deadline:
            return


def _first_full_model(search: _Search, share: float) -> None:
    """The whole CP-SAT model hinted with the incumbent (its bound is kept); its time limit is
    ``share`` of what is left once the model is built."""
    arrays, limits = search.arrays, search.limits
    sub = whole_model(search.instance, roster_dict(arrays, search.matrix))
    seconds = max(0.05, limits.remaining() * share)
    result = solve_submodel(sub, time_limit_s=seconds, workers=limits.workers, seed=limits.seed)
    search.prove(result.bound)
    if result.roster is not None:
        search.offer(roster_matrix(arrays, result.roster))


def _cover_first(search: _Search, share: float) -> None:
    """The whole CP-SAT model, hinted with the incumbent, in two stages (`solve_cover_first`);
    its time limit is ``share`` of what is left once the model is built."""
    arrays, limits = search.arrays, search.limits
    incumbent = roster_dict(arrays, search.matrix)
    sub = whole_model(search.instance, incumbent)
    result = solve_cover_first(
        sub,
        time_limit_s=max(0.05, limits.remaining() * share),
        workers=limits.workers,
        seed=limits.seed,
        first_share=COVER_FIRST_SHARE,
        base_cost=RosterCost(search.objective, under_cover_penalty(search.instance, incumbent)),
    )
    if result.roster is not None:
        search.offer(roster_matrix(arrays, result.roster))


def _phases(search: _Search, settings: DPSettings) -> None:
    """Sweeps; the full CP-SAT model (up to `FIRST_FULL_MODEL_VARS`) for a first share; on
    exact (short) horizons column generation with diving; the full model (up to
    `FULL_MODEL_VARS`) hinted with the best roster so far, cover first (the fewest missed
    covers, then the whole objective among rosters that miss no more); CP-SAT LNS on whatever
    time is left. Each phase only keeps improvements; the search stops once the incumbent is
    proven optimal.

    CP-SAT runs on both sides of the dive: from the sweeps it finds the best rosters on some
    instances (Instance15: 3,931-4,133 with it, 3,993-4,212 without), and hinted with the
    dive's roster on others (Instance8: about 1,400, where it stalls near 2,300 from the
    sweeps)."""
    arrays, limits = search.arrays, search.limits
    rng = random.Random(limits.seed)
    exact = settings.band is None
    share = SWEEP_SHARE if exact else BANDED_SWEEP_SHARE
    matrix, _ = sweep(arrays, search.matrix, settings, deadline=search.until(share), rng=rng)
    search.offer(matrix)
    size = model_size(search.instance)
    if size <= FIRST_FULL_MODEL_VARS:
        _first_full_model(search, FIRST_FULL_MODEL_SHARE)
    if search.optimal or limits.remaining() <= 0.2:
        return
    if exact:
        _generate_and_dive(search, settings)
    if search.optimal or limits.remaining() <= 0.2:
        return
    if size <= FULL_MODEL_VARS:
        _cover_first(search, FULL_MODEL_SHARE)
    if search.optimal or limits.remaining() <= 0.2:
        return
    roster, _ = improve(
        search.instance,
        roster_dict(arrays, search.matrix),
        search.objective,
        limits,
        lower_bound=search.bound or 0,
        guide=search.guide,
    )
    search.offer(roster_matrix(arrays, roster))


def solve_benchmark(
    instance: BenchmarkInstance,
    *,
    time_limit_s: float,
    workers: int,
    hint: dict[str, list[str]] | None = None,
) -> BenchmarkResult:
    """Best roster found within ``time_limit_s`` seconds (wall clock, everything included)
    using ``workers`` CP-SAT workers."""
    started = time.monotonic()
    safety = min(SAFETY_S, time_limit_s * 0.1)
    limits = SearchLimits(deadline=started + time_limit_s - safety, workers=workers, seed=0)
    arrays = instance_arrays(instance)
    fallback = exact_fallback(instance, arrays, time_limit_s=FALLBACK_S, workers=workers)
    settings = dp_settings(arrays, fallback)
    matrix = _start(instance, arrays, settings, hint, started + time_limit_s * CONSTRUCT_SHARE)
    if matrix is None:
        return BenchmarkResult("UNKNOWN", None, None, time.monotonic() - started, {})
    search = _Search(instance, arrays, limits, matrix, total_objective(arrays, matrix))
    if limits.remaining() > 0:
        _phases(search, settings)
    roster = roster_dict(arrays, search.matrix)
    objective = evaluate(instance, roster).objective
    return BenchmarkResult(
        status="OPTIMAL" if search.optimal else "FEASIBLE",
        objective=objective,
        bound=search.bound,
        seconds=time.monotonic() - started,
        roster=roster,
    )


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
