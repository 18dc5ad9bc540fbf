"""Column generation over individual rosters and a diving heuristic over the columns.

The restricted master LP and the column pool are in `benchmark_master`. Pricing is the
per-employee DP with the cover duals as prices. The prices are smoothed (a convex combination
of the previous prices and the LP duals), which damps the oscillation of the duals; a full
round that finds no column at smoothed prices is repeated at the LP duals, since only they
prove that none is left.

Lower bound (weak Lagrangian duality, valid for any duals ``-weight_over <= pi <= weight_under``):
``sum(pi * requirement) + sum_e min_x (request_cost_e(x) - pi . x) + request constant``.
Duals are rounded to multiples of 1/1024 first so every sum is exact in floating point; the
per-employee minimum is bounded below by the exact (band-free) DP with Lagrangian prices.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from scheduler.benchmark_arrays import OFF_INDEX, FloatArray, InstanceArrays, IntArray
from scheduler.benchmark_column_choice import choose_open_columns
from scheduler.benchmark_construct import DPSettings
from scheduler.benchmark_master import ColumnPool, MasterLP, first_order_master, round_duals
from scheduler.roster_dp import INF
from scheduler.roster_pricing import best_roster, roster_cost

#: Share of the employees priced in a partial pricing round, and how often a full round runs.
PARTIAL_PRICING = 0.34
FULL_ROUND = 6
#: LP weight from which a diving step fixes an employee to a column.
DIVE_FIX_WEIGHT = 0.9
#: LP weight from which a column dive fixes an employee to its heaviest column without
#: waiting for its turn (the column is as good as chosen).
COLUMN_FIX_WEIGHT = 0.99
#: A randomised column dive fixes one of this many employees with the heaviest columns.
COLUMN_CHOICES = 3
#: Fixing rounds of a dive.
DIVE_STEPS = 10
#: A day not fixed yet.
FREE = -2
#: Share of a dive's time kept for the CP-SAT choice among the open columns that ends it
#: (`benchmark_column_choice`).
FINISH_SHARE = 0.2
#: Pricing reward for working a shift a dive fixed (large enough to outweigh any gain elsewhere).
CELL_REWARD = 100_000.0
#: Reduced cost below which a column enters the master.
ENTER_TOLERANCE = 1e-6
#: Dual smoothing: pricing uses ``SMOOTHING * previous + (1 - SMOOTHING) * LP duals``.
SMOOTHING = 0.7


class ColumnGeneration:
    """Column generation on a growing pool, with diving: fixing days of the employees'
    rosters as the LP suggests and re-pricing until every employee is fixed."""

    def __init__(
        self,
        arrays: InstanceArrays,
        pool: ColumnPool,
        settings: DPSettings,
        *,
        exact: bool,
        threads: int = 1,
    ) -> None:
        self.arrays, self.pool, self.settings, self.exact = arrays, pool, settings, exact
        self.threads = max(1, threads)
        self.master = MasterLP(arrays, first_order=first_order_master(arrays))
        for employee in range(arrays.n_staff):
            for row, cost in zip(pool.columns[employee], pool.costs[employee], strict=True):
                self.master.add_column(employee, row, cost)
        self.warm: dict[int, FloatArray] = {}
        self.fixed: dict[int, int] = {}
        # cells[e, d]: the shift (or OFF_INDEX) a dive fixed employee e to on day d, else FREE
        self.cells = np.full((arrays.n_staff, arrays.horizon), FREE, dtype=np.int64)
        self.cell_cost: dict[int, FloatArray] = {}
        self.best_bound = -INF
        self.lp_value: float | None = None
        self.iterations = 0
        self.smoothed: FloatArray | None = None
        # where `run` spends its time (read by bench/colgen_benchmark.py)
        self.lp_seconds = 0.0
        self.pricing_seconds = 0.0

    @property
    def lower_bound(self) -> int | None:
        return math.ceil(self.best_bound - 1e-6) if math.isfinite(self.best_bound) else None

    @property
    def diving(self) -> bool:
        """A dive has fixed something: pricing then solves a restricted problem, and its
        bound is no bound of the instance."""
        return bool(self.fixed) or bool(self.cell_cost)

    def _price(self, employee: int, prices: FloatArray) -> tuple[IntArray | None, float]:
        cost = self.arrays.request_cost[employee] - prices
        if employee in self.cell_cost:
            cost = cost + self.cell_cost[employee]
        found = best_roster(
            self.arrays,
            employee,
            cost,
            rounds=self.settings.rounds,
            fallback=self.settings.fallback,
            band=self.settings.band,
            warm=self.warm,
        )
        return found.shifts, found.bound

    def _price_all(
        self, employees: list[int], prices: FloatArray, deadline: float
    ) -> Iterator[tuple[int, tuple[IntArray | None, float] | None]]:
        """Each employee's priced roster and bound, in order (None once past the deadline).

        The DP's compiled pass releases the GIL, so ``threads`` employees are priced at
        once; each employee's pricing is independent of the others', so the results are
        the same as one at a time."""

        def price(employee: int) -> tuple[int, tuple[IntArray | None, float] | None]:
            if time.monotonic() >= deadline:
                return employee, None
            return employee, self._price(employee, prices)

        if self.threads == 1 or len(employees) == 1:
            yield from map(price, employees)
            return
        with ThreadPoolExecutor(max_workers=self.threads) as executor:
            yield from executor.map(price, employees)

    def run(self, *, deadline: float, max_iterations: int | None = None) -> bool:
        """Price until no column enters (True) or the deadline / iteration limit (False).

        Partial pricing: most rounds price only the next ``PARTIAL_PRICING`` share of the
        employees (the LP is re-solved more often); a round that finds nothing, and every
        ``FULL_ROUND``-th round, prices everybody (only those rounds give a bound)."""
        count = 0
        cursor = 0
        full = True
        smooth = True
        free_count = self.arrays.n_staff - len(self.fixed)
        batch = max(1, math.ceil(free_count * PARTIAL_PRICING))
        while time.monotonic() < deadline:
            if max_iterations is not None and count >= max_iterations:
                return False
            started = time.perf_counter()
            solved = self.master.solve(deadline - time.monotonic())
            self.lp_seconds += time.perf_counter() - started
            if solved is None:
                return False
            count += 1
            self.iterations += 1
            self.lp_value, duals, sigma = solved
            if smooth and self.smoothed is not None:
                duals_at = SMOOTHING * self.smoothed + (1.0 - SMOOTHING) * duals
            else:
                duals_at = duals
            self.smoothed = duals_at
            prices = round_duals(self.arrays, duals_at)
            bound = float((prices * self.arrays.requirement).sum()) + self.arrays.request_constant
            added, complete = 0, True
            started = time.perf_counter()
            free = [e for e in range(self.arrays.n_staff) if e not in self.fixed]
            if not full:
                free = [free[(cursor + k) % len(free)] for k in range(min(batch, len(free)))]
                cursor = (cursor + len(free)) % max(1, free_count)
            for employee, priced in self._price_all(free, prices, deadline):
                if priced is None:
                    complete = False
                    continue
                shifts, employee_bound = priced
                bound += employee_bound
                if shifts is None:
                    continue
                if not self._keeps_cells(employee, shifts):
                    continue
                exact_cost = self.arrays.request_cost[employee] - duals
                reduced = roster_cost(exact_cost, shifts) - sigma[employee]
                if reduced < -ENTER_TOLERANCE and self.pool.add(employee, shifts) is not None:
                    self.master.add_column(employee, shifts, self.pool.costs[employee][-1])
                    added += 1
            self.pricing_seconds += time.perf_counter() - started
            if full and complete and self.exact and not self.diving and math.isfinite(bound):
                self.best_bound = max(self.best_bound, bound)
            if full and complete and added == 0:
                if duals_at is duals:
                    return True
                smooth = False  # a mis-price: only the LP duals themselves prove convergence
            elif added:
                smooth = True
            full = added == 0 or count % FULL_ROUND == 0
        return False

    def dive(self, *, deadline: float, steps: int = DIVE_STEPS) -> IntArray | None:
        """Fix days of the employees' rosters in ``steps`` rounds, re-pricing in between.

        Each round gets an equal share of the time left. It ranks the free days of each
        employee's heaviest LP column by the LP weight of all the columns that agree with it
        that day, and fixes an equal share of the free days left (the heaviest first, and
        every day of weight >= ``DIVE_FIX_WEIGHT``). A fixed day closes the columns that
        break it and is forced on the pricing. The last round (or the first past the
        deadline, or once every day is fixed) gives each employee one of its open columns,
        chosen by CP-SAT. Returns the roster of the fixed columns (None only if the LP never
        solved).

        Fixing days rather than whole rosters keeps what the LP agrees on and leaves the
        rest to the pricing (Instance19, 17 s dives: 3,200-3,700 against 5,800)."""
        weights: list[FloatArray] | None = None
        rounds_end = deadline - FINISH_SHARE * max(0.0, deadline - time.monotonic())
        for step in range(steps):
            free = [e for e in range(self.arrays.n_staff) if e not in self.fixed]
            if not free:
                break
            steps_left = steps - step
            now = time.monotonic()
            if now < rounds_end:
                self.run(deadline=now + (rounds_end - now) / steps_left)
                if self.master.solve(max(0.05, deadline - time.monotonic())) is not None:
                    weights = self.master.weights()
            if weights is None:
                return None
            heaviest = {e: int(np.argmax(weights[e])) for e in free}
            candidates = self._free_days(free, heaviest, weights)
            if steps_left == 1 or not candidates or time.monotonic() >= rounds_end:
                self._fix_open_columns(free, heaviest, deadline)
                break
            at_least = -(-len(candidates) // steps_left)
            changed: set[int] = set()
            for rank, (weight, employee, day) in enumerate(candidates):
                if rank >= at_least and weight < DIVE_FIX_WEIGHT:
                    break
                self.cells[employee, day] = self.pool.columns[employee][heaviest[employee]][day]
                changed.add(employee)
            for employee in changed:
                self.fix_days(employee)
        return self._fixed_roster()

    def column_dive(self, *, deadline: float, rng: random.Random | None = None) -> IntArray | None:
        """Fix employees to whole columns, one at a time, re-pricing in between.

        Each round prices again for an equal share of the time per free employee, then fixes
        every free employee whose heaviest column weighs at least ``COLUMN_FIX_WEIGHT`` or,
        if there is none, the one whose heaviest column weighs most (with ``rng``, one of the
        ``COLUMN_CHOICES`` heaviest, at random). The employees still free at the end of the
        rounds' time get one open column each, chosen by CP-SAT as in `dive`. Returns the
        roster of the fixed columns (None only if the LP never solved).

        Where the LP is nearly integral this is the dive that follows it best: on
        Instances 5, 7, 10 and 11 it ends within 1% of the optimum in 1-7 s, where the
        day-fixing dive ends 10-30% above. Each round needs a converged LP to be worth
        its fixing, so it suits the instances whose pricing is quick."""
        weights: list[FloatArray] | None = None
        rounds_end = deadline - FINISH_SHARE * max(0.0, deadline - time.monotonic())
        while free := [e for e in range(self.arrays.n_staff) if e not in self.fixed]:
            now = time.monotonic()
            if now < rounds_end:
                self.run(deadline=now + (rounds_end - now) / len(free))
            if self.master.solve(max(0.05, deadline - time.monotonic())) is not None:
                weights = self.master.weights()
            if weights is None:
                return None
            heaviest = {e: int(np.argmax(weights[e])) for e in free}
            if time.monotonic() >= rounds_end:
                self._fix_open_columns(free, heaviest, deadline)
                break
            top = {e: float(weights[e][heaviest[e]]) for e in free}
            settled = [e for e in free if top[e] >= COLUMN_FIX_WEIGHT]
            if not settled:
                ranked = sorted(free, key=lambda e: -top[e])
                settled = [
                    ranked[rng.randrange(min(COLUMN_CHOICES, len(ranked)))] if rng else ranked[0]
                ]
            for employee in settled:
                self._fix(employee, heaviest[employee])
        return self._fixed_roster()

    def _free_days(
        self, free: list[int], heaviest: dict[int, int], weights: list[FloatArray]
    ) -> list[tuple[float, int, int]]:
        """``(weight, employee, day)`` for every day not fixed yet, heaviest first: the LP
        weight of the employee's columns that agree with its heaviest column that day."""
        candidates: list[tuple[float, int, int]] = []
        for employee in free:
            columns = np.stack(self.pool.columns[employee])
            chosen = columns[heaviest[employee]]
            agree = (weights[employee][:, None] * (columns == chosen[None, :])).sum(axis=0)
            for day in np.nonzero(self.cells[employee] == FREE)[0].tolist():
                candidates.append((float(agree[day]), employee, day))
        candidates.sort(key=lambda candidate: -candidate[0])
        return candidates

    def _fix_open_columns(self, free: list[int], heaviest: dict[int, int], deadline: float) -> None:
        """Fix every free employee to the open column `_choose_open_columns` gives it."""
        chosen = self._choose_open_columns(free, heaviest, deadline)
        for employee in free:
            self._fix(employee, chosen[employee])

    def _fixed_roster(self) -> IntArray:
        """The roster of the columns every employee is fixed to."""
        return np.stack([self.pool.columns[e][self.fixed[e]] for e in range(self.arrays.n_staff)])

    def _choose_open_columns(
        self, free: list[int], heaviest: dict[int, int], deadline: float
    ) -> dict[int, int]:
        """One open column per free employee (`choose_open_columns` among the columns the
        fixed days left open)."""
        open_columns = {
            employee: [
                position
                for position, row in enumerate(self.pool.columns[employee])
                if self._keeps_cells(employee, row)
            ]
            for employee in free
        }
        return choose_open_columns(
            self.arrays,
            self.pool,
            fixed=self.fixed,
            open_columns=open_columns,
            heaviest=heaviest,
            deadline=deadline,
            threads=self.threads,
        )

    def marginals(self, *, time_limit_s: float) -> tuple[IntArray, FloatArray] | None:
        """The LP's choice per employee and day: the shift (or ``OFF_INDEX``) of the largest
        summed weight of the employee's columns, and that weight. The LP is solved again first
        (columns may have entered since the last solve); None if it does not solve in time."""
        if self.master.solve(time_limit_s) is None:
            return None
        weights = self.master.weights()
        n_shifts = self.arrays.requirement.shape[1]
        shifts = np.empty((self.arrays.n_staff, self.arrays.horizon), dtype=np.int64)
        weight = np.empty((self.arrays.n_staff, self.arrays.horizon))
        days = np.arange(self.arrays.horizon)
        for employee, columns in enumerate(self.pool.columns):
            mass = np.zeros((self.arrays.horizon, n_shifts + 1))
            for column, value in zip(columns, weights[employee], strict=True):
                if value > 0.0:
                    mass[days, column - OFF_INDEX] += value
            shifts[employee] = mass.argmax(axis=1) + OFF_INDEX
            weight[employee] = mass.max(axis=1)
        return shifts, weight

    def reset_dive(self) -> None:
        """Undo every fixing of a dive (the columns it generated stay in the pool)."""
        for employee, variables in enumerate(self.master.variables):
            for var in variables:
                var.SetBounds(0.0, 1.0)
            self.cells[employee] = FREE
        self.fixed.clear()
        self.cell_cost.clear()

    def _keeps_cells(self, employee: int, shifts: IntArray) -> bool:
        cells = self.cells[employee]
        return bool(np.all((cells == FREE) | (cells == shifts)))

    def fix_days(self, employee: int) -> None:
        """Apply the employee's fixed days (``cells``): close the columns that break one,
        and price them into its pricing costs (every other shift forbidden, the fixed one
        made cheap)."""
        for position, column in enumerate(self.pool.columns[employee]):
            if not self._keeps_cells(employee, column):
                self.master.close(employee, position)
        cost = np.zeros_like(self.arrays.request_cost[employee])
        for day in np.nonzero(self.cells[employee] != FREE)[0].tolist():
            shift = int(self.cells[employee, day])
            cost[day, :] = INF
            if shift != OFF_INDEX:
                cost[day, shift] = -CELL_REWARD
        self.cell_cost[employee] = cost

    def _fix(self, employee: int, position: int) -> None:
        self.fixed[employee] = position
        self.master.fix(employee, position)
