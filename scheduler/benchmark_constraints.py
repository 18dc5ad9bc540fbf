"""CP-SAT model of the benchmark problem, over a chosen set of free (staff, day) cells.

Cells outside the free set keep the value they have in a base roster and enter the model as
constants, so one builder serves the full solve (every cell free), the constructive phase
(a few staff free, everybody else fixed) and large-neighbourhood moves (a window of days for
some staff). Hard rules are added only for staff that have at least one free cell; the fixed
part of the roster must already satisfy them. The model objective always equals the full
benchmark objective (constant terms included).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

from scheduler.benchmark_format import BenchmarkInstance, Staff

OFF = ""
Lit = cp_model.IntVar | cp_model.NotBooleanVariable | cmh.Literal | bool
Term = tuple[int, cp_model.IntVar]


def _negate(literal: Lit) -> Lit:
    if isinstance(literal, bool):
        return not literal
    return ~literal


def add_clause(model: cp_model.CpModel, literals: Iterable[Lit]) -> None:
    """``OR(literals)``, with constant literals folded away."""
    variables: list[cp_model.IntVar | cp_model.NotBooleanVariable | cmh.Literal] = []
    for literal in literals:
        if isinstance(literal, bool):
            if literal:
                return
            continue
        variables.append(literal)
    if not variables:
        raise ValueError("the fixed part of the roster violates a hard constraint")
    model.add_bool_or(variables)


@dataclass
class StaffCells:
    """Per-day decision variables of one employee; fixed days hold their shift id."""

    staff: Staff
    shift_vars: dict[int, dict[str, cp_model.IntVar]] = field(default_factory=dict)
    work_vars: dict[int, cp_model.IntVar] = field(default_factory=dict)
    fixed: dict[int, str] = field(default_factory=dict)

    def works_shift(self, day: int, shift_id: str) -> Lit:
        if day in self.fixed:
            return self.fixed[day] == shift_id
        return self.shift_vars[day].get(shift_id, False)

    def works(self, day: int) -> Lit:
        if day in self.fixed:
            return self.fixed[day] != OFF
        return self.work_vars[day]


@dataclass
class SubModel:
    """A built model and the variables needed to read a roster back from it."""

    model: cp_model.CpModel
    base: Mapping[str, Sequence[str]]
    cells: dict[str, StaffCells]
    objective_terms: list[Term]
    objective_constant: int
    #: The under-cover part of the objective (its terms are also in ``objective_terms``).
    under_terms: list[Term]
    under_constant: int

    def objective(self) -> cp_model.LinearExprT:
        return _expr(self.objective_terms) + self.objective_constant

    def under_cost(self) -> cp_model.LinearExprT:
        return _expr(self.under_terms) + self.under_constant

    def objective_with_gaps_weighted(self, weight: int) -> cp_model.LinearExprT:
        """The objective plus ``weight`` times the under-cover cost."""
        terms = self.objective_terms + [(weight * coef, var) for coef, var in self.under_terms]
        return _expr(terms) + self.objective_constant + weight * self.under_constant

    def read_roster(self, solver: cp_model.CpSolver) -> dict[str, list[str]]:
        roster = {staff_id: list(days) for staff_id, days in self.base.items()}
        for staff_id, cells in self.cells.items():
            for day, shifts in cells.shift_vars.items():
                chosen = [shift_id for shift_id, var in shifts.items() if solver.value(var)]
                roster[staff_id][day] = chosen[0] if chosen else OFF
        return roster


def linear_sum(parts: Iterable[tuple[int, Lit]]) -> tuple[list[Term], int]:
    """Split ``sum(coef * literal)`` into variable terms and a constant."""
    terms: list[Term] = []
    constant = 0
    for coef, literal in parts:
        if isinstance(literal, bool):
            constant += coef * int(literal)
        elif isinstance(literal, cp_model.IntVar):
            terms.append((coef, literal))
        else:
            raise TypeError("linear sums take positive literals only")
    return terms, constant


def _expr(terms: Sequence[Term]) -> cp_model.LinearExprT:
    return cp_model.LinearExpr.weighted_sum([var for _, var in terms], [c for c, _ in terms])


def create_cells(
    model: cp_model.CpModel,
    instance: BenchmarkInstance,
    staff: Staff,
    free_days: frozenset[int],
    base_days: Sequence[str],
    shift_ids: frozenset[str] | None = None,
) -> StaffCells:
    """One Boolean per allowed (day, shift) on free days; days off and banned shifts get none.

    ``shift_ids``, when given, further restricts the shifts open on free days."""
    cells = StaffCells(staff)
    days_off = instance.days_off.get(staff.id, frozenset())
    for day in range(instance.horizon):
        if day not in free_days:
            cells.fixed[day] = base_days[day]
        elif day in days_off:
            cells.fixed[day] = OFF
        else:
            cells.shift_vars[day] = {
                shift.id: model.new_bool_var(f"x_{staff.id}_{day}_{shift.id}")
                for shift in instance.shifts
                if staff.may_work(shift.id) and (shift_ids is None or shift.id in shift_ids)
            }
            if not cells.shift_vars[day]:
                del cells.shift_vars[day]
                cells.fixed[day] = OFF
    add_one_shift_per_day(model, cells)
    return cells


def add_one_shift_per_day(model: cp_model.CpModel, cells: StaffCells) -> None:
    """``work[d] = sum_s x[d, s]``, which also caps the day at one shift."""
    for day, shifts in cells.shift_vars.items():
        work = model.new_bool_var(f"work_{cells.staff.id}_{day}")
        model.add(work == sum(shifts.values()))
        cells.work_vars[day] = work


def add_shift_rotation(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    """No shift ``t`` the day after a shift ``s`` when ``t`` is in ``s``'s CannotFollow."""
    for day in range(instance.horizon - 1):
        if day not in cells.shift_vars and day + 1 not in cells.shift_vars:
            continue
        for shift in instance.shifts:
            today = cells.works_shift(day, shift.id)
            if today is False:
                continue
            for banned in shift.cannot_follow:
                add_clause(model, [_negate(today), _negate(cells.works_shift(day + 1, banned))])


def add_max_shifts_per_type(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    for shift in instance.shifts:
        limit = cells.staff.max_shifts.get(shift.id, 0)
        terms, constant = linear_sum(
            (1, cells.works_shift(day, shift.id)) for day in range(instance.horizon)
        )
        if terms and len(terms) + constant > limit:
            model.add(_expr(terms) <= limit - constant)


def add_total_minutes(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    terms, constant = linear_sum(
        (shift.length_minutes, cells.works_shift(day, shift.id))
        for day in range(instance.horizon)
        for shift in instance.shifts
    )
    low = cells.staff.min_total_minutes - constant
    high = cells.staff.max_total_minutes - constant
    model.add_linear_constraint(_expr(terms), low, high)


def add_max_consecutive_shifts(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    """Every window of ``max + 1`` days holds at least one day off."""
    limit = cells.staff.max_consecutive_shifts
    for start in range(instance.horizon - limit):
        window = range(start, start + limit + 1)
        if not any(day in cells.shift_vars for day in window):
            continue
        terms, constant = linear_sum((1, cells.works(day)) for day in window)
        if len(terms) + constant > limit:
            model.add(_expr(terms) <= limit - constant)


def _forbid_short_runs(
    model: cp_model.CpModel, horizon: int, minimum: int, inside: list[Lit]
) -> None:
    """Forbid ``not inside[d-1], inside[d..d+n-1], not inside[d+n]`` for ``n < minimum``.

    Runs that start on day 0 or end on the last day are exempt, because the pattern needs a
    day before and a day after the run inside the horizon.
    """
    for first in range(1, horizon - 1):
        for length in range(1, minimum):
            after = first + length
            if after > horizon - 1:
                break
            add_clause(
                model,
                [inside[first - 1], inside[after]]
                + [_negate(inside[day]) for day in range(first, after)],
            )


def _has_free_day(cells: StaffCells) -> bool:
    return bool(cells.shift_vars)


def add_min_consecutive_shifts(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    minimum = cells.staff.min_consecutive_shifts
    if minimum > 1 and _has_free_day(cells):
        working = [cells.works(day) for day in range(instance.horizon)]
        _forbid_short_runs(model, instance.horizon, minimum, working)


def add_min_consecutive_days_off(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    minimum = cells.staff.min_consecutive_days_off
    if minimum > 1 and _has_free_day(cells):
        resting = [_negate(cells.works(day)) for day in range(instance.horizon)]
        _forbid_short_runs(model, instance.horizon, minimum, resting)


def add_max_weekends(
    model: cp_model.CpModel, instance: BenchmarkInstance, cells: StaffCells
) -> None:
    """One indicator per weekend, equal to "works Saturday or Sunday"."""
    parts: list[tuple[int, Lit]] = []
    for index, days in enumerate(instance.weekends()):
        worked = [cells.works(day) for day in days]
        if any(literal is True for literal in worked):
            parts.append((1, True))
            continue
        variables = [literal for literal in worked if not isinstance(literal, bool)]
        if not variables:
            continue
        indicator = model.new_bool_var(f"weekend_{cells.staff.id}_{index}")
        model.add_max_equality(indicator, variables)
        parts.append((1, indicator))
    terms, constant = linear_sum(parts)
    if terms and len(terms) + constant > cells.staff.max_weekends:
        model.add(_expr(terms) <= cells.staff.max_weekends - constant)


HARD_RULES = (
    add_shift_rotation,
    add_max_shifts_per_type,
    add_total_minutes,
    add_max_consecutive_shifts,
    add_min_consecutive_shifts,
    add_min_consecutive_days_off,
    add_max_weekends,
)


def request_terms(
    instance: BenchmarkInstance, cells: Mapping[str, StaffCells], base: Mapping[str, Sequence[str]]
) -> tuple[list[Term], int]:
    """On-requests cost ``w * (1 - x)``, off-requests cost ``w * x``."""
    terms: list[Term] = []
    constant = 0
    for request in instance.on_requests:
        staff_cells = cells.get(request.staff_id)
        if staff_cells is None:
            constant += request.weight * (base[request.staff_id][request.day] != request.shift_id)
            continue
        literal = staff_cells.works_shift(request.day, request.shift_id)
        constant += request.weight
        if isinstance(literal, bool):
            constant -= request.weight * literal
        elif isinstance(literal, cp_model.IntVar):
            terms.append((-request.weight, literal))
    for request in instance.off_requests:
        staff_cells = cells.get(request.staff_id)
        if staff_cells is None:
            constant += request.weight * (base[request.staff_id][request.day] == request.shift_id)
            continue
        more, extra = linear_sum(
            [(request.weight, staff_cells.works_shift(request.day, request.shift_id))]
        )
        terms += more
        constant += extra
    return terms, constant


def cover_terms(
    model: cp_model.CpModel,
    instance: BenchmarkInstance,
    cells: Mapping[str, StaffCells],
    base: Mapping[str, Sequence[str]],
) -> tuple[tuple[list[Term], int], tuple[list[Term], int]]:
    """Integer slacks ``under``/``over`` with ``count + under - over = requirement``: the
    under-cover terms and constant, then the over-cover ones."""
    fixed_count: Counter[tuple[int, str]] = Counter()
    free_vars: dict[tuple[int, str], list[cp_model.IntVar]] = {}
    for staff_id, days in base.items():
        staff_cells = cells.get(staff_id)
        for day, shift_id in enumerate(days):
            if staff_cells is not None and day in staff_cells.shift_vars:
                for free_shift, var in staff_cells.shift_vars[day].items():
                    free_vars.setdefault((day, free_shift), []).append(var)
            elif staff_cells is not None and day in staff_cells.fixed:
                if staff_cells.fixed[day] != OFF:
                    fixed_count[(day, staff_cells.fixed[day])] += 1
            elif shift_id != OFF:
                fixed_count[(day, shift_id)] += 1
    under_terms: list[Term] = []
    over_terms: list[Term] = []
    under_constant = over_constant = 0
    for cover in instance.cover:
        key = (cover.day, cover.shift_id)
        need = cover.requirement - fixed_count[key]
        variables = free_vars.get(key, [])
        if not variables:
            under_constant += cover.weight_under * max(0, need)
            over_constant += cover.weight_over * max(0, -need)
            continue
        under = model.new_int_var(0, max(0, need), f"under_{cover.day}_{cover.shift_id}")
        over = model.new_int_var(
            0, max(0, len(variables) - need), f"over_{cover.day}_{cover.shift_id}"
        )
        model.add(sum(variables) + under - over == need)
        under_terms.append((cover.weight_under, under))
        over_terms.append((cover.weight_over, over))
    return (under_terms, under_constant), (over_terms, over_constant)


def build_submodel(
    instance: BenchmarkInstance,
    base: Mapping[str, Sequence[str]],
    free: Mapping[str, frozenset[int]],
    shift_ids: Mapping[str, frozenset[str]] | None = None,
) -> SubModel:
    """Model with ``free[staff_id]`` days open for each listed employee, the rest fixed to
    ``base``. Hard rules are posted for listed employees only. ``shift_ids`` optionally
    limits the shifts each listed employee may take on free days."""
    model = cp_model.CpModel()
    cells: dict[str, StaffCells] = {}
    for staff in instance.staff:
        if staff.id not in free:
            continue
        allowed = None if shift_ids is None else shift_ids.get(staff.id)
        staff_cells = create_cells(model, instance, staff, free[staff.id], base[staff.id], allowed)
        for add_rule in HARD_RULES:
            add_rule(model, instance, staff_cells)
        cells[staff.id] = staff_cells
    objective, constant = request_terms(instance, cells, base)
    (under, under_constant), (over, over_constant) = cover_terms(model, instance, cells, base)
    objective += under + over
    constant += under_constant + over_constant
    sub = SubModel(model, base, cells, objective, constant, under, under_constant)
    model.minimize(sub.objective())
    return sub


def whole_model(instance: BenchmarkInstance, roster: Mapping[str, Sequence[str]]) -> SubModel:
    """Every day of every employee free, hinted with ``roster``."""
    all_days = frozenset(range(instance.horizon))
    sub = build_submodel(instance, roster, {staff.id: all_days for staff in instance.staff})
    add_hint(sub, roster)
    return sub


def add_hint(sub: SubModel, roster: Mapping[str, Sequence[str]]) -> None:
    """Hint every shift and work variable with the value it has in ``roster``."""
    for staff_id, staff_cells in sub.cells.items():
        for day, shifts in staff_cells.shift_vars.items():
            for shift_id, var in shifts.items():
                sub.model.add_hint(var, roster[staff_id][day] == shift_id)
            sub.model.add_hint(staff_cells.work_vars[day], roster[staff_id][day] != OFF)
