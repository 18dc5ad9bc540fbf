"""Cheapest feasible roster of one employee: the DP plus Lagrangian prices for the
counting rule its state leaves out (maximum shifts per type; the weekend maximum is counted
in the DP state, and only priced when the DP is told not to count it).

Each round runs the DP; a shift type worked too often gets a higher price (a
one-dimensional cutting-plane step per type) and the DP runs again. Every round also yields
a valid lower bound on the cost of the cheapest feasible roster (weak Lagrangian duality).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scheduler.benchmark_arrays import BoolArray, FloatArray, InstanceArrays, IntArray
from scheduler.roster_dp import INF, DPRoster, shortest_roster

#: Rounds of price updates before the fallback is asked.
MAX_ROUNDS = 4
#: Prices live on this grid (1/1024) so that every DP sum is exact in floating point.
PRICE_GRID = 1024.0
#: Rounds of forbidding cells that break a counting rule.
BAN_ROUNDS = 2

Fallback = Callable[[int, FloatArray, IntArray | None], IntArray | None]


@dataclass(frozen=True)
class PricedRoster:
    """``shifts`` is None when no feasible roster was found; ``bound`` is always a valid
    lower bound on ``sum cost`` over the employee's feasible rosters."""

    shifts: IntArray | None
    cost: float
    bound: float


def weekends_worked(arrays: InstanceArrays, shifts: IntArray) -> int:
    working = shifts >= 0
    first = np.nonzero(arrays.weekend_first)[0]
    count = 0
    for day in first.tolist():
        if working[day] or (
            day + 1 < arrays.horizon and arrays.weekend_second[day + 1] and working[day + 1]
        ):
            count += 1
    return count


def shift_counts(n_shifts: int, shifts: IntArray) -> IntArray:
    return np.bincount(shifts[shifts >= 0], minlength=n_shifts).astype(np.int64)


def roster_cost(cost: FloatArray, shifts: IntArray) -> float:
    days = np.nonzero(shifts >= 0)[0]
    return float(cost[days, shifts[days]].sum())


def _base_cost(arrays: InstanceArrays, employee: int, cost: FloatArray) -> FloatArray:
    """Fold the exact parts of the counting rules into the cost: zero weekends allowed
    means no shift on weekend days."""
    limits = arrays.limits[employee]
    if limits.max_weekends == 0:
        cost = cost.copy()
        cost[arrays.weekend_first | arrays.weekend_second, :] = INF
    return cost


def _violations(arrays: InstanceArrays, employee: int, shifts: IntArray) -> tuple[IntArray, int]:
    """Excess shifts per type and excess weekends of a DP roster."""
    limits = arrays.limits[employee]
    counts = shift_counts(arrays.structure.n_shifts, shifts)
    excess = np.maximum(0, counts - limits.max_per_shift)
    return excess, max(0, weekends_worked(arrays, shifts) - limits.max_weekends)


def _run_dp(
    arrays: InstanceArrays,
    employee: int,
    cost: FloatArray,
    weekend_price: float,
    band: tuple[int, int] | None,
) -> DPRoster | None:
    return shortest_roster(
        arrays.structure,
        arrays.limits[employee],
        cost,
        weekend_penalty=weekend_price,
        weekend_first=arrays.weekend_first,
        weekend_second=arrays.weekend_second,
        band=None if band is None else band[0],
        weekend_band=1 if band is None else band[1],
        count_weekends=0 < arrays.limits[employee].max_weekends < arrays.weekend_first.sum(),
    )


def _ban_excess(
    arrays: InstanceArrays, employee: int, priced: FloatArray, shifts: IntArray, strict: bool
) -> None:
    """Restrict every broken counting rule to the cells the roster uses best (in place):
    a shift type worked too often stays open only on its ``max`` cheapest days in
    ``shifts``; too many weekends leave only the ``max`` cheapest worked weekends open.
    ``strict`` does this for every limited shift type, so the next DP cannot break one."""
    limits = arrays.limits[employee]
    excess, weekends = _violations(arrays, employee, shifts)
    open_days = np.isfinite(priced).sum(axis=0)
    broken = (open_days > limits.max_per_shift) if strict else excess > 0
    for shift in np.nonzero(broken)[0].tolist():
        days = np.nonzero(shifts == shift)[0]
        keep = days[np.argsort(priced[days, shift], kind="stable")][
            : int(limits.max_per_shift[shift])
        ]
        banned = np.ones(arrays.horizon, dtype=np.bool_)
        banned[keep] = False
        priced[banned, shift] = INF
    if weekends:
        horizon = arrays.horizon

        def days_of(first: int) -> list[int]:
            second = first + 1
            return [first] + (
                [second] if second < horizon and arrays.weekend_second[second] else []
            )

        worked = [
            first
            for first in np.nonzero(arrays.weekend_first)[0].tolist()
            if any(shifts[day] >= 0 for day in days_of(first))
        ]

        def value(first: int) -> float:
            return sum(float(priced[d, shifts[d]]) for d in days_of(first) if shifts[d] >= 0)

        keep_weekends = set(sorted(worked, key=value)[: limits.max_weekends])
        for first in np.nonzero(arrays.weekend_first)[0].tolist():
            if first not in keep_weekends:
                priced[days_of(first), :] = INF


def _grid(value: float, up: bool) -> float:
    """Round a price to the 1/1024 grid (so the bound's sums stay exact)."""
    scaled = value * PRICE_GRID
    return float(np.ceil(scaled) if up else np.floor(scaled)) / PRICE_GRID


@dataclass
class _ShiftPrices:
    """Lagrangian prices for the per-type maxima with a one-dimensional cutting-plane update
    per type: the last roster over the limit and the last one within it give two lines
    ``cost + price * (count - max)``; the next price is where they cross."""

    price: FloatArray
    over: dict[int, tuple[float, int]]
    under: dict[int, tuple[float, int]]

    def update(self, value: float, counts: IntArray, limits: IntArray, limited: BoolArray) -> None:
        for shift in np.nonzero(limited)[0].tolist():
            count, limit, price = int(counts[shift]), int(limits[shift]), self.price[shift]
            own = value - price * count
            if count > limit:
                self.over[shift] = (own, count)
            else:
                self.under[shift] = (own, count)
            if shift in self.over and shift in self.under:
                (c_over, n_over), (c_under, n_under) = self.over[shift], self.under[shift]
                if n_over > n_under:
                    self.price[shift] = max(
                        0.0, _grid((c_under - c_over) / (n_over - n_under), True)
                    )
                    continue
            if count > limit:
                self.price[shift] = _grid(price * 2 + 4, True)
            elif price > 0 and count < limit:
                self.price[shift] = _grid(price / 2, False)


def best_roster(
    arrays: InstanceArrays,
    employee: int,
    cost: FloatArray,
    *,
    rounds: int = MAX_ROUNDS,
    fallback: Fallback | None = None,
    band: tuple[int, int] | None = None,
    warm: dict[int, FloatArray] | None = None,
) -> PricedRoster:
    """Cheapest roster of ``employee`` under ``cost[d, s]`` that satisfies every hard rule.

    First ``rounds`` of Lagrangian prices (each gives a valid lower bound, and the cheapest
    feasible roster seen is kept); if none was feasible, cells that break a counting rule
    are forbidden (a heuristic), and if that fails ``fallback(employee, cost, last)`` (an
    exact solver, given the last DP roster as a hint) is asked. ``warm`` keeps each
    employee's shift prices between calls (a warm start for the next call)."""
    limits = arrays.limits[employee]
    n_shifts = arrays.structure.n_shifts
    base = _base_cost(arrays, employee, cost)
    open_days = np.isfinite(base).sum(axis=0)
    limited = (limits.max_per_shift > 0) & (limits.max_per_shift < open_days)
    start = np.zeros(n_shifts) if warm is None else warm.get(employee, np.zeros(n_shifts))
    prices = _ShiftPrices(start.copy(), {}, {})
    weekend_price = 0.0
    n_weekends = int(arrays.weekend_first.sum())
    bound = -INF
    last: IntArray | None = None
    best: tuple[float, IntArray] | None = None
    for round_ in range(rounds):
        shift_price = prices.price.copy()
        found = _run_dp(arrays, employee, base + shift_price[None, :], weekend_price, band)
        if found is None:
            return PricedRoster(None, INF, INF)
        if band is None:
            relaxed = found.value - weekend_price * min(limits.max_weekends, n_weekends)
            bound = max(bound, relaxed - float((shift_price * limits.max_per_shift).sum()))
        counts = shift_counts(n_shifts, found.shifts)
        excess, weekends = _violations(arrays, employee, found.shifts)
        last = found.shifts
        if not excess.any() and not weekends:
            true_cost = roster_cost(cost, found.shifts)
            if best is None or true_cost < best[0]:
                best = (true_cost, found.shifts)
            slack = limited & (counts < limits.max_per_shift) & (shift_price > 0)
            if not slack.any():
                break  # complementary slackness: optimal for the constrained problem
        prices.update(found.value, counts, limits.max_per_shift, limited)
        step = float(2 ** (round_ + 2))
        weekend_price = max(0.0, weekend_price + step * (weekends or -1))
    if warm is not None:
        warm[employee] = prices.price
    if best is not None:
        return PricedRoster(best[1], best[0], bound)
    assert last is not None
    priced = base + prices.price[None, :]
    for ban_round in range(BAN_ROUNDS):
        _ban_excess(arrays, employee, priced, last, strict=ban_round == BAN_ROUNDS - 1)
        found = _run_dp(arrays, employee, priced, weekend_price, band)
        if found is None:
            break
        last = found.shifts
        excess, weekends = _violations(arrays, employee, last)
        if not excess.any() and not weekends:
            return PricedRoster(last, roster_cost(cost, last), bound)
    if fallback is not None:
        shifts = fallback(employee, cost, last)
        if shifts is not None:
            return PricedRoster(shifts, roster_cost(cost, shifts), bound)
    return PricedRoster(None, INF, bound)
