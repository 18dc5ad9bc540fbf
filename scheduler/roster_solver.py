"""``solve``: build the CP-SAT duty-roster model, optimise it and report the result.

Invariants:

- Pure: frozen ``RosterProblem`` in, frozen ``RosterResult`` out; never raises for an
  infeasible problem (status ``"INFEASIBLE"`` with ``explanation`` filled instead).
- ``objective == sum(v.cost for v in violations)`` for every FEASIBLE/OPTIMAL result: the
  objective is exactly the sum of the named penalty terms (see ``roster_soft``), and each
  term with a non-zero value is reported as one ``Violation``. Fairness spreads include
  history totals, so a spread that history alone forces is part of both.
- ``hint`` seeds the search and, with ``Weights.change_from_hint``, penalises each
  assignment added to or removed from it (minimal-change repair).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from ortools.sat.python import cp_model

from .roster_explain import core_shortfalls, count_shortfalls
from .roster_problem import (
    Assignment,
    History,
    PersonTotals,
    Progress,
    RosterProblem,
    RosterResult,
    Shortfall,
    Violation,
    counts_as_holiday,
    counts_as_weekend,
)
from .roster_rules import RosterModel, add_hard_rules, build_variables
from .roster_soft import KEYS, Penalty, soft_penalties

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
}


def solve(
    problem: RosterProblem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    hint: tuple[Assignment, ...] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> RosterResult:
    """Optimise the roster within ``time_limit_s`` using ``workers`` CP-SAT workers.

    ``progress``, when given, is called with each improving solution (from a CP-SAT
    solution callback, so on a solver thread); it must be quick and must not raise."""
    shortfalls = count_shortfalls(problem)
    if shortfalls:
        return _infeasible(problem, tuple(shortfalls), 0.0)
    model = cp_model.CpModel()
    ctx = RosterModel(problem, model, build_variables(problem, model))
    add_hard_rules(ctx)
    penalties = soft_penalties(ctx, hint)
    model.minimize(cp_model.LinearExpr.sum([item.cost * item.term for item in penalties]))
    if hint is not None:
        add_solution_hint(ctx, hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = time_limit_s
    callback = _ProgressCallback(progress) if progress is not None else None
    status = STATUS_NAMES.get(solver.solve(model, callback), "UNKNOWN")
    if status == "INFEASIBLE":
        explanation = core_shortfalls(problem, time_limit_s=time_limit_s)
        return _infeasible(problem, tuple(explanation), solver.wall_time)
    if status == "UNKNOWN":
        return RosterResult("UNKNOWN", None, None, (), (), {}, (), solver.wall_time)
    assignments = tuple(
        Assignment(who, when, shift)
        for (who, when, shift), var in sorted(ctx.work.items())
        if solver.boolean_value(var)
    )
    return RosterResult(
        status=status,
        objective=round(solver.objective_value),
        bound=_bound(solver.best_objective_bound),
        assignments=assignments,
        violations=violations(solver, penalties),
        totals=person_totals(problem, assignments),
        seconds=solver.wall_time,
    )


def _bound(value: float) -> int:
    """CP-SAT's bound, at least 0: every penalty is a non-negative cost times a term that is
    non-negative in every roster, but early in the search the relaxation of the fairness
    spreads (``most - least``) lets CP-SAT's bound go below 0 (-640 on a demo month)."""
    return max(0, round(value))


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Reports objective, bound and elapsed time of every solution CP-SAT finds."""

    def __init__(self, report: Callable[[Progress], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(
            Progress(
                objective=round(self.objective_value),
                bound=_bound(self.best_objective_bound),
                elapsed_s=self.wall_time,
            )
        )


def add_solution_hint(ctx: RosterModel, hint: Iterable[Assignment]) -> None:
    """Start the search from the hinted roster (typically the published one)."""
    hinted = {(item.person, item.day, item.shift) for item in hint}
    for key, var in ctx.work.items():
        ctx.model.add_hint(var, key in hinted)


def violations(solver: cp_model.CpSolver, penalties: list[Penalty]) -> tuple[Violation, ...]:
    """Every penalty term with a non-zero value, with its cost and a readable detail."""
    found: list[Violation] = []
    for item in penalties:
        amount = int(solver.value(item.term))
        if amount:
            detail = item.detail.format(n=amount)
            values = {**item.values, **({"n": amount} if "n" in KEYS.get(item.key, ()) else {})}
            found.append(
                Violation(
                    item.goal, item.cost * amount, detail, item.person, item.day, item.key, values
                )
            )
    return tuple(found)


def _infeasible(
    problem: RosterProblem, explanation: tuple[Shortfall, ...], seconds: float
) -> RosterResult:
    totals = person_totals(problem, ())
    return RosterResult("INFEASIBLE", None, None, (), (), totals, explanation, seconds)


def person_totals(
    problem: RosterProblem, assignments: Iterable[Assignment]
) -> dict[str, PersonTotals]:
    """Per-person counts for the period, plus the same counts including year to date."""
    shifts = {shift.id: shift for shift in problem.shifts}
    days = {day.date: day for day in problem.days}
    history = {item.person: item for item in problem.history}
    mine: dict[str, list[Assignment]] = {person.id: [] for person in problem.people}
    for item in assignments:
        mine.setdefault(item.person, []).append(item)
    totals: dict[str, PersonTotals] = {}
    for who, items in mine.items():
        past = history.get(who, History(who))
        nights = sum(shifts[item.shift].is_night for item in items)
        weekends = sum(counts_as_weekend(days[item.day]) for item in items)
        holidays = sum(counts_as_holiday(days[item.day]) for item in items)
        totals[who] = PersonTotals(
            shifts=len(items),
            hours=sum(shifts[item.shift].hours for item in items),
            nights=nights,
            weekends=weekends,
            holidays=holidays,
            nights_with_history=nights + past.nights_ytd,
            weekends_with_history=weekends + past.weekends_ytd,
            holidays_with_history=holidays + past.holidays_ytd,
        )
    return totals


def worked_dates(assignments: Iterable[Assignment], person: str) -> list[date]:
    """Sorted dates on which ``person`` works (a helper for reviews and tests)."""
    return sorted({item.day for item in assignments if item.person == person})
