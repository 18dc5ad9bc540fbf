"""Search strategies on top of the benchmark CP-SAT model: sub-solves and LNS.

Every roster these functions return satisfies all hard constraints: each step solves a
model whose fixed part comes from a roster that already did, and a step that finds no
solution changes nothing.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.benchmark_constraints import OFF, SubModel, add_hint, build_submodel
from scheduler.benchmark_format import BenchmarkInstance, Staff

Roster = dict[str, list[str]]
#: Time limit of one LNS sub-solve.
SUB_TIME_LIMIT_S = 0.5
#: Starting LNS neighbourhood size in shift variables.
INITIAL_LNS_VARS = 300.0
#: Share of LNS moves that free whole rosters of a few staff.
WHOLE_HORIZON_SHARE = 0.5
#: Share of LNS moves guided by an LP solution (RINS), when there is one, and the share of
#: those that free whole staff rather than a window of days.
GUIDED_SHARE = 0.5
GUIDED_STAFF_SHARE = 0.5
#: Share of LNS moves around a missed weekend cover (`weekend_neighbourhood`), when one is
#: missed, and their starting size in shift variables.
WEEKEND_SHARE = 0.5
INITIAL_WEEKEND_VARS = 1_000.0
#: LP weight from which a day the incumbent shares with the LP stays fixed in a guided move.
SETTLED_WEIGHT = 0.5


@dataclass(frozen=True)
class SubResult:
    """Outcome of one CP-SAT call on a (sub)model."""

    status: str
    roster: Roster | None
    objective: int | None
    bound: int | None


@dataclass(frozen=True)
class SearchLimits:
    """Deadline (``time.monotonic()`` value), CP-SAT workers and a seed."""

    deadline: float
    workers: int
    seed: int

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


def _run(
    sub: SubModel, time_limit_s: float, workers: int, seed: int
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    return solver.solve(sub.model), solver


def solve_submodel(sub: SubModel, *, time_limit_s: float, workers: int, seed: int = 0) -> SubResult:
    status, solver = _run(sub, time_limit_s, workers, seed)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SubResult(name, None, None, None)
    return SubResult(
        name,
        sub.read_roster(solver),
        round(solver.objective_value),
        round(solver.best_objective_bound),
    )


@dataclass(frozen=True)
class RosterCost:
    """A roster's objective and the under-cover cost within it."""

    objective: int
    under: int


#: The first stage of `solve_cover_first` weighs the under-cover cost this many times over,
#: on top of the whole objective.
GAP_WEIGHT = 10


def solve_cover_first(
    sub: SubModel,
    *,
    time_limit_s: float,
    workers: int,
    seed: int = 0,
    first_share: float,
    base_cost: RosterCost | None = None,
) -> SubResult:
    """Two stages on one (hinted) model: the least under-cover cost, within ``first_share`` of
    the time, then the whole objective among the rosters whose under-cover cost is no higher.
    ``sub`` keeps the second stage's constraint and hints afterwards.

    The first stage minimises the whole objective plus ``GAP_WEIGHT`` times the under-cover
    cost: a gap then costs far more than any request, and among rosters with as few gaps the
    cheaper one wins. Aimed at the gaps alone, it handed the second stage rosters that only
    the gaps went into; on Instance8 three 60 s runs then ended at 1,401, 1,409 and 1,312,
    and with the weighted first stage at 1,306, 1,303 and 1,307 (best known 1,300).

    A missed cover costs far more than anything else in these instances, yet CP-SAT on the
    whole objective can spend its whole time limit on a roster with one gap too many
    (Instance5: 1,244 where 1,143 is optimal; the roster with one gap fewer differs in 33
    shifts of 11 people, and each of those moves alone costs requests). Aimed at the gaps
    alone, CP-SAT closes them within seconds (from a 1,502 roster of Instance8 it proves
    the minimum, 12 gaps, in 7 s). The second stage's bound holds only under its extra
    constraint, so no bound is returned.

    ``base_cost`` is the cost of ``sub.base``, the roster the model is hinted with. The
    second stage starts from the cheaper of that roster and the first stage's when the first
    stage closed no gap, and from the first stage's roster when it did. (Before the first
    stage weighed the whole objective, its roster was often the dearer one: on Instance7 it
    turned a 1,059 roster with 10 gaps into 1,072.)"""
    deadline = time.monotonic() + time_limit_s
    sub.model.minimize(sub.objective_with_gaps_weighted(GAP_WEIGHT))
    status, solver = _run(sub, first_share * time_limit_s, workers, seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SubResult(solver.status_name(status), None, None, None)
    least_under = round(solver.value(sub.under_cost()))
    start = sub.read_roster(solver)
    if (
        base_cost is not None
        and base_cost.under <= least_under
        and base_cost.objective < round(solver.value(sub.objective()))
    ):
        start = {staff_id: list(days) for staff_id, days in sub.base.items()}
    sub.model.add(sub.under_cost() <= least_under)
    sub.model.minimize(sub.objective())
    sub.model.clear_hints()  # type: ignore[no-untyped-call]  # ortools ships it unannotated
    add_hint(sub, start)
    result = solve_submodel(
        sub, time_limit_s=deadline - time.monotonic(), workers=workers, seed=seed
    )
    if result.roster is None:  # no time left: the second stage's start is still feasible
        return SubResult("FEASIBLE", start, None, None)
    return SubResult(result.status, result.roster, result.objective, None)


def _open_days(instance: BenchmarkInstance, staff: Staff) -> int:
    return instance.horizon - len(instance.days_off.get(staff.id, frozenset()))


def staff_variable_count(instance: BenchmarkInstance, staff: Staff) -> int:
    return _open_days(instance, staff) * sum(
        1 for shift in instance.shifts if staff.may_work(shift.id)
    )


def model_size(instance: BenchmarkInstance) -> int:
    """Number of shift variables of the full model."""
    return sum(staff_variable_count(instance, staff) for staff in instance.staff)


def _variables_per_day(instance: BenchmarkInstance) -> float:
    """Average shift variables of one staff member on one day (at least 1)."""
    return max(1.0, model_size(instance) / (len(instance.staff) * instance.horizon))


@dataclass
class _Adaptive:
    """Neighbourhood size (in shift variables), grown after quick proofs, shrunk after
    timeouts."""

    size: float
    minimum: float
    maximum: float

    def update(self, proved: bool) -> None:
        factor = 1.1 if proved else 0.9
        self.size = min(self.maximum, max(self.minimum, self.size * factor))


def short_shifts(instance: BenchmarkInstance) -> frozenset[str]:
    """Shifts whose total requirement exceeds what the staff may work of them altogether
    (each one's maximum for the shift, at most their open days): some of their cover is
    missed in every roster."""
    required = Counter[str]()
    for cover in instance.cover:
        required[cover.shift_id] += cover.requirement
    capacity = Counter[str]()
    for staff in instance.staff:
        for shift_id, limit in staff.max_shifts.items():
            capacity[shift_id] += min(limit, _open_days(instance, staff))
    return frozenset(shift_id for shift_id, need in required.items() if need > capacity[shift_id])


def _cover_gaps(
    instance: BenchmarkInstance, roster: Roster, short: frozenset[str]
) -> list[tuple[int, str]]:
    """(day, shift) pairs whose cover is missed, each listed once per missing person. Gaps
    of the ``short`` shifts are listed only when there are no others: they cannot all be
    closed, and a move aimed at one mostly moves it to another day (Instance8 has 12
    unavoidable N gaps and one L gap; aimed at the L gap, LNS leaves its 1,400 basin)."""
    on_duty = Counter(
        (day, shift_id)
        for days in roster.values()
        for day, shift_id in enumerate(days)
        if shift_id != OFF
    )
    gaps: list[tuple[int, str]] = []
    for cover in instance.cover:
        missing = cover.requirement - on_duty[(cover.day, cover.shift_id)]
        gaps += [(cover.day, cover.shift_id)] * max(0, missing)
    return [gap for gap in gaps if gap[1] not in short] or gaps


@dataclass(frozen=True)
class Guide:
    """An LP solution per staff and day: the shift (``OFF`` for a day off) of the largest
    weight, and that weight."""

    roster: Roster
    weight: Mapping[str, Sequence[float]]

    def unsettled(self, instance: BenchmarkInstance, roster: Roster) -> list[set[int]]:
        """Per staff, in instance order, the days ``roster`` does not share with the LP or
        the LP has not settled (weight below ``SETTLED_WEIGHT``)."""
        return [
            {
                day
                for day, (shift_id, lp_shift, weight) in enumerate(
                    zip(roster[staff.id], self.roster[staff.id], self.weight[staff.id], strict=True)
                )
                if shift_id != lp_shift or weight < SETTLED_WEIGHT
            }
            for staff in instance.staff
        ]


def guided_neighbourhood(
    instance: BenchmarkInstance, roster: Roster, guide: Guide, rng: random.Random, size: float
) -> dict[str, frozenset[int]]:
    """RINS: only the days where the incumbent and the LP disagree are freed, about ``size``
    variables of them: all such days of some staff (a ``GUIDED_STAFF_SHARE`` of the time),
    otherwise those of every staff in a window of days grown around one of them. Empty
    when they agree."""
    per_day = _variables_per_day(instance)
    unsettled = guide.unsettled(instance, roster)
    if not any(unsettled):
        return {}
    if rng.random() < GUIDED_STAFF_SHARE:
        order = [i for i, days in enumerate(unsettled) if days]
        rng.shuffle(order)
        chosen: dict[str, frozenset[int]] = {}
        total = 0.0
        for i in order:
            total += len(unsettled[i]) * per_day
            if chosen and total > size:
                break
            chosen[instance.staff[i].id] = frozenset(unsettled[i])
        return chosen
    per_day_count = Counter(day for days in unsettled for day in days)
    start = end = rng.choice(sorted(per_day_count))
    total = per_day_count[start] * per_day
    while True:
        grow = [d for d in (start - 1, end + 1) if 0 <= d < instance.horizon]
        if not grow:
            break
        day = rng.choice(grow)
        if total + per_day_count[day] * per_day > size:
            break
        total += per_day_count[day] * per_day
        start, end = min(start, day), max(end, day)
    window = range(start, end + 1)
    return {
        staff.id: frozenset(d for d in days if d in window)
        for staff, days in zip(instance.staff, unsettled, strict=True)
        if any(d in window for d in days)
    }


def _choose_neighbourhood(
    instance: BenchmarkInstance,
    roster: Roster,
    rng: random.Random,
    size: float,
    short: frozenset[str],
) -> dict[str, frozenset[int]]:
    """A window of days for a subset of staff with about ``size`` shift variables.

    Half of the time the window is centred on a missed cover line (``_cover_gaps``) and the
    staff are drawn from those who may work that shift; otherwise both are uniform."""
    per_day = _variables_per_day(instance)
    lengths = [length for length in (7, 14, 21, 28, 42, 56) if length <= instance.horizon]
    length = rng.choice(lengths or [instance.horizon])
    if rng.random() < WHOLE_HORIZON_SHARE and instance.horizon * per_day <= size:
        length = instance.horizon
    staff_count = max(1, min(len(instance.staff), int(size / (length * per_day))))
    if staff_count == len(instance.staff):
        length = min(instance.horizon, max(length, int(size / (staff_count * per_day))))
    gaps = _cover_gaps(instance, roster, short) if rng.random() < 0.5 else []
    candidates = list(instance.staff)
    if gaps:
        day, shift_id = rng.choice(gaps)
        start = min(max(0, day - rng.randrange(length)), instance.horizon - length)
        able = [staff for staff in candidates if staff.may_work(shift_id)]
        others = [staff for staff in candidates if not staff.may_work(shift_id)]
        rng.shuffle(able)
        rng.shuffle(others)
        chosen = (able + others)[:staff_count]
    else:
        start = rng.randrange(0, instance.horizon - length + 1)
        chosen = rng.sample(candidates, staff_count)
    days = frozenset(range(start, start + length))
    return {staff.id: days for staff in chosen}


def _weekend_days(instance: BenchmarkInstance) -> list[tuple[int, int]]:
    """(Saturday, Sunday) of every whole weekend in the horizon (day 0 is a Monday)."""
    return [(saturday, saturday + 1) for saturday in range(5, instance.horizon - 1, 7)]


def _minutes_slack(instance: BenchmarkInstance, roster: Roster) -> dict[str, int]:
    """Per staff, the minutes they may still work."""
    length = {shift.id: shift.length_minutes for shift in instance.shifts}
    return {
        staff.id: staff.max_total_minutes
        - sum(length[shift_id] for shift_id in roster[staff.id] if shift_id != OFF)
        for staff in instance.staff
    }


def weekend_neighbourhood(
    instance: BenchmarkInstance, roster: Roster, rng: random.Random, size: float
) -> dict[str, frozenset[int]]:
    """About a week around one missed weekend cover, for the staff who could close it: first
    those off that day who may work its shift and work the other day of that weekend (a
    half-worked weekend completed costs no weekend of their allowance), then those off that
    day who may work it or have minutes to spare (both first). About ``size`` variables;
    empty when no weekend cover is missed.

    Where weekends and minutes are both nearly exhausted (Instance13: 250 weekends allowed
    for 251 needed, 939,000 minutes for 941,160 asked), the losing rosters miss their covers
    on weekends and hold 33-47 half-worked weekends, with 8,000-12,000 minutes left unworked,
    mostly in slivers of 120-360. Closing such a gap takes a chain: someone completes a
    weekend and gives up a weekday shift, which someone with minutes to spare takes up.
    Random windows rarely hold the whole chain. From one 3,416 roster, 20 s of LNS gave
    2,159-2,279 in 3 runs with these moves, 2,464 and 3,061 without."""
    weekend_of = {day: pair for pair in _weekend_days(instance) for day in pair}
    gaps = [gap for gap in _cover_gaps(instance, roster, frozenset()) if gap[0] in weekend_of]
    if not gaps:
        return {}
    day, shift_id = rng.choice(gaps)
    saturday, sunday = weekend_of[day]
    other = sunday if day == saturday else saturday
    slack = _minutes_slack(instance, roster)

    def rank(staff: Staff) -> float:
        days = roster[staff.id]
        able = staff.may_work(shift_id) and days[day] == OFF
        completes = able and days[other] != OFF
        return -(2.0 * completes + able + (slack[staff.id] > 0)) + rng.random() * 0.5

    start = max(0, saturday - rng.choice((2, 3, 4)))
    end = min(instance.horizon, sunday + 1 + rng.choice((2, 3, 4)))
    days = frozenset(range(start, end))
    per_day = _variables_per_day(instance)
    count = max(2, int(size / (len(days) * per_day)))
    chosen = sorted(instance.staff, key=rank)[:count]
    return {staff.id: days for staff in chosen}


def improve(
    instance: BenchmarkInstance,
    roster: Roster,
    objective: int,
    limits: SearchLimits,
    *,
    lower_bound: int = 0,
    guide: Guide | None = None,
) -> tuple[Roster, int]:
    """Large-neighbourhood search: free a window of days for some staff, re-solve with the
    incumbent as hint, keep the result when it is not worse. With an LP ``guide``, a share
    of the moves frees the days where the incumbent and the LP disagree."""
    rng = random.Random(limits.seed)
    total = model_size(instance)
    short = short_shifts(instance)
    # guided moves free only disputed days and are proved much sooner: each kind keeps its size
    random_size, guided_size = (
        _Adaptive(size=min(INITIAL_LNS_VARS, total), minimum=40.0, maximum=float(total))
        for _ in range(2)
    )
    weekend_size = _Adaptive(
        size=min(INITIAL_WEEKEND_VARS, total), minimum=40.0, maximum=float(total)
    )
    iteration = 0
    while limits.remaining() > 0.1 and objective > lower_bound:
        iteration += 1
        free: dict[str, frozenset[int]] = {}
        if rng.random() < WEEKEND_SHARE:
            adaptive = weekend_size
            free = weekend_neighbourhood(instance, roster, rng, adaptive.size)
        if not free and guide is not None and rng.random() < GUIDED_SHARE:
            adaptive = guided_size
            free = guided_neighbourhood(instance, roster, guide, rng, adaptive.size)
        if not free:
            adaptive = random_size
            free = _choose_neighbourhood(instance, roster, rng, adaptive.size, short)
        sub = build_submodel(instance, roster, free)
        add_hint(sub, roster)
        result = solve_submodel(
            sub,
            time_limit_s=min(SUB_TIME_LIMIT_S, limits.remaining()),
            workers=limits.workers,
            seed=limits.seed + iteration,
        )
        adaptive.update(result.status == "OPTIMAL")
        if result.roster is not None and result.objective is not None:
            if result.objective <= objective:
                roster, objective = result.roster, result.objective
    return roster, objective


def roster_from_hint(
    instance: BenchmarkInstance, hint: Mapping[str, Sequence[str]] | None
) -> Roster | None:
    if hint is None:
        return None
    if {staff.id for staff in instance.staff} != set(hint):
        return None
    if any(len(days) != instance.horizon for days in hint.values()):
        return None
    return {staff_id: list(days) for staff_id, days in hint.items()}
