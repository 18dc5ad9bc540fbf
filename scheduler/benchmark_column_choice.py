"""The end of a dive: one open column per employee still free, chosen by CP-SAT.

The model is the cover part of the master with integral choices: exactly one of each free
employee's open columns, the fixed employees' columns counted as given, and the request
costs and cover weights rounded to integers.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from scheduler.benchmark_arrays import InstanceArrays
from scheduler.benchmark_master import ColumnPool

#: Bounds of the choice's time limit (the dive keeps a share of its time for it).
FINISH_MIN_S = 0.5
FINISH_MAX_S = 5.0


def choose_open_columns(
    arrays: InstanceArrays,
    pool: ColumnPool,
    *,
    fixed: dict[int, int],
    open_columns: dict[int, list[int]],
    heaviest: dict[int, int],
    deadline: float,
    threads: int,
) -> dict[int, int]:
    """One of ``open_columns`` (positions in ``pool``) per free employee that minimises the
    objective given the ``fixed`` employees' columns, hinted with the ``heaviest`` ones; the
    heaviest columns if CP-SAT finds nothing better in time."""
    horizon, n_shifts = arrays.requirement.shape
    model = cp_model.CpModel()
    count: list[list[list[cp_model.IntVar]]] = [
        [[] for _ in range(n_shifts)] for _ in range(horizon)
    ]
    fixed_count = np.zeros((horizon, n_shifts), dtype=np.int64)
    for employee, position in fixed.items():
        row = pool.columns[employee][position]
        days = np.nonzero(row >= 0)[0]
        fixed_count[days, row[days]] += 1
    options: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    objective = []
    for employee, positions in open_columns.items():
        options[employee] = []
        for position in positions:
            row = pool.columns[employee][position]
            chosen = model.new_bool_var("")
            model.add_hint(chosen, position == heaviest[employee])
            options[employee].append((position, chosen))
            objective.append(round(pool.costs[employee][position]) * chosen)
            for day in np.nonzero(row >= 0)[0].tolist():
                count[day][int(row[day])].append(chosen)
        model.add_exactly_one(var for _, var in options[employee])
    for day in range(horizon):
        for shift in range(n_shifts):
            need = int(arrays.requirement[day, shift])
            total = int(fixed_count[day, shift]) + sum(count[day][shift])
            under = model.new_int_var(0, need, "")
            over = model.new_int_var(0, arrays.n_staff, "")
            model.add(total + under - over == need)
            objective.append(round(arrays.weight_under[day, shift]) * under)
            objective.append(round(arrays.weight_over[day, shift]) * over)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(
        FINISH_MIN_S, min(FINISH_MAX_S, deadline - time.monotonic())
    )
    solver.parameters.num_workers = threads
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return heaviest
    return {
        employee: next(position for position, var in choices if solver.value(var))
        for employee, choices in options.items()
    }
