"""Best individual roster of one employee by dynamic programming over days.

Given a cost per (day, shift) the DP finds the cheapest roster that satisfies, exactly, the
rotation rule, days off and banned shift types, the maximum and minimum run of shifts, the
minimum run of days off and the total-minutes window. The state after a day is

- ``W[k, r, w, j]``: worked a shift of rotation class ``k`` today, ``r + 1`` shifts in a
  row, ``w`` weekends worked, ``low[d] + j`` units (gcd of the shift lengths) worked so far;
- ``O[i, w, j]``: resting, ``i + 1`` days off in a row (the last index means "enough").

The days before day 0 count as an unlimited rest, so the first run of shifts may be short;
the last runs are exempt because any final state is accepted. With ``count_weekends`` the
weekend count is part of the state and its maximum is exact; otherwise (one ``w`` value) it
is priced with a Lagrangian ``weekend_penalty`` per worked weekend. The maximum number of
shifts per type is never in the state: it is priced through ``cost`` and checked by the
caller (``roster_pricing``).

Without a ``band`` the DP is exact, and its value is a lower bound on the cheapest roster
that satisfies every rule. With ``band=B`` the units worked after each day must stay within
``B`` of an even pace over the employee's available days, and the weekends worked within
``weekend_band`` of an even pace: much faster on long horizons, still feasible, but no
longer a bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.benchmark_arrays import (
    OFF_INDEX,
    BoolArray,
    FloatArray,
    IntArray,
    ShiftStructure,
    StaffLimits,
)
from scheduler.roster_dp_forward import forward

INF = float("inf")
State = tuple[bool, int, int, int, int]  # (working, class, run, weekends, units index)


@dataclass(frozen=True)
class DPRoster:
    """A roster row (shift index per day, -1 = off) and its DP value."""

    shifts: IntArray
    value: float


@dataclass(frozen=True)
class _Group:
    """Shifts that are interchangeable for the DP state: same class, length and set of
    classes they may follow. Only the cheapest of a group matters on a given day."""

    shifts: IntArray
    shift_class: int
    units: int
    pattern: int


@dataclass(frozen=True)
class _Layout:
    groups: tuple[_Group, ...]
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
) -> tuple[tuple[_Group, ...], tuple[IntArray, ...], int]:
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
        _Group(np.array(shifts, dtype=np.int64), k, units, p)
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
    limits: StaffLimits, groups: tuple[_Group, ...], open_days: BoolArray, low: IntArray, width: int
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


@dataclass(frozen=True)
class _DayCosts:
    cont: FloatArray  # (G,) cost of the group's cheapest shift when continuing a run
    start: FloatArray  # (G,) ... when starting a run after rest (adds the Sunday penalty)
    best: IntArray  # (G,) the group's cheapest shift that day
    weekend_cont: int  # weekends added when continuing a run today (counted mode)
    weekend_start: int  # weekends added when starting a run today


@dataclass(frozen=True)
class _Costs:
    """``_DayCosts`` for every day at once: ``(H, G)`` and ``(H,)`` arrays."""

    cont: FloatArray
    start: FloatArray
    best: IntArray
    weekend_cont: IntArray
    weekend_start: IntArray

    def on(self, day: int) -> _DayCosts:
        return _DayCosts(
            self.cont[day],
            self.start[day],
            self.best[day],
            int(self.weekend_cont[day]),
            int(self.weekend_start[day]),
        )


def _day_costs(
    groups: tuple[_Group, ...],
    cost: FloatArray,
    penalty: float,
    first: BoolArray,
    second: BoolArray,
    count_weekends: bool,
) -> _Costs:
    horizon = cost.shape[0]
    gcost = np.full((horizon, len(groups)), INF)
    best = np.zeros((horizon, len(groups)), dtype=np.int64)
    rows = np.arange(horizon)
    for g, group in enumerate(groups):
        sub = cost[:, group.shifts]
        arg = sub.argmin(axis=1)
        gcost[:, g] = sub[rows, arg]
        best[:, g] = group.shifts[arg]
    cont = gcost + np.where(first, penalty, 0.0)[:, None]
    start = cont + np.where(second, penalty, 0.0)[:, None]
    counted = np.int64(count_weekends)
    return _Costs(
        cont,
        start,
        best,
        (first * counted).astype(np.int64),
        ((first | second) * counted).astype(np.int64),
    )


def shortest_roster(
    structure: ShiftStructure,
    limits: StaffLimits,
    cost: FloatArray,
    *,
    weekend_penalty: float = 0.0,
    weekend_first: BoolArray,
    weekend_second: BoolArray,
    band: int | None = None,
    count_weekends: bool = False,
    weekend_band: int = 3,
) -> DPRoster | None:
    """Cheapest roster for ``cost[d, s]`` plus ``weekend_penalty`` per worked weekend (when
    weekends are not counted); shifts the employee may not work are excluded here. None if
    no roster satisfies the DP rules (within the band, if one is given)."""
    horizon = cost.shape[0]
    cost = np.where(limits.allowed, cost, INF)
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
    layout = _Layout(
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
    penalty = 0.0 if count_weekends else weekend_penalty
    days = _day_costs(groups, cost, penalty, weekend_first, weekend_second, count_weekends)
    work, rest = _initial(layout)
    if not groups:
        return _backtrack(layout, days, [(work, rest)] * horizon, limits)
    works, rests = _forward(layout, days, work, rest)
    return _backtrack(layout, days, list(zip(works, rests, strict=True)), limits)


def _initial(layout: _Layout) -> tuple[FloatArray, FloatArray]:
    """The state before day 0: an unlimited rest with nothing worked."""
    work = np.full((layout.n_classes, layout.runs, layout.weekends, layout.width), INF)
    rest = np.full((layout.rests, layout.weekends, layout.width), INF)
    if layout.low[0] == 0:
        rest[layout.rests - 1, -int(layout.weekend_low[0]), 0] = 0.0
    return work, rest


def _weekend_sources(index: int, offset: int, size: int) -> list[int]:
    """Weekend indices before a transition that moved by ``offset`` and landed on ``index``."""
    sources = [index - offset] if 0 <= index - offset < size else []
    if index == 0 and offset < 0:
        sources += [v for v in range(min(size, -offset + 1)) if v not in sources]
    return sources


def _forward(
    layout: _Layout, days: _Costs, work: FloatArray, rest: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The work and rest arrays after each day (``roster_dp_forward``)."""
    mask = np.zeros((max(1, len(layout.patterns)), layout.n_classes), dtype=np.bool_)
    for p, classes in enumerate(layout.patterns):
        mask[p, classes] = True
    groups = layout.groups
    floats, ints = np.float64, np.int64
    return forward(
        np.ascontiguousarray(work, dtype=floats),
        np.ascontiguousarray(rest, dtype=floats),
        mask,
        np.array([group.pattern for group in groups], dtype=ints),
        np.array([group.shift_class for group in groups], dtype=ints),
        np.array([group.units for group in groups], dtype=ints),
        np.ascontiguousarray(days.cont, dtype=floats),
        np.ascontiguousarray(days.start, dtype=floats),
        days.weekend_cont,
        days.weekend_start,
        np.ascontiguousarray(layout.low, dtype=ints),
        np.ascontiguousarray(layout.weekend_low, dtype=ints),
        int(layout.min_run),
        *layout.live,
    )


def _backtrack(
    layout: _Layout,
    days: _Costs,
    history: list[tuple[FloatArray, FloatArray]],
    limits: StaffLimits,
) -> DPRoster | None:
    horizon = len(history)
    work, rest = history[-1]
    low = int(layout.low[horizon])
    first = max(0, limits.units_low - low)
    last = min(layout.width, limits.units_high - low + 1)
    top = min(layout.weekends, layout.max_weekends - int(layout.weekend_low[horizon]) + 1)
    if layout.weekends == 1:
        top = 1
    tail_work, tail_rest = work[:, :, :top, first:last], rest[:, :top, first:last]
    best_work = float(tail_work.min()) if tail_work.size else INF
    best_rest = float(tail_rest.min()) if tail_rest.size else INF
    value = min(best_work, best_rest)
    if value == INF:
        return None
    state: State
    if best_work <= best_rest:
        at = np.unravel_index(np.argmin(tail_work), tail_work.shape)
        state = (True, int(at[0]), int(at[1]), int(at[2]), int(at[3]) + first)
    else:
        at = np.unravel_index(np.argmin(tail_rest), tail_rest.shape)
        state = (False, 0, int(at[0]), int(at[1]), int(at[2]) + first)
    shifts = np.full(horizon, OFF_INDEX, dtype=np.int64)
    for day in range(horizon - 1, -1, -1):
        work, rest = history[day]
        prev = history[day - 1] if day > 0 else _initial(layout)
        moves = (
            int(layout.low[day + 1] - layout.low[day]),
            int(layout.weekend_low[day + 1] - layout.weekend_low[day]),
        )
        working, k, i, w, j = state
        if working:
            state, shifts[day] = _work_source(
                layout, days.on(day), prev, state, work[k, i, w, j], moves
            )
        else:
            state = _rest_source(layout, prev, day, state, rest[i, w, j], moves)
    return DPRoster(shifts, value)


def _work_source(
    layout: _Layout,
    costs: _DayCosts,
    prev: tuple[FloatArray, FloatArray],
    here: State,
    target: float,
    moves: tuple[int, int],
) -> tuple[State, int]:
    prev_work, prev_rest = prev
    _, k, i, w, j = here
    move, wmove = moves
    rests = layout.rests
    for g, group in enumerate(layout.groups):
        before = j + move - group.units
        if group.shift_class != k or not 0 <= before < layout.width:
            continue
        shift = int(costs.best[g])
        if i == 0:
            for pw in _weekend_sources(w, costs.weekend_start - wmove, layout.weekends):
                if prev_rest[rests - 1, pw, before] + costs.start[g] == target:
                    return (False, 0, rests - 1, pw, before), shift
            continue
        for pw in _weekend_sources(w, costs.weekend_cont - wmove, layout.weekends):
            for pk in layout.patterns[group.pattern].tolist():
                if prev_work[pk, i - 1, pw, before] + costs.cont[g] == target:
                    return (True, pk, i - 1, pw, before), shift
    raise AssertionError("DP backtrack found no predecessor of a work state")


def _rest_source(
    layout: _Layout,
    prev: tuple[FloatArray, FloatArray],
    day: int,
    here: State,
    target: float,
    moves: tuple[int, int],
) -> State:
    prev_work, prev_rest = prev
    _, _, i, w, j = here
    move, wmove = moves
    before = j + move
    if not 0 <= before < layout.width:
        raise AssertionError("DP backtrack left the band")
    for pw in _weekend_sources(w, -wmove, layout.weekends):
        if i == layout.rests - 1 and prev_rest[i, pw, before] == target:
            return (False, 0, i, pw, before)
        if i > 0 and prev_rest[i - 1, pw, before] == target:
            return (False, 0, i - 1, pw, before)
        if i == 0:
            for r in range(layout.runs):
                if r + 1 >= layout.min_run or r + 1 == day:
                    hits = np.nonzero(prev_work[:, r, pw, before] == target)[0]
                    if hits.size:
                        return (True, int(hits[0]), r, pw, before)
    raise AssertionError("DP backtrack found no predecessor of a rest state")
