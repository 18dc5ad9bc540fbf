"""Constructive start and best-response sweeps built on the per-employee DP.

The only coupling between employees is the cover, so the best roster of one employee given
everybody else is a DP with the marginal cover cost as prices: ``-weight_under`` on every
(day, shift) that is still short, ``+weight_over`` elsewhere, plus the employee's requests.

- ``construct`` places employees one at a time against the cover the others left open.
  Each individual roster satisfies every hard rule, so the roster is always feasible.
- ``sweep`` replaces each employee's roster with a best response while that lowers the
  objective; the objective never increases.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from scheduler.benchmark_arrays import (
    OFF_INDEX,
    FloatArray,
    InstanceArrays,
    IntArray,
    cover_counts,
    marginal_cover_cost,
    total_objective,
)
from scheduler.roster_pricing import Fallback, best_roster, roster_cost

#: Horizons up to this many days use the exact DP (no band).
EXACT_HORIZON = 84
#: Banded DP settings by problem size (employees x days): (size limit, band half-width in
#: shifts of the median length, weekend band, Lagrangian rounds). Larger problems get
#: narrower bands and fewer rounds so the constructive start fits in the time limit.
BAND_TIERS = ((10_000, 8, 3, 4), (20_000, 6, 2, 2), (None, 4, 1, 1))
#: The settings used once the constructive start runs late.
CHEAP_TIER = (2, 1, 1)


@dataclass(frozen=True)
class DPSettings:
    """How the per-employee DP is run: ``band`` = (units band, weekend band) for long
    horizons or None for the exact DP, Lagrangian rounds, and the exact fallback."""

    band: tuple[int, int] | None
    fallback: Fallback | None
    rounds: int = 6


def _median_units(arrays: InstanceArrays) -> int:
    return int(np.sort(arrays.structure.units)[len(arrays.structure.units) // 2])


def dp_settings(arrays: InstanceArrays, fallback: Fallback | None) -> DPSettings:
    if arrays.horizon <= EXACT_HORIZON:
        return DPSettings(band=None, fallback=fallback)
    size = arrays.n_staff * arrays.horizon
    for limit, shifts, weekends, rounds in BAND_TIERS:
        if limit is None or size <= limit:
            band = (shifts * _median_units(arrays), weekends)
            return DPSettings(band=band, fallback=fallback, rounds=rounds)
    raise AssertionError("the last tier has no limit")


def cheap_settings(arrays: InstanceArrays, fallback: Fallback | None) -> DPSettings:
    shifts, weekends, rounds = CHEAP_TIER
    return DPSettings(
        band=(shifts * _median_units(arrays), weekends), fallback=fallback, rounds=rounds
    )


def employee_cost(arrays: InstanceArrays, employee: int, others: IntArray) -> FloatArray:
    """Change in the objective per (day, shift) worked by ``employee`` given the cover
    ``others`` (counts without this employee)."""
    cost: FloatArray = arrays.request_cost[employee] + marginal_cover_cost(arrays, others)
    return cost


def _remove(counts: IntArray, row: IntArray) -> None:
    days = np.nonzero(row >= 0)[0]
    np.subtract.at(counts, (days, row[days]), 1)


def _add(counts: IntArray, row: IntArray) -> None:
    days = np.nonzero(row >= 0)[0]
    np.add.at(counts, (days, row[days]), 1)


def construct(
    arrays: InstanceArrays,
    settings: DPSettings,
    *,
    order: list[int] | None = None,
    deadline: float | None = None,
) -> IntArray | None:
    """Greedy roster: each employee in ``order`` takes the best individual roster against
    the cover still open. None if some employee has no feasible roster at all.

    With a ``deadline``, employees are placed with ``cheap_settings`` when the work is
    behind an even pace to it (the roster stays feasible, only less good)."""
    matrix = np.full((arrays.n_staff, arrays.horizon), OFF_INDEX, dtype=np.int64)
    counts = np.zeros((arrays.horizon, arrays.structure.n_shifts), dtype=np.int64)
    employees = order if order is not None else list(range(arrays.n_staff))
    cheap = cheap_settings(arrays, settings.fallback)
    started = time.monotonic()
    for done, employee in enumerate(employees):
        current = settings
        if deadline is not None and done:
            spent = (time.monotonic() - started) / done
            if started + spent * len(employees) > deadline:
                current = cheap
        cost = employee_cost(arrays, employee, counts)
        for attempt in (current, settings) if current is not settings else (settings,):
            found = best_roster(
                arrays,
                employee,
                cost,
                rounds=attempt.rounds,
                fallback=attempt.fallback,
                band=attempt.band,
            )
            if found.shifts is not None:
                break
        if found.shifts is None:
            return None
        matrix[employee] = found.shifts
        _add(counts, found.shifts)
    return matrix


def sweep(
    arrays: InstanceArrays,
    matrix: IntArray,
    settings: DPSettings,
    *,
    deadline: float,
    rng: random.Random,
    max_sweeps: int = 1000,
) -> tuple[IntArray, int]:
    """Best-response sweeps in random order until a full sweep changes nothing (or the
    deadline); returns the improved roster and its objective."""
    matrix = matrix.copy()
    counts = cover_counts(arrays, matrix)
    order = list(range(arrays.n_staff))
    for _ in range(max_sweeps):
        rng.shuffle(order)
        improved = False
        for employee in order:
            if time.monotonic() >= deadline:
                return matrix, total_objective(arrays, matrix)
            row = matrix[employee]
            _remove(counts, row)
            cost = employee_cost(arrays, employee, counts)
            found = best_roster(
                arrays,
                employee,
                cost,
                rounds=settings.rounds,
                fallback=settings.fallback,
                band=settings.band,
            )
            if found.shifts is not None and found.cost < roster_cost(cost, row) - 1e-9:
                matrix[employee] = found.shifts
                improved = True
            _add(counts, matrix[employee])
        if not improved:
            break
    return matrix, total_objective(arrays, matrix)
