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
longer a bound. The axes of the state and their bands are laid out by ``roster_dp_layout``.
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
from scheduler.roster_dp_layout import Layout, ShiftGroup, build_layout

INF = float("inf")
State = tuple[bool, int, int, int, int]  # (working, class, run, weekends, units index)


@dataclass(frozen=True)
class DPRoster:
    """A roster row (shift index per day, -1 = off) and its DP value."""

    shifts: IntArray
    value: float


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
    groups: tuple[ShiftGroup, ...],
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
    layout = build_layout(
        structure,
        limits,
        weekend_first=weekend_first,
        band=band,
        count_weekends=count_weekends,
        weekend_band=weekend_band,
    )
    penalty = 0.0 if count_weekends else weekend_penalty
    days = _day_costs(layout.groups, cost, penalty, weekend_first, weekend_second, count_weekends)
    work, rest = _initial(layout)
    if not layout.groups:
        return _backtrack(layout, days, [(work, rest)] * horizon, limits)
    works, rests = _forward(layout, days, work, rest)
    return _backtrack(layout, days, list(zip(works, rests, strict=True)), limits)


def _initial(layout: Layout) -> tuple[FloatArray, FloatArray]:
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
    layout: Layout, days: _Costs, work: FloatArray, rest: FloatArray
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
    layout: Layout,
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
    layout: Layout,
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
    layout: Layout,
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
