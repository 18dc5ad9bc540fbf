"""CP-SAT variables and one ``add_<rule>()`` per hard rule of the duty roster.

Invariants:

- Variables exist only for eligible person x day x shift: the shift is staffed that day (a
  demand row names it, or it is the leader-per-day shift), the person has the shift's role,
  the leader shift only for leaders, and the person is not unavailable that day.
- Every hard constraint belongs to a named ``Guard`` group. In explain mode each group gets
  one assumption literal, so CP-SAT can name a sufficient set of groups for infeasibility;
  in normal mode constraints are added unconditionally.
- Every bound comes from ``Rules``/``RosterProblem``; nothing is hard-coded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from .roster_problem import (
    Person,
    RosterProblem,
    ShiftType,
    counts_as_weekend,
    rest_hours_between,
    shift_is_eligible,
    week_key,
)

WorkKey = tuple[str, date, str]
Term = cp_model.LinearExpr | cp_model.IntVar | int
MAX_REST_LOOKAHEAD_DAYS = 3


@dataclass(frozen=True)
class Guard:
    """A named group of hard constraints (one assumption literal in explain mode)."""

    rule: str
    person: str | None = None
    day: date | None = None
    shift: str | None = None
    skill: str | None = None
    minimum: int | None = None


@dataclass
class RosterModel:
    """The CP-SAT model plus lookup tables shared by the rule helpers."""

    problem: RosterProblem
    model: cp_model.CpModel
    work: dict[WorkKey, cp_model.IntVar]
    explain: bool = False
    guards: dict[Guard, cp_model.IntVar] = field(default_factory=dict)
    shifts: dict[str, ShiftType] = field(init=False)
    dates: list[date] = field(init=False)
    _by_person_day: dict[tuple[str, date], list[WorkKey]] = field(init=False)
    _by_day_shift: dict[tuple[date, str], list[WorkKey]] = field(init=False)

    def __post_init__(self) -> None:
        self.shifts = {shift.id: shift for shift in self.problem.shifts}
        self.dates = [day.date for day in self.problem.days]
        self._by_person_day = defaultdict(list)
        self._by_day_shift = defaultdict(list)
        for key in self.work:
            who, when, shift = key
            self._by_person_day[(who, when)].append(key)
            self._by_day_shift[(when, shift)].append(key)

    def add(self, constraint: cp_model.Constraint, guard: Guard) -> None:
        """Attach ``constraint`` to its guard literal when explaining."""
        if not self.explain:
            return
        literal = self.guards.get(guard)
        if literal is None:
            literal = self.model.new_bool_var(f"guard[{guard}]")
            self.guards[guard] = literal
        constraint.only_enforce_if(literal)

    def keys_on(self, person: str, day: date) -> list[WorkKey]:
        return self._by_person_day.get((person, day), [])

    def staff_of(self, day: date, shift: str) -> list[tuple[str, cp_model.IntVar]]:
        """(person, variable) for everyone who could work ``shift`` on ``day``."""
        return [
            (who, self.work[(who, when, kind)])
            for who, when, kind in self._by_day_shift.get((day, shift), [])
        ]

    def vars_on(self, person: str, day: date) -> list[cp_model.IntVar]:
        return [self.work[key] for key in self.keys_on(person, day)]

    def worked(self, person: str, day: date, wanted: Callable[[ShiftType], bool]) -> Term:
        """1 if ``person`` works a shift matching ``wanted`` on ``day`` (0 without variables)."""
        terms = [
            self.work[(who, when, shift)]
            for who, when, shift in self.keys_on(person, day)
            if wanted(self.shifts[shift])
        ]
        return cp_model.LinearExpr.sum(terms) if terms else 0


def any_shift(_: ShiftType) -> bool:
    return True


def night_shift(shift: ShiftType) -> bool:
    return shift.is_night


def build_variables(
    problem: RosterProblem, model: cp_model.CpModel
) -> dict[WorkKey, cp_model.IntVar]:
    """One Boolean per eligible person x day x staffed shift."""
    staffed = {(row.day, row.shift) for row in problem.demand}
    leader_shift = problem.rules.leader_per_day
    away = {(item.person, item.day) for item in problem.unavailable}
    work: dict[WorkKey, cp_model.IntVar] = {}
    for day in problem.days:
        for shift in problem.shifts:
            if (day.date, shift.id) not in staffed and shift.id != leader_shift:
                continue
            for person in problem.people:
                if (person.id, day.date) in away:
                    continue
                if shift_is_eligible(person, shift, leader_shift):
                    key = (person.id, day.date, shift.id)
                    work[key] = model.new_bool_var(f"work[{person.id},{day.date},{shift.id}]")
    return work


def history_shifts(problem: RosterProblem, person: str) -> dict[date, str]:
    """Shifts worked just before the period, by date."""
    if not problem.days:
        return {}
    first = problem.days[0].date
    return {
        when: shift
        for item in problem.history
        if item.person == person
        for when, shift in item.recent
        if when < first
    }


def worked_timeline(
    ctx: RosterModel, person: str, wanted: Callable[[ShiftType], bool]
) -> dict[date, Term]:
    """Worked indicator per date: constants from history, expressions inside the period."""
    shifts = ctx.shifts
    timeline: dict[date, Term] = {
        when: int(shift in shifts and wanted(shifts[shift]))
        for when, shift in history_shifts(ctx.problem, person).items()
    }
    for day in ctx.dates:
        timeline[day] = ctx.worked(person, day, wanted)
    return timeline


def add_one_shift_per_day(ctx: RosterModel) -> None:
    for person in ctx.problem.people:
        for day in ctx.dates:
            shifts = ctx.vars_on(person.id, day)
            if len(shifts) > 1:
                ctx.model.add(cp_model.LinearExpr.sum(shifts) <= 1)


def add_minimum_cover(ctx: RosterModel) -> None:
    """Hard: at least ``minimum`` eligible people (with ``skill`` if given) per demand row."""
    people = {person.id: person for person in ctx.problem.people}
    for row in ctx.problem.demand:
        terms = [
            var
            for who, var in ctx.staff_of(row.day, row.shift)
            if row.skill is None or row.skill in people[who].skills
        ]
        guard = Guard("minimum_cover", None, row.day, row.shift, row.skill, row.minimum)
        ctx.add(ctx.model.add(cp_model.LinearExpr.sum(terms) >= row.minimum), guard)


def add_fixed(ctx: RosterModel) -> None:
    """Hard: pre-set assignments and pre-set days off."""
    for item in ctx.problem.fixed:
        guard = Guard("fixed", item.person, item.day, item.shift)
        if item.shift is None:
            for var in ctx.vars_on(item.person, item.day):
                ctx.add(ctx.model.add(var == 0), guard)
            continue
        chosen = ctx.work.get((item.person, item.day, item.shift))
        if chosen is None:
            ctx.add(ctx.model.add_bool_or([]), guard)
        else:
            ctx.add(ctx.model.add(chosen == 1), guard)


def too_short_rests(
    shifts: Iterable[ShiftType], min_rest_hours: float
) -> list[tuple[str, str, int]]:
    """(first, second, days apart) pairs whose rest between them is below the minimum."""
    anchor = date(2000, 1, 3)
    shift_list = list(shifts)
    return [
        (first.id, second.id, offset)
        for first in shift_list
        for second in shift_list
        for offset in range(1, MAX_REST_LOOKAHEAD_DAYS + 1)
        if rest_hours_between(anchor, first, anchor + timedelta(offset), second) < min_rest_hours
    ]


def add_min_rest(ctx: RosterModel, min_rest_hours: float) -> None:
    """Hard: rest from actual end to next start, including the shifts before the period."""
    short = too_short_rests(ctx.problem.shifts, min_rest_hours)
    _forbid_pairs(ctx, "min_rest", short)


def add_forbidden_successions(ctx: RosterModel, pairs: frozenset[tuple[str, str]]) -> None:
    """Hard: shift ``first`` on one day may not be followed by ``second`` the next day."""
    _forbid_pairs(ctx, "forbidden_successions", [(first, second, 1) for first, second in pairs])


def _forbid_pairs(ctx: RosterModel, rule: str, pairs: list[tuple[str, str, int]]) -> None:
    for person in ctx.problem.people:
        guard = Guard(rule, person.id)
        before = history_shifts(ctx.problem, person.id)
        for first, second, offset in pairs:
            for when, shift in before.items():
                later = ctx.work.get((person.id, when + timedelta(offset), second))
                if shift == first and later is not None:
                    ctx.add(ctx.model.add(later == 0), guard)
            for day in ctx.dates:
                earlier = ctx.work.get((person.id, day, first))
                later = ctx.work.get((person.id, day + timedelta(offset), second))
                if earlier is not None and later is not None:
                    ctx.add(ctx.model.add(earlier + later <= 1), guard)


def add_max_in_window(
    ctx: RosterModel, rule: str, window: int, limit: int, wanted: Callable[[ShiftType], bool]
) -> None:
    """Hard: at most ``limit`` worked days (matching ``wanted``) in any ``window`` days."""
    for person in ctx.problem.people:
        timeline = worked_timeline(ctx, person.id, wanted)
        for end in ctx.dates:
            days = [end - timedelta(back) for back in range(window)]
            terms = [timeline.get(day, 0) for day in days]
            if not all(isinstance(term, int) for term in terms):
                total = cp_model.LinearExpr.sum(terms)
                ctx.add(ctx.model.add(total <= limit), Guard(rule, person.id))


def add_max_consecutive_days(ctx: RosterModel, limit: int) -> None:
    add_max_in_window(ctx, "max_consecutive_days", limit + 1, limit, any_shift)


def add_max_consecutive_nights(ctx: RosterModel, limit: int) -> None:
    add_max_in_window(ctx, "max_consecutive_nights", limit + 1, limit, night_shift)


def add_rest_day_per_7(ctx: RosterModel) -> None:
    add_max_in_window(ctx, "rest_day_per_7", 7, 6, any_shift)


def add_min_consecutive_days_off(ctx: RosterModel, length: int) -> None:
    """Hard: a block of days off between two worked days lasts at least ``length`` days."""
    for person in ctx.problem.people:
        timeline = worked_timeline(ctx, person.id, any_shift)
        for start in ctx.dates:
            for short in range(1, length):
                after = start + timedelta(short)
                if after not in timeline:
                    continue
                before = timeline.get(start - timedelta(1), 0)
                gap = [timeline.get(start + timedelta(step), 0) for step in range(short)]
                pattern = cp_model.LinearExpr.sum([before, timeline[after]])
                constraint = ctx.model.add(pattern - cp_model.LinearExpr.sum(gap) <= 1)
                ctx.add(constraint, Guard("min_consecutive_days_off", person.id))


def _weeks(dates: Iterable[date]) -> dict[tuple[int, int], list[date]]:
    weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
    for day in dates:
        weeks[week_key(day)].append(day)
    return weeks


def add_max_shifts_per_week(ctx: RosterModel, limit: int) -> None:
    for person in ctx.problem.people:
        for week in _weeks(ctx.dates).values():
            total = cp_model.LinearExpr.sum([ctx.worked(person.id, day, any_shift) for day in week])
            ctx.add(ctx.model.add(total <= limit), Guard("max_shifts_per_week", person.id, week[0]))


def weekly_hours_cap(person: Person, limit: float | None) -> float | None:
    """The rule's weekly cap, tightened by the person's contracted hours if set."""
    caps = [cap for cap in (limit, person.contracted_hours_per_week) if cap is not None]
    return min(caps) if caps else None


def add_max_hours_per_week(ctx: RosterModel, limit: float | None) -> None:
    """Hard: worked minutes per calendar week within the cap (rule or contracted hours)."""
    shifts = ctx.shifts
    for person in ctx.problem.people:
        cap = weekly_hours_cap(person, limit)
        if cap is None:
            continue
        for week in _weeks(ctx.dates).values():
            terms = [
                shifts[shift].minutes * ctx.work[(who, when, shift)]
                for day in week
                for who, when, shift in ctx.keys_on(person.id, day)
            ]
            total = cp_model.LinearExpr.sum(terms)
            guard = Guard("max_hours_per_week", person.id, week[0])
            ctx.add(ctx.model.add(total <= round(cap * 60)), guard)


def add_max_shifts_per_period(ctx: RosterModel, limit: int) -> None:
    for person in ctx.problem.people:
        total = cp_model.LinearExpr.sum(
            [ctx.worked(person.id, day, any_shift) for day in ctx.dates]
        )
        ctx.add(ctx.model.add(total <= limit), Guard("max_shifts_per_period", person.id))


def add_max_weekends(ctx: RosterModel, limit: int) -> None:
    """Hard: a person works in at most ``limit`` distinct weekends of the period."""
    weekend_dates = [day.date for day in ctx.problem.days if counts_as_weekend(day)]
    for person in ctx.problem.people:
        touched: list[cp_model.IntVar] = []
        for key, days in _weeks(weekend_dates).items():
            flag = ctx.model.new_bool_var(f"weekend[{person.id},{key}]")
            for day in days:
                ctx.model.add(flag >= ctx.worked(person.id, day, any_shift))
            touched.append(flag)
        total = cp_model.LinearExpr.sum(touched)
        ctx.add(ctx.model.add(total <= limit), Guard("max_weekends", person.id))


def add_leader_per_day(ctx: RosterModel, leader_shift: str) -> None:
    """Hard: exactly one leader (带班领导) on the leader shift every day."""
    for day in ctx.dates:
        leaders = [var for _, var in ctx.staff_of(day, leader_shift)]
        guard = Guard("leader_per_day", None, day, leader_shift, None, 1)
        ctx.add(ctx.model.add(cp_model.LinearExpr.sum(leaders) == 1), guard)


def add_hard_rules(ctx: RosterModel) -> None:
    """Add every switched-on hard rule of ``ctx.problem.rules``."""
    rules = ctx.problem.rules
    add_one_shift_per_day(ctx)
    add_minimum_cover(ctx)
    add_fixed(ctx)
    if rules.min_rest_hours is not None:
        add_min_rest(ctx, rules.min_rest_hours)
    if rules.forbidden_successions:
        add_forbidden_successions(ctx, rules.forbidden_successions)
    if rules.max_consecutive_days is not None:
        add_max_consecutive_days(ctx, rules.max_consecutive_days)
    if rules.max_consecutive_nights is not None:
        add_max_consecutive_nights(ctx, rules.max_consecutive_nights)
    if rules.min_consecutive_days_off is not None:
        add_min_consecutive_days_off(ctx, rules.min_consecutive_days_off)
    if rules.rest_day_per_7:
        add_rest_day_per_7(ctx)
    if rules.max_shifts_per_week is not None:
        add_max_shifts_per_week(ctx, rules.max_shifts_per_week)
    add_max_hours_per_week(ctx, rules.max_hours_per_week)
    if rules.max_shifts_per_period is not None:
        add_max_shifts_per_period(ctx, rules.max_shifts_per_period)
    if rules.max_weekends is not None:
        add_max_weekends(ctx, rules.max_weekends)
    if rules.leader_per_day is not None:
        add_leader_per_day(ctx, rules.leader_per_day)
