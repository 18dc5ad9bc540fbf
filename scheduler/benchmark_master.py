"""The restricted master LP of column generation and the pool of columns it chooses from.

Master LP: choose a convex combination of columns (individual rosters) per employee;
``count[d, s] + under[d, s] - over[d, s] = requirement[d, s]``; minimise request cost plus
``weight_under * under + weight_over * over``. Solved by GLOP's simplex, or, when it has more
than ``FIRST_ORDER_MASTER_ROWS`` rows, by PDLP, a first-order method, to a loose tolerance:
GLOP struggles with that degenerate LP. On Instance13 (624 rows) in 60 s, 83 PDLP solves took
31 s where 62 GLOP solves took 39 s, and the Lagrangian bound reached 1,274 against 984 (best
known 1,348).

The LP duals priced into the bound are rounded to multiples of 1/1024 (``round_duals``) so
every sum of the Lagrangian bound is exact in floating point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from scheduler.benchmark_arrays import FloatArray, InstanceArrays, IntArray
from scheduler.roster_pricing import roster_cost

DUAL_GRID = 1024.0
#: Masters with more rows (cover rows plus one per employee) are solved by PDLP; of the
#: benchmark instances only Instance13 (624) has more. Below it GLOP is faster: PDLP took
#: 2-22x longer a solve on Instances 5-19 (30 s runs of bench/colgen_benchmark.py).
FIRST_ORDER_MASTER_ROWS = 500
#: PDLP's relative and absolute optimality tolerance. Any duals give a valid Lagrangian
#: bound, so approximate ones only cost convergence speed; 1e-4 solved no faster than GLOP.
FIRST_ORDER_TOLERANCE = 1e-2


@dataclass
class ColumnPool:
    """Distinct individual rosters per employee, with their request cost."""

    arrays: InstanceArrays
    columns: list[list[IntArray]] = field(default_factory=list)
    costs: list[list[float]] = field(default_factory=list)
    seen: list[set[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.arrays.n_staff
        self.columns = [[] for _ in range(n)]
        self.costs = [[] for _ in range(n)]
        self.seen = [set() for _ in range(n)]

    @classmethod
    def of_roster(cls, arrays: InstanceArrays, matrix: IntArray) -> ColumnPool:
        """A pool holding each employee's row of ``matrix`` (an ``(E, H)`` roster)."""
        pool = cls(arrays)
        for employee in range(arrays.n_staff):
            pool.add(employee, matrix[employee])
        return pool

    def add(self, employee: int, row: IntArray) -> int | None:
        """Index of the new column, or None if the employee already has it."""
        key = row.tobytes()
        if key in self.seen[employee]:
            return None
        self.seen[employee].add(key)
        self.columns[employee].append(row.copy())
        self.costs[employee].append(roster_cost(self.arrays.request_cost[employee], row))
        return len(self.columns[employee]) - 1

    @property
    def size(self) -> int:
        return sum(len(columns) for columns in self.columns)


def master_rows(arrays: InstanceArrays) -> int:
    """Rows of the master LP: one per cover cell and one per employee."""
    return int(arrays.requirement.size) + arrays.n_staff


def first_order_master(arrays: InstanceArrays) -> bool:
    """Whether the instance's master is solved by PDLP rather than GLOP."""
    return master_rows(arrays) > FIRST_ORDER_MASTER_ROWS


class MasterLP:
    """The restricted master LP, grown one column at a time; solved by GLOP, or by PDLP to
    ``FIRST_ORDER_TOLERANCE`` when ``first_order``."""

    def __init__(self, arrays: InstanceArrays, *, first_order: bool = False) -> None:
        self.arrays = arrays
        self.first_order = first_order
        if first_order:
            self.solver = pywraplp.Solver.CreateSolver("PDLP")
            criteria = (
                f"eps_optimal_relative: {FIRST_ORDER_TOLERANCE} "
                f"eps_optimal_absolute: {FIRST_ORDER_TOLERANCE}"
            )
            self.solver.SetSolverSpecificParametersAsString(
                f"termination_criteria {{ simple_optimality_criteria {{ {criteria} }} }} "
                "num_threads: 1"
            )
        else:
            self.solver = pywraplp.Solver.CreateSolver("GLOP")
            # without presolve GLOP starts each solve from the last basis
            # (Instance13: 0.25 s -> 0.11 s)
            self.solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        horizon, n_shifts = arrays.requirement.shape
        self.cover: dict[tuple[int, int], pywraplp.Constraint] = {}
        objective = self.solver.Objective()
        for day in range(horizon):
            for shift in range(n_shifts):
                need = float(arrays.requirement[day, shift])
                row = self.solver.Constraint(need, need)
                under = self.solver.NumVar(0.0, need, "")
                over = self.solver.NumVar(0.0, self.solver.infinity(), "")
                row.SetCoefficient(under, 1.0)
                row.SetCoefficient(over, -1.0)
                objective.SetCoefficient(under, float(arrays.weight_under[day, shift]))
                objective.SetCoefficient(over, float(arrays.weight_over[day, shift]))
                self.cover[(day, shift)] = row
        self.convexity = [self.solver.Constraint(1.0, 1.0) for _ in range(arrays.n_staff)]
        self.variables: list[list[pywraplp.Variable]] = [[] for _ in range(arrays.n_staff)]
        objective.SetMinimization()

    def add_column(self, employee: int, row: IntArray, cost: float) -> None:
        var = self.solver.NumVar(0.0, 1.0, "")
        self.solver.Objective().SetCoefficient(var, cost)
        self.convexity[employee].SetCoefficient(var, 1.0)
        for day in np.nonzero(row >= 0)[0].tolist():
            self.cover[(day, int(row[day]))].SetCoefficient(var, 1.0)
        self.variables[employee].append(var)

    def fix(self, employee: int, position: int) -> None:
        """Only column ``position`` stays open for ``employee`` (and must be chosen)."""
        for index, var in enumerate(self.variables[employee]):
            if index == position:
                var.SetLb(1.0)
            else:
                var.SetUb(0.0)

    def close(self, employee: int, position: int) -> None:
        """Column ``position`` of ``employee`` may no longer be chosen."""
        self.variables[employee][position].SetUb(0.0)

    def weights(self) -> list[FloatArray]:
        """LP value of every column, per employee (after ``solve``); PDLP's approximate values
        are clipped to the column bounds."""
        return [
            np.clip([var.solution_value() for var in variables], 0.0, 1.0)
            for variables in self.variables
        ]

    def solve(self, time_limit_s: float) -> tuple[float, FloatArray, FloatArray] | None:
        """LP value, cover duals ``(H, S)`` and convexity duals ``(E,)``."""
        self.solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        horizon, n_shifts = self.arrays.requirement.shape
        duals = np.zeros((horizon, n_shifts))
        for (day, shift), row in self.cover.items():
            duals[day, shift] = row.dual_value()
        sigma = np.array([row.dual_value() for row in self.convexity])
        return self.solver.Objective().Value(), duals, sigma


def round_duals(arrays: InstanceArrays, duals: FloatArray) -> FloatArray:
    """Duals on a dyadic grid inside the interval where the Lagrangian bound is valid."""
    grid = np.round(duals * DUAL_GRID) / DUAL_GRID
    return np.clip(grid, -arrays.weight_over, arrays.weight_under)
