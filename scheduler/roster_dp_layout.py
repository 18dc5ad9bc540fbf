"""The state space of the per-employee DP (``roster_dp``): the groups of interchangeable
shifts and the axes of the state arrays.

- classes: the rotation classes the usable shifts belong to, renumbered ``0 .. n - 1``;
- runs and rests: ``max_run`` shifts in a row, ``min_off`` days off (the last means "enough");
- weekends: ``0 .. max_weekends`` worked (counted), one value (priced), or with a band
  ``2 * band + 1`` values around an even pace, index 0 standing for ``weekend_low[d]``;
- units: ``width`` values, index 0 standing for ``low[d]`` units worked; without a band
  ``low`` is 0 and ``width`` covers every total up to ``units_high``.

Only the units indices a complete roster can pass through (``live``) are computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.benchmark_arrays import BoolArray, IntArray, ShiftStructure, StaffLimits


@dataclass(frozen=True)
class ShiftGroup:
    """Shifts that are interchangeable for the DP state: same class, length and set of
    classes they may follow. Only the cheapest of a group matters on a given day."""

    shifts: IntArray
    shift_class: int
    units: int
    pattern: int


@dataclass(frozen=True)
class Layout:
    groups: tuple[ShiftGroup, ...]
    patterns: tuple[IntArray, ...]  # classes (remapped) each pattern may follow
    n_classes: int
    runs: int
    rests: int
    width: int
    weekends: int  # size of the weekend axis (1 when weekends are priced, not counted)
    weekend_low: IntArray  # (H + 1,) weekends of index 0 after day d - 1
    max_weekends: int
    low: IntArray  # (H + 1,) units of index 0 after day d - 1 (entry 0: before day 0)
    min_run: int
    live: tuple[IntArray, IntArray]  # (H,) first and last units index computed after day d


def _groups(
    structure: ShiftStructure, usable: BoolArray
) -> tuple[tuple[ShiftGroup, ...], tuple[IntArray, ...], int]:
    used = sorted({int(structure.shift_class[t]) for t in np.nonzero(usable)[0]})
    remap = {k: position for position, k in enumerate(used)}
    patterns: list[tuple[int, ...]] = []
    keys: dict[tuple[int, int, int], list[int]] = {}
    for t in np.nonzero(usable)[0].tolist():
        pattern = tuple(remap[k] for k in used if structure.follows[k, t])
        if pattern not in patterns:
            patterns.append(pattern)
        key = (
            patterns.index(pattern),
            remap[int(structure.shift_class[t])],
            int(structure.units[t]),
        )
        keys.setdefault(key, []).append(t)
    groups = tuple(
        ShiftGroup(np.array(shifts, dtype=np.int64), k, units, p)
        for (p, k, units), shifts in sorted(keys.items(), key=lambda item: (item[0][1], item[0]))
    )
    return groups, tuple(np.array(p, dtype=np.int64) for p in patterns), max(1, len(used))


def _band_low(limits: StaffLimits, open_days: BoolArray, band: int | None, width: int) -> IntArray:
    horizon = len(open_days)
    if band is None:
        return np.zeros(horizon + 1, dtype=np.int64)
    done = np.concatenate([[0], np.cumsum(open_days)])
    total = max(1, int(done[-1]))
    middle = (limits.units_low + limits.units_high) / 2
    pace = middle * done / total
    low = np.round(pace).astype(np.int64) - band
    return np.clip(low, 0, max(0, limits.units_high + 1 - width))


def _most_shifts(days: IntArray, max_run: int, min_off: int) -> IntArray:
    """Most shifts in ``days`` consecutive days: every rest between two runs lasts at least
    ``min_off`` days, so each ``max_run + min_off`` days hold at most ``max_run`` shifts."""
    cycle = max_run + min_off
    return (days // cycle) * max_run + np.minimum(max_run, days % cycle)


def _live_units(
    limits: StaffLimits,
    groups: tuple[ShiftGroup, ...],
    open_days: BoolArray,
    low: IntArray,
    width: int,
) -> tuple[IntArray, IntArray]:
    """For each day, the units indices a complete roster can pass through after it: no more
    than the most units worked so far, no fewer than the minimum total less the most units
    still to work. The states outside can lie on no roster, so the DP skips them (same
    values, less work on long horizons)."""
    horizon = len(open_days)
    most = max((group.units for group in groups), default=0)
    elapsed = np.arange(1, horizon + 1)
    open_so_far = np.cumsum(open_days)
    open_after = open_so_far[-1] - open_so_far if horizon else open_so_far
    shifts_so_far = np.minimum(_most_shifts(elapsed, limits.max_run, limits.min_off), open_so_far)
    shifts_after = np.minimum(
        _most_shifts(horizon - elapsed, limits.max_run, limits.min_off), open_after
    )
    first = np.maximum(0, limits.units_low - most * shifts_after - low[1:])
    last = np.minimum(width - 1, np.minimum(limits.units_high, most * shifts_so_far) - low[1:])
    return first.astype(np.int64), last.astype(np.int64)


def _weekend_axis(
    max_weekends: int, first: BoolArray, count: bool, band: int | None
) -> tuple[int, IntArray]:
    """Size of the weekend axis and the weekends of its index 0 after each day.

    Exact: ``0 .. max_weekends``. Banded: ``band`` either side of an even pace;
    fewer weekends than the band's bottom are counted as the bottom (safe), more than its
    top are dropped (a restriction)."""
    horizon = len(first)
    if not count:
        return 1, np.zeros(horizon + 1, dtype=np.int64)
    size = max_weekends + 1
    if band is None or size <= 2 * band + 1:
        return size, np.zeros(horizon + 1, dtype=np.int64)
    started = np.concatenate([[0], np.cumsum(first)])
    pace = max_weekends * started / max(1, int(started[-1]))
    low = np.round(pace).astype(np.int64) - band
    return 2 * band + 1, np.minimum(low, max_weekends - 2 * band)


def build_layout(
    structure: ShiftStructure,
    limits: StaffLimits,
    *,
    weekend_first: BoolArray,
    band: int | None,
    count_weekends: bool,
    weekend_band: int,
) -> Layout:
    """The state space for one employee; a ``band`` that would not narrow the units axis is
    dropped (the DP is then exact)."""
    usable = limits.allowed.any(axis=0) & (limits.max_per_shift > 0)
    groups, patterns, n_classes = _groups(structure, usable)
    width = limits.units_high + 1
    if band is not None and 2 * band + 1 < width:
        width = 2 * band + 1
    else:
        band = None
    weekend_axis, weekend_low = _weekend_axis(
        limits.max_weekends, weekend_first, count_weekends, None if band is None else weekend_band
    )
    open_days = np.asarray(limits.allowed.any(axis=1))
    low = _band_low(limits, open_days, band, width)
    return Layout(
        groups,
        patterns,
        n_classes,
        limits.max_run,
        limits.min_off,
        width,
        weekend_axis,
        weekend_low,
        limits.max_weekends,
        low,
        limits.min_run,
        _live_units(limits, groups, open_days, low, width),
    )
