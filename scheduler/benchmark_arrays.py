"""Numeric form of a benchmark instance for the fast per-employee searches.

Shifts become indices ``0 .. S-1`` (``OFF_INDEX`` = -1 is a day off), days stay ``0 .. H-1``
and employees keep the instance order. Everything here is derived from the instance alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scheduler.benchmark_format import BenchmarkInstance

OFF_INDEX = -1
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ShiftStructure:
    """Shift lengths in units of ``unit_minutes`` and the rotation rule as shift classes.

    Shifts with the same CannotFollow set form one class; ``follows[k, t]`` says whether
    shift ``t`` may be worked the day after a shift of class ``k``."""

    unit_minutes: int
    units: IntArray
    shift_class: IntArray
    follows: BoolArray

    @property
    def n_shifts(self) -> int:
        return len(self.units)

    @property
    def n_classes(self) -> int:
        return int(self.follows.shape[0])


@dataclass(frozen=True)
class StaffLimits:
    """The hard limits of one employee in DP terms (units instead of minutes)."""

    max_run: int
    min_run: int
    min_off: int
    units_low: int
    units_high: int
    max_weekends: int
    max_per_shift: IntArray
    allowed: BoolArray  # (H, S): may work shift s on day d (type allowed, not a day off)


@dataclass(frozen=True)
class InstanceArrays:
    """Cover, requests and limits as arrays; ``request_cost[e, d, s]`` is the change in the
    request penalty when employee ``e`` works ``s`` on ``d`` instead of resting, and
    ``request_constant`` the penalty of the all-off roster."""

    horizon: int
    staff_ids: tuple[str, ...]
    shift_ids: tuple[str, ...]
    structure: ShiftStructure
    limits: tuple[StaffLimits, ...]
    requirement: IntArray  # (H, S)
    weight_under: FloatArray  # (H, S)
    weight_over: FloatArray  # (H, S)
    request_cost: FloatArray  # (E, H, S)
    request_constant: float
    weekend_first: BoolArray  # (H,): first day of a weekend inside the horizon
    weekend_second: BoolArray  # (H,): second day (Sunday) of a weekend

    @property
    def n_staff(self) -> int:
        return len(self.staff_ids)


def shift_structure(instance: BenchmarkInstance) -> ShiftStructure:
    lengths = [shift.length_minutes for shift in instance.shifts]
    unit = math.gcd(*lengths)
    index = {shift_id: position for position, shift_id in enumerate(instance.shift_ids)}
    classes: list[frozenset[str]] = []
    shift_class = []
    for shift in instance.shifts:
        if shift.cannot_follow not in classes:
            classes.append(shift.cannot_follow)
        shift_class.append(classes.index(shift.cannot_follow))
    follows = np.ones((len(classes), len(lengths)), dtype=np.bool_)
    for k, banned in enumerate(classes):
        for shift_id in banned:
            follows[k, index[shift_id]] = False
    return ShiftStructure(
        unit_minutes=unit,
        units=np.array([length // unit for length in lengths], dtype=np.int64),
        shift_class=np.array(shift_class, dtype=np.int64),
        follows=follows,
    )


def _limits(instance: BenchmarkInstance, unit: int) -> tuple[StaffLimits, ...]:
    result = []
    for staff in instance.staff:
        allowed = np.zeros((instance.horizon, len(instance.shifts)), dtype=np.bool_)
        for position, shift in enumerate(instance.shifts):
            allowed[:, position] = staff.may_work(shift.id)
        for day in instance.days_off.get(staff.id, frozenset()):
            allowed[day, :] = False
        result.append(
            StaffLimits(
                max_run=max(1, staff.max_consecutive_shifts),
                min_run=max(1, staff.min_consecutive_shifts),
                min_off=max(1, staff.min_consecutive_days_off),
                units_low=-(-staff.min_total_minutes // unit),
                units_high=staff.max_total_minutes // unit,
                max_weekends=staff.max_weekends,
                max_per_shift=np.array(
                    [staff.max_shifts.get(shift_id, 0) for shift_id in instance.shift_ids],
                    dtype=np.int64,
                ),
                allowed=allowed,
            )
        )
    return tuple(result)


def instance_arrays(instance: BenchmarkInstance) -> InstanceArrays:
    horizon, n_shifts = instance.horizon, len(instance.shifts)
    structure = shift_structure(instance)
    staff_index = {staff.id: position for position, staff in enumerate(instance.staff)}
    shift_index = {shift_id: position for position, shift_id in enumerate(instance.shift_ids)}
    requirement = np.zeros((horizon, n_shifts), dtype=np.int64)
    under = np.zeros((horizon, n_shifts))
    over = np.zeros((horizon, n_shifts))
    for cover in instance.cover:
        s = shift_index[cover.shift_id]
        requirement[cover.day, s] = cover.requirement
        under[cover.day, s] = cover.weight_under
        over[cover.day, s] = cover.weight_over
    request_cost = np.zeros((len(instance.staff), horizon, n_shifts))
    constant = 0.0
    for request in instance.on_requests:
        request_cost[staff_index[request.staff_id], request.day, shift_index[request.shift_id]] -= (
            request.weight
        )
        constant += request.weight
    for request in instance.off_requests:
        request_cost[staff_index[request.staff_id], request.day, shift_index[request.shift_id]] += (
            request.weight
        )
    first = np.zeros(horizon, dtype=np.bool_)
    second = np.zeros(horizon, dtype=np.bool_)
    for days in instance.weekends():
        first[days[0]] = True
        for day in days[1:]:
            second[day] = True
    return InstanceArrays(
        horizon=horizon,
        staff_ids=tuple(staff.id for staff in instance.staff),
        shift_ids=instance.shift_ids,
        structure=structure,
        limits=_limits(instance, structure.unit_minutes),
        requirement=requirement,
        weight_under=under,
        weight_over=over,
        request_cost=request_cost,
        request_constant=constant,
        weekend_first=first,
        weekend_second=second,
    )


def roster_matrix(arrays: InstanceArrays, roster: dict[str, list[str]]) -> IntArray:
    """``(E, H)`` shift indices of a roster given by ids (-1 for a day off)."""
    index = {shift_id: position for position, shift_id in enumerate(arrays.shift_ids)}
    return np.array(
        [
            [OFF_INDEX if shift_id == "" else index[shift_id] for shift_id in roster[staff_id]]
            for staff_id in arrays.staff_ids
        ],
        dtype=np.int64,
    ).reshape(arrays.n_staff, arrays.horizon)


def roster_dict(arrays: InstanceArrays, matrix: IntArray) -> dict[str, list[str]]:
    """Inverse of ``roster_matrix``."""
    return {
        staff_id: ["" if s < 0 else arrays.shift_ids[s] for s in row.tolist()]
        for staff_id, row in zip(arrays.staff_ids, matrix, strict=True)
    }


def cover_counts(arrays: InstanceArrays, matrix: IntArray) -> IntArray:
    """``(H, S)`` number of employees on each shift each day."""
    counts = np.zeros((arrays.horizon, arrays.structure.n_shifts), dtype=np.int64)
    days = np.broadcast_to(np.arange(arrays.horizon), matrix.shape)
    working = matrix >= 0
    np.add.at(counts, (days[working], matrix[working]), 1)
    return counts


def cover_penalty(arrays: InstanceArrays, counts: IntArray) -> float:
    short = np.maximum(0, arrays.requirement - counts)
    extra = np.maximum(0, counts - arrays.requirement)
    return float((arrays.weight_under * short).sum() + (arrays.weight_over * extra).sum())


def request_penalty(arrays: InstanceArrays, matrix: IntArray) -> float:
    total = arrays.request_constant
    for e in range(arrays.n_staff):
        row = matrix[e]
        days = np.nonzero(row >= 0)[0]
        total += float(arrays.request_cost[e, days, row[days]].sum())
    return total


def total_objective(arrays: InstanceArrays, matrix: IntArray) -> int:
    return round(
        cover_penalty(arrays, cover_counts(arrays, matrix)) + request_penalty(arrays, matrix)
    )


def marginal_cover_cost(arrays: InstanceArrays, others: IntArray) -> FloatArray:
    """Change in the cover penalty when one more employee works ``(d, s)``, given the
    ``others`` counts: ``-weight_under`` while short, ``+weight_over`` otherwise."""
    return np.where(others < arrays.requirement, -arrays.weight_under, arrays.weight_over)
