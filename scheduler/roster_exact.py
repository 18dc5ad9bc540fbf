"""Exact cheapest roster of one employee with CP-SAT: the fallback of ``roster_pricing``
when Lagrangian prices and forbidding cells do not give a feasible DP roster."""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from scheduler.benchmark_arrays import OFF_INDEX, FloatArray, InstanceArrays, IntArray
from scheduler.benchmark_constraints import HARD_RULES, create_cells
from scheduler.benchmark_format import BenchmarkInstance
from scheduler.roster_pricing import Fallback

#: Costs are scaled to integers with this factor (duals may be fractional).
COST_SCALE = 64


def exact_fallback(
    instance: BenchmarkInstance,
    arrays: InstanceArrays,
    *,
    time_limit_s: float,
    workers: int = 2,
    seed: int = 0,
) -> Fallback:
    """A ``Fallback`` that solves one employee's model with CP-SAT within ``time_limit_s``."""

    def solve(employee: int, cost: FloatArray, hint: IntArray | None) -> IntArray | None:
        staff = instance.staff[employee]
        model = cp_model.CpModel()
        all_days = frozenset(range(instance.horizon))
        cells = create_cells(model, instance, staff, all_days, [""] * instance.horizon)
        for add_rule in HARD_RULES:
            add_rule(model, instance, cells)
        terms = []
        coefs = []
        index = {shift_id: s for s, shift_id in enumerate(arrays.shift_ids)}
        for day, shifts in cells.shift_vars.items():
            for shift_id, var in shifts.items():
                value = float(cost[day, index[shift_id]])
                if np.isfinite(value):
                    terms.append(var)
                    coefs.append(round(value * COST_SCALE))
                else:
                    model.add(var == 0)
                if hint is not None:
                    model.add_hint(var, int(hint[day]) == index[shift_id])
        model.minimize(cp_model.LinearExpr.weighted_sum(terms, coefs))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        row = np.full(instance.horizon, OFF_INDEX, dtype=np.int64)
        for day, shifts in cells.shift_vars.items():
            for shift_id, var in shifts.items():
                if solver.value(var):
                    row[day] = index[shift_id]
        return row

    return solve
