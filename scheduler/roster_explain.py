"""Why a duty roster cannot be built: counting pre-checks and CP-SAT assumption cores.

Invariants:

- Never raises for an infeasible problem; returns planner-readable ``Shortfall`` items, each
  with its English message and the key and values of its phrase (web/roster_explanation.py
  words them from these; every key is one of ``KEYS``).
- ``count_shortfalls`` is a cheap necessary condition (eligible, available people versus
  the minimum of each demand row, each day and the leader rota; shifts or hours the
  per-period and per-week caps allow versus the shifts the minimums need); any shortfall it
  finds is a proof of infeasibility on its own.
- ``core_shortfalls`` rebuilds the hard model with one assumption literal per constraint
  group (``roster_rules.Guard``) and reports the groups in
  ``sufficient_assumptions_for_infeasibility()``: together they cannot be met.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from ortools.sat.python import cp_model

from .roster_problem import (
    Demand,
    Person,
    RosterProblem,
    Shortfall,
    ShortfallValue,
    shift_is_eligible,
    week_key,
)
from .roster_rules import Guard, RosterModel, add_hard_rules, build_variables, weekly_hours_cap

#: The phrase keys of ``Shortfall.key``, each with the values its phrase says (an item may
#: carry None for an optional one: a cover's skill, a cap's shift, a rule's week).
KEYS: dict[str, frozenset[str]] = {
    "cover": frozenset({"day", "shift", "minimum", "available", "skill", "absent"}),
    "leader_cover": frozenset({"day", "shift", "minimum", "available", "absent"}),
    "day_cover": frozenset({"day", "minimum", "available"}),
    "shifts_cap": frozenset(
        {"span", "start", "end", "shift", "need", "can", "rule", "limit", "short"}
    ),
    "hours_cap": frozenset({"span", "start", "end", "shift", "need", "can", "short"}),
    "core_cover": frozenset({"day", "shift", "minimum", "skill"}),
    "core_fixed": frozenset({"person", "name", "day", "shift"}),
    "core_rule": frozenset({"rule", "person", "name", "week"}),
    "not_proven": frozenset(),
}


def _absences(problem: RosterProblem) -> dict[tuple[str, date], dict[str, str]]:
    """Why a person cannot work a given day at all: leave (with its reason) or a fixed day
    off."""
    reasons = {
        (item.person, item.day): {"why": "leave", "reason": item.reason}
        for item in problem.unavailable
    }
    for item in problem.fixed:
        if item.shift is None:
            reasons.setdefault((item.person, item.day), {"why": "fixed_day_off"})
    return reasons


def _fixed_elsewhere(problem: RosterProblem, row: Demand) -> dict[str, dict[str, str]]:
    return {
        item.person: {"why": "fixed_elsewhere", "shift": item.shift}
        for item in problem.fixed
        if item.day == row.day and item.shift is not None and item.shift != row.shift
    }


def _absent_words(absent: Mapping[str, str]) -> str:
    """One person missing from a cover in the English message: "王五 年休假"."""
    if absent["why"] == "fixed_elsewhere":
        return f"{absent['name']} fixed on {absent['shift']}"
    if absent["why"] == "fixed_day_off":
        return f"{absent['name']} fixed day off"
    return f"{absent['name']} {absent['reason']}"


def _qualified(problem: RosterProblem, row: Demand) -> list[Person]:
    shifts = {shift.id: shift for shift in problem.shifts}
    shift = shifts.get(row.shift)
    if shift is None:
        return []
    return [
        person
        for person in problem.people
        if shift_is_eligible(person, shift, problem.rules.leader_per_day)
        and (row.skill is None or row.skill in person.skills)
    ]


def demand_shortfall(problem: RosterProblem, row: Demand) -> Shortfall | None:
    """Eligible people not on leave / fixed elsewhere versus the row's hard minimum."""
    absences = _absences(problem)
    elsewhere = _fixed_elsewhere(problem, row)
    available: list[Person] = []
    missing: list[dict[str, str]] = []
    for person in _qualified(problem, row):
        why = absences.get((person.id, row.day)) or elsewhere.get(person.id)
        if why is None:
            available.append(person)
        else:
            missing.append({"person": person.id, "name": person.label, **why})
    short = row.minimum - len(available)
    if short <= 0:
        return None
    who = f" {row.skill}" if row.skill else ""
    people = "person" if row.minimum == 1 else "people"
    absent = ", ".join(_absent_words(item) for item in missing)
    message = (
        f"{row.day} {row.shift} needs {row.minimum}{who} {people}, only {len(available)} available"
        + (f" ({absent})" if missing else "")
    )
    values: dict[str, ShortfallValue] = {
        "day": row.day.isoformat(),
        "shift": row.shift,
        "minimum": row.minimum,
        "available": len(available),
        "skill": row.skill,
        "absent": missing,
    }
    return Shortfall(
        "minimum_cover", row.day, row.shift, row.skill, short, message, None, "cover", values
    )


def day_shortfalls(problem: RosterProblem) -> list[Shortfall]:
    """One shift per person per day: the day's minimums must fit the available people."""
    absences = _absences(problem)
    needed: dict[date, int] = defaultdict(int)
    for row in problem.demand:
        if row.skill is None:
            needed[row.day] += row.minimum
    leader_shift = problem.rules.leader_per_day
    covered = {row.day for row in problem.demand if row.shift == leader_shift and not row.skill}
    if leader_shift is not None:
        for calendar_day in problem.days:
            needed[calendar_day.date] += calendar_day.date not in covered
    shortfalls: list[Shortfall] = []
    for day, count in sorted(needed.items()):
        available = sum((person.id, day) not in absences for person in problem.people)
        if available < count:
            message = f"{day} needs {count} people across all shifts, only {available} available"
            values: dict[str, ShortfallValue] = {
                "day": day.isoformat(),
                "minimum": count,
                "available": available,
            }
            short = count - available
            shortfalls.append(
                Shortfall(
                    "minimum_cover", day, None, None, short, message, None, "day_cover", values
                )
            )
    return shortfalls


def leader_shortfalls(problem: RosterProblem) -> list[Shortfall]:
    leader_shift = problem.rules.leader_per_day
    if leader_shift is None:
        return []
    rows = [Demand(day.date, leader_shift, 1, 1) for day in problem.days]
    found = [demand_shortfall(problem, row) for row in rows]
    return [
        replace(
            item,
            rule="leader_per_day",
            message=item.message.replace("person", "leader (带班领导)"),
            key="leader_cover",
            values={name: v for name, v in item.values.items() if name != "skill"},
        )
        for item in found
        if item is not None
    ]


def _slots_needed(problem: RosterProblem) -> dict[tuple[date, str], int]:
    """Distinct people each (day, shift) needs at least: the largest minimum of its rows,
    and one leader a day on the leader shift."""
    needed: dict[tuple[date, str], int] = defaultdict(int)
    for row in problem.demand:
        needed[(row.day, row.shift)] = max(needed[(row.day, row.shift)], row.minimum)
    leader_shift = problem.rules.leader_per_day
    if leader_shift is not None:
        for calendar_day in problem.days:
            key = (calendar_day.date, leader_shift)
            needed[key] = max(needed[key], 1)
    return {key: count for key, count in needed.items() if count > 0}


def _cap_shortfall(
    problem: RosterProblem,
    days: Sequence[date],
    caps: dict[str, int | None],
    by_minutes: bool,
    slots: dict[tuple[date, str], int],
    absences: set[tuple[str, date]],
) -> tuple[int, int, str | None] | None:
    """Work the minimums need on `days` (shifts, or minutes when `by_minutes`) versus what
    the eligible people can give within their cap (None: uncapped), one shift a day; first
    over all demanded shifts together, then per shift. (needed, possible, the one shift or
    None) of the first that fails."""
    shifts = {shift.id: shift for shift in problem.shifts}
    leader_shift = problem.rules.leader_per_day
    wanted = set(days)
    away = Counter(who for who, day in absences if day in wanted)
    needed = {key: n for key, n in slots.items() if key[0] in wanted}
    demanded = sorted({code for _, code in needed if code in shifts})

    def weight(code: str) -> int:
        return shifts[code].minutes if by_minutes else 1

    groups = [demanded] + ([[code] for code in demanded] if len(demanded) > 1 else [])
    for group in groups:
        need = sum(n * weight(code) for (_, code), n in needed.items() if code in group)
        can = 0
        for person in problem.people:
            eligible = [
                weight(code)
                for code in group
                if shift_is_eligible(person, shifts[code], leader_shift)
            ]
            if eligible:
                free_days = len(days) - away.get(person.id, 0)
                most, cap = free_days * max(eligible), caps.get(person.id)
                can += most if cap is None else min(most, cap)
        if need > can:
            return need, can, group[0] if len(group) == 1 else None
    return None


def _span(kind: str, days: Sequence[date]) -> tuple[str, dict[str, ShortfallValue]]:
    """The days a cap counts over ("period" or "week"): English words and values."""
    words = f"the period {days[0]}..{days[-1]}" if kind == "period" else f"the week of {days[0]}"
    return words, {"span": kind, "start": days[0].isoformat(), "end": days[-1].isoformat()}


def _shifts_short(
    rule: str, span: str, days: Sequence[date], limit: int, hit: tuple[int, int, str | None]
) -> Shortfall:
    need, can, shift = hit
    what, values = _span(span, days)
    scope = f" of shift {shift}" if shift else ""
    message = (
        f"{what} needs {need} shifts{scope} to meet the minimums, but the eligible people can"
        f" work at most {can} with {rule.replace('_', ' ')} {limit} ({need - can} shifts short)"
    )
    values |= {"shift": shift, "need": need, "can": can, "rule": rule, "limit": limit}
    values["short"] = need - can
    day = days[0] if span == "week" else None
    people = -(-(need - can) // limit)
    return Shortfall(rule, day, shift, None, people, message, None, "shifts_cap", values)


def _hours_short(days: Sequence[date], hit: tuple[int, int, str | None]) -> Shortfall:
    need, can, shift = hit
    what, values = _span("week", days)
    scope = f" on shift {shift}" if shift else ""
    message = (
        f"{what} needs {need / 60:g} hours{scope} to meet the minimums, but the eligible people"
        f" can work at most {can / 60:g} within their weekly hours cap"
        f" ({(need - can) / 60:g} hours short)"
    )
    hours = {"need": need, "can": can, "short": need - can}
    values |= {"shift": shift} | {name: round(n / 60, 2) for name, n in hours.items()}
    return Shortfall(
        "max_hours_per_week", days[0], shift, None, None, message, None, "hours_cap", values
    )


def cap_shortfalls(problem: RosterProblem) -> list[Shortfall]:
    """The per-period and per-week caps against the work the minimums need; people_short is
    how many more people at the cap it would take."""
    rules = problem.rules
    dates = [day.date for day in problem.days]
    if not dates:
        return []
    weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
    for day in dates:
        weeks[week_key(day)].append(day)
    slots, absences = _slots_needed(problem), set(_absences(problem))
    found: list[Shortfall] = []
    if rules.max_shifts_per_period is not None:
        limit = rules.max_shifts_per_period
        hit = _cap_shortfall(
            problem, dates, {p.id: limit for p in problem.people}, False, slots, absences
        )
        if hit is not None:
            found.append(_shifts_short("max_shifts_per_period", "period", dates, limit, hit))
    hour_caps = {p.id: weekly_hours_cap(p, rules.max_hours_per_week) for p in problem.people}
    minute_caps = {who: None if h is None else round(h * 60) for who, h in hour_caps.items()}
    for week in weeks.values():
        if rules.max_shifts_per_week is not None:
            limit = rules.max_shifts_per_week
            hit = _cap_shortfall(
                problem, week, {p.id: limit for p in problem.people}, False, slots, absences
            )
            if hit is not None:
                found.append(_shifts_short("max_shifts_per_week", "week", week, limit, hit))
        if any(cap is not None for cap in minute_caps.values()):
            hit = _cap_shortfall(problem, week, minute_caps, True, slots, absences)
            if hit is not None:
                found.append(_hours_short(week, hit))
    return found


def count_shortfalls(problem: RosterProblem) -> list[Shortfall]:
    """Cheap counting proof of infeasibility (empty when counting finds nothing)."""
    rows = [demand_shortfall(problem, row) for row in problem.demand]
    found = [item for item in rows if item is not None]
    return found + leader_shortfalls(problem) + day_shortfalls(problem) + cap_shortfalls(problem)


def describe_guard(guard: Guard, people: dict[str, Person]) -> Shortfall:
    """Turn one assumption group of an infeasible core into a planner-readable line."""
    who = people[guard.person].label if guard.person in people else guard.person
    day = guard.day.isoformat() if guard.day else None
    values: dict[str, ShortfallValue]
    if guard.rule in {"minimum_cover", "leader_per_day"}:
        skill = f" {guard.skill}" if guard.skill else ""
        what = f"{guard.day} {guard.shift}: at least {guard.minimum}{skill}"
        key = "core_cover"
        values = {"day": day, "shift": guard.shift, "minimum": guard.minimum, "skill": guard.skill}
    elif guard.rule == "fixed":
        what = f"{who} fixed to {guard.shift or 'day off'} on {guard.day}"
        key, values = "core_fixed", {"person": guard.person, "name": who, "day": day}
        values["shift"] = guard.shift
    else:
        what = f"{guard.rule.replace('_', ' ')} for {who}" + (
            f" (week of {guard.day})" if guard.day else ""
        )
        key, values = "core_rule", {"rule": guard.rule, "person": guard.person, "name": who}
        values["week"] = day
    message = f"{what} — cannot be met together with the other items listed"
    return Shortfall(
        guard.rule, guard.day, guard.shift, guard.skill, None, message, guard.person, key, values
    )


def core_shortfalls(problem: RosterProblem, *, time_limit_s: float) -> list[Shortfall]:
    """Name a sufficient set of hard-constraint groups that cannot all hold."""
    model = cp_model.CpModel()
    ctx = RosterModel(problem, model, build_variables(problem, model), explain=True)
    add_hard_rules(ctx)
    model.add_assumptions(list(ctx.guards.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit_s
    if solver.solve(model) != cp_model.INFEASIBLE:
        message = "the rules could not be proven contradictory within the time limit"
        return [Shortfall("unknown", None, None, None, None, message, key="not_proven")]
    by_index = {literal.index: guard for guard, literal in ctx.guards.items()}
    people = {person.id: person for person in problem.people}
    core = solver.sufficient_assumptions_for_infeasibility()
    return [describe_guard(by_index[index], people) for index in core if index in by_index]
