"""Soft goals of the duty roster: each helper returns named penalty terms.

Invariants:

- A helper never touches the objective; it returns ``Penalty`` terms (the
  ``(penalty_vars, costs)`` pattern of OR-Tools ``shift_scheduling_sat``, with a name, a
  description and the person/day concerned). The solver minimises ``sum(cost * term)``.
- Every penalty term is *exact* (its value equals the amount of the broken wish in any
  feasible solution, not only at the optimum), so the reported violations always sum to
  the objective, including for FEASIBLE (time-limited) results.
- Fairness totals include ``History`` year-to-date counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from .roster_problem import Assignment, Day, ShiftType, counts_as_holiday, counts_as_weekend
from .roster_rules import RosterModel, Term, any_shift

#: The key of each broken wish's phrase and the values it says (beside the English detail),
#: so that a page can word it without parsing the English; ``n`` is the term's value.
KEYS: dict[str, frozenset[str]] = {
    "under_cover": frozenset({"day", "shift", "skill", "n", "preferred"}),
    "over_cover": frozenset({"day", "shift", "skill", "n", "preferred"}),
    "request_day_off": frozenset({"person", "day"}),
    "request_work": frozenset({"person", "day"}),
    "request_shift": frozenset({"person", "day", "shift"}),
    "request_no_shift": frozenset({"person", "day", "shift"}),
    "isolated_day_on": frozenset({"person", "day"}),
    "isolated_day_off": frozenset({"person", "day"}),
    "spread": frozenset({"role", "n"}),
    "hint_removed": frozenset({"person", "day", "shift"}),
    "hint_added": frozenset({"person", "day", "shift"}),
    # migration 0029: a wish stored before keys whose detail no phrase matched, shown as is
    "note": frozenset({"text"}),
}


@dataclass(frozen=True)
class Penalty:
    """``cost`` per unit of ``term``; ``detail`` may contain ``{n}`` for the term's value."""

    goal: str
    term: Term
    cost: int
    detail: str
    person: str | None = None
    day: date | None = None
    key: str = ""
    values: Mapping[str, str | int | None] = field(default_factory=dict, hash=False)


def cover_penalties(ctx: RosterModel) -> list[Penalty]:
    """Under cover (all rows) and over cover (rows without skill) relative to ``preferred``."""
    weights = ctx.problem.weights
    people = {person.id: person for person in ctx.problem.people}
    penalties: list[Penalty] = []
    for row in ctx.problem.demand:
        staff = [
            var
            for who, var in ctx.staff_of(row.day, row.shift)
            if row.skill is None or row.skill in people[who].skills
        ]
        count = cp_model.LinearExpr.sum(staff)
        what = f"{row.day} {row.shift}" + (f" ({row.skill})" if row.skill else "")
        values = _row_values(row.day, row.shift, row.skill, row.preferred)
        if weights.under_cover and row.preferred > row.minimum:
            short = ctx.model.new_int_var(0, row.preferred, f"under[{what}]")
            ctx.model.add_max_equality(short, [0, row.preferred - count])
            detail = f"{what}: {{n}} short of preferred {row.preferred}"
            penalties.append(
                Penalty(
                    "under_cover",
                    short,
                    weights.under_cover,
                    detail,
                    None,
                    row.day,
                    "under_cover",
                    values,
                )
            )
        if weights.over_cover and row.skill is None and len(staff) > row.preferred:
            extra = ctx.model.new_int_var(0, len(staff), f"over[{what}]")
            ctx.model.add_max_equality(extra, [0, count - row.preferred])
            detail = f"{what}: {{n}} over preferred {row.preferred}"
            penalties.append(
                Penalty(
                    "over_cover",
                    extra,
                    weights.over_cover,
                    detail,
                    None,
                    row.day,
                    "over_cover",
                    values,
                )
            )
    return penalties


def _row_values(
    day: date, shift: str, skill: str | None, preferred: int
) -> dict[str, str | int | None]:
    return {"day": day.isoformat(), "shift": shift, "skill": skill, "preferred": preferred}


def request_penalties(ctx: RosterModel) -> list[Penalty]:
    """A broken wish costs ``weights.request * request.weight``."""
    penalties: list[Penalty] = []
    for item in ctx.problem.requests:
        values: dict[str, str | int | None] = {"person": item.person, "day": item.day.isoformat()}
        if item.shift is None:
            works = ctx.worked(item.person, item.day, any_shift)
            what = "day off" if not item.wanted else "to work"
            key = "request_work" if item.wanted else "request_day_off"
        else:
            works = ctx.work.get((item.person, item.day, item.shift), 0)
            what = f"{'' if item.wanted else 'no '}{item.shift}"
            key = "request_shift" if item.wanted else "request_no_shift"
            values["shift"] = item.shift
        broken = 1 - works if item.wanted else works
        cost = ctx.problem.weights.request * item.weight
        detail = f"{item.person} asked for {what} on {item.day}"
        if cost:
            penalties.append(
                Penalty("request", broken, cost, detail, item.person, item.day, key, values)
            )
    return penalties


@dataclass(frozen=True)
class FairnessGoal:
    goal: str
    weight: int
    counts: Callable[[Day, ShiftType], bool]
    ytd: Callable[[str], int]


def fairness_goals(ctx: RosterModel) -> list[FairnessGoal]:
    weights = ctx.problem.weights
    history = {item.person: item for item in ctx.problem.history}

    def nights(person: str) -> int:
        return history[person].nights_ytd if person in history else 0

    def weekends(person: str) -> int:
        return history[person].weekends_ytd if person in history else 0

    def holidays(person: str) -> int:
        return history[person].holidays_ytd if person in history else 0

    return [
        FairnessGoal("fairness_nights", weights.fairness_nights, _on_night, nights),
        FairnessGoal("fairness_weekends", weights.fairness_weekends, _on_weekend, weekends),
        FairnessGoal("fairness_holidays", weights.fairness_holidays, _on_holiday, holidays),
    ]


def _on_night(_: Day, shift: ShiftType) -> bool:
    return shift.is_night


def _on_weekend(day: Day, _: ShiftType) -> bool:
    return counts_as_weekend(day)


def _on_holiday(day: Day, _: ShiftType) -> bool:
    return counts_as_holiday(day)


def fairness_penalties(ctx: RosterModel, goal: FairnessGoal) -> list[Penalty]:
    """Spread (max - min) of history + period counts, per role, among people who can work them.

    The pool of a role is everyone with at least one variable on a counted shift of that
    role; pools of fewer than two people are skipped.
    """
    if not goal.weight:
        return []
    days = {day.date: day for day in ctx.problem.days}
    by_role: dict[str, dict[str, list[cp_model.IntVar]]] = {}
    for (who, when, shift_id), var in ctx.work.items():
        shift = ctx.shifts[shift_id]
        if goal.counts(days[when], shift):
            by_role.setdefault(shift.role, {}).setdefault(who, []).append(var)
    penalties: list[Penalty] = []
    for role, pool in sorted(by_role.items()):
        if len(pool) < 2:
            continue
        totals = [goal.ytd(who) + cp_model.LinearExpr.sum(terms) for who, terms in pool.items()]
        upper = max(goal.ytd(who) + len(terms) for who, terms in pool.items())
        most = ctx.model.new_int_var(0, upper, f"{goal.goal}_max[{role}]")
        least = ctx.model.new_int_var(0, upper, f"{goal.goal}_min[{role}]")
        ctx.model.add_max_equality(most, totals)
        ctx.model.add_min_equality(least, totals)
        detail = f"{role}: spread of {{n}} between most and least (incl. year to date)"
        penalties.append(
            Penalty(
                goal.goal, most - least, goal.weight, detail, key="spread", values={"role": role}
            )
        )
    return penalties


def isolated_day_penalties(ctx: RosterModel) -> list[Penalty]:
    """Off-on-off (isolated day on) and on-off-on (isolated day off) inside the period."""
    weights = ctx.problem.weights
    penalties: list[Penalty] = []
    for person in ctx.problem.people:
        worked = [ctx.worked(person.id, day, any_shift) for day in ctx.dates]
        said = {"person": person.id}
        for before, day, here, after in zip(
            worked, ctx.dates[1:], worked[1:], worked[2:], strict=False
        ):
            if weights.isolated_day_on:
                lone = _pattern(ctx, here, [before, after], f"lone_on[{person.id},{day}]")
                detail = f"{person.id} works alone on {day} between days off"
                penalties.append(
                    Penalty(
                        "isolated_day_on",
                        lone,
                        weights.isolated_day_on,
                        detail,
                        person.id,
                        day,
                        "isolated_day_on",
                        said | {"day": day.isoformat()},
                    )
                )
            if weights.isolated_day_off:
                lone = _pattern(
                    ctx, 1 - here, [1 - before, 1 - after], f"lone_off[{person.id},{day}]"
                )
                detail = f"{person.id} has a single day off on {day}"
                penalties.append(
                    Penalty(
                        "isolated_day_off",
                        lone,
                        weights.isolated_day_off,
                        detail,
                        person.id,
                        day,
                        "isolated_day_off",
                        said | {"day": day.isoformat()},
                    )
                )
    return penalties


def _pattern(ctx: RosterModel, centre: Term, neighbours: list[Term], name: str) -> Term:
    """A Boolean equal to ``centre and not any(neighbours)`` (all 0/1 expressions)."""
    if isinstance(centre, int) and centre == 0:
        return 0
    flag = ctx.model.new_bool_var(name)
    ctx.model.add(flag <= centre)
    for neighbour in neighbours:
        ctx.model.add(flag <= 1 - neighbour)
    ctx.model.add(flag >= centre - cp_model.LinearExpr.sum(neighbours))
    return flag


def hint_penalties(ctx: RosterModel, hint: tuple[Assignment, ...]) -> list[Penalty]:
    """Each assignment added to or removed from the hint costs ``change_from_hint``."""
    cost = ctx.problem.weights.change_from_hint
    if not cost:
        return []
    hinted = {(item.person, item.day, item.shift) for item in hint}
    penalties: list[Penalty] = []
    for key in sorted(hinted | set(ctx.work)):
        who, when, shift = key
        var = ctx.work.get(key, 0)
        values = {"person": who, "day": when.isoformat(), "shift": shift}
        if key in hinted:
            detail = f"{who} removed from {shift} on {when}"
            penalties.append(
                Penalty(
                    "change_from_hint", 1 - var, cost, detail, who, when, "hint_removed", values
                )
            )
        else:
            detail = f"{who} added to {shift} on {when}"
            penalties.append(
                Penalty("change_from_hint", var, cost, detail, who, when, "hint_added", values)
            )
    return penalties


def soft_penalties(ctx: RosterModel, hint: tuple[Assignment, ...] | None) -> list[Penalty]:
    """All soft goals of ``ctx.problem.weights`` (plus minimal change when ``hint`` is given)."""
    penalties = cover_penalties(ctx) + request_penalties(ctx) + isolated_day_penalties(ctx)
    for goal in fairness_goals(ctx):
        penalties += fairness_penalties(ctx, goal)
    if hint is not None:
        penalties += hint_penalties(ctx, hint)
    return penalties
