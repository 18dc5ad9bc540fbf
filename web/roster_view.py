"""The roster as a grid (people × days): shared by the roster page, the print view and the
Excel export. Pure assembly of what the service returns; no database access here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core.workcal import DayKind, WorkingCalendar
from oncall.models import Person
from oncall.roster_models import Roster, ShiftRole, ShiftType
from scheduler import roster_problem as rp

PALETTE = 8  # shift colours c0..c7 in app.css and export.py


@dataclass(frozen=True)
class GridDay:
    day: date
    kind: DayKind
    holiday_name: str | None
    # the calendar has no official data for the day: its kind is an estimate (no notice loaded)
    estimated: bool = False


@dataclass(frozen=True)
class GridShift:
    code: str
    name: str
    short: str
    colour: int
    role: ShiftRole
    start: str
    end: str


@dataclass
class RosterGrid:
    roster: Roster
    days: list[GridDay]
    shifts: dict[str, GridShift]
    people: list[Person]
    cells: dict[tuple[int, date], str]
    leaders: dict[date, list[str]]
    changed: set[tuple[int, date]] = field(default_factory=set)
    totals: dict[int, dict[str, Any]] = field(default_factory=dict)
    # cells that approved swaps or overrides changed: the solver's shift code there ("" none)
    adjusted: dict[tuple[int, date], str] = field(default_factory=dict)

    def cell(self, person_id: int, day: date) -> GridShift | None:
        code = self.cells.get((person_id, day))
        return self.shifts.get(code) if code else None

    def count(self, day: date, code: str) -> int:
        return sum(1 for (_, d), c in self.cells.items() if d == day and c == code)

    @property
    def estimated(self) -> tuple[date, date] | None:
        """The first and last day of the period whose kind the calendar only estimates."""
        days = [d.day for d in self.days if d.estimated]
        return (days[0], days[-1]) if days else None


def period_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def grid_shifts(shift_types: list[ShiftType]) -> dict[str, GridShift]:
    return {
        s.code: GridShift(
            code=s.code,
            name=s.name,
            short=s.name[:1] or s.code[:1],
            colour=index % PALETTE,
            role=s.role,
            start=s.start_time.strftime("%H:%M"),
            end=s.end_time.strftime("%H:%M"),
        )
        for index, s in enumerate(shift_types)
    }


#: The figures of the totals counted over the period; each has a running `<key>_with_history`
#: for the night, weekend and holiday counts.
_COUNTED = ("nights", "weekends", "holidays")


def worked_totals(
    stored: dict[int, dict[str, Any]],
    cells: dict[tuple[int, date], str],
    shift_types: list[ShiftType],
    days: list[GridDay],
) -> dict[int, dict[str, Any]]:
    """The totals of the shifts as worked (`cells`), so the table agrees with the grid after a
    cover or a swap: the solver's `stored` figures counted its plan. The year-to-date history
    they include (`x_with_history - x`) is kept; someone the solver did not count has none."""
    if not stored:
        return {}
    by_code = {s.code: s for s in shift_types}
    kinds = {d.day: d.kind for d in days}
    shifts_of: dict[int, list[tuple[date, ShiftType]]] = {person: [] for person in stored}
    for (person, day), code in cells.items():
        shifts_of.setdefault(person, [])
        if code in by_code:
            shifts_of[person].append((day, by_code[code]))
    totals: dict[int, dict[str, Any]] = {}
    for person, worked in shifts_of.items():
        hours = (rp.ShiftType(s.code, s.start_time, s.end_time).hours for _, s in worked)
        figures: dict[str, Any] = {
            "shifts": len(worked),
            "hours": sum(hours, 0.0),
            "nights": sum(1 for _, s in worked if s.is_night),
            "weekends": sum(1 for day, _ in worked if kinds.get(day) is DayKind.WEEKEND),
            "holidays": sum(1 for day, _ in worked if kinds.get(day) is DayKind.HOLIDAY),
        }
        planned = stored.get(person, {})
        for key in _COUNTED:
            history = planned.get(f"{key}_with_history", 0) - planned.get(key, 0)
            figures[f"{key}_with_history"] = figures[key] + history
        totals[person] = figures
    return totals


def build_grid(
    *,
    roster: Roster,
    assignments: list[rp.Assignment],
    shift_types: list[ShiftType],
    people: dict[int, Person],
    calendar: WorkingCalendar,
    totals: dict[str, dict[str, Any]],
    leader_code: str | None,
    added: list[rp.Assignment] | None = None,
    planned: list[rp.Assignment] | None = None,
) -> RosterGrid:
    """`assignments` are what the grid shows (as worked); `planned`, if given, the version's
    own assignments, so cells that differ are marked with what was planned there."""
    shifts = grid_shifts(shift_types)
    leader_codes = {leader_code} if leader_code else set()
    leader_codes |= {code for code, s in shifts.items() if s.role is ShiftRole.leader}
    cells = {(int(a.person), a.day): a.shift for a in assignments}
    plan = cells if planned is None else {(int(a.person), a.day): a.shift for a in planned}
    adjusted = {
        k: plan.get(k, "") for k in cells.keys() | plan.keys() if cells.get(k) != plan.get(k)
    }
    leaders: dict[date, list[str]] = {}
    for a in assignments:
        if a.shift in leader_codes and int(a.person) in people:
            leaders.setdefault(a.day, []).append(people[int(a.person)].name)
    ids = {int(p) for p in totals} | {pid for pid, _ in cells} | {pid for pid, _ in adjusted}
    rows = sorted((people[i] for i in ids if i in people), key=lambda p: p.id or 0)
    days = []
    for day in period_days(roster.period_start, roster.period_end):
        info = calendar.day_info(day)
        # a confirmed year's days are official, overridden or not (the notice is entered)
        estimated = not calendar.has_official_data(day.year)
        days.append(GridDay(day, info.kind, info.name, estimated))
    return RosterGrid(
        roster=roster,
        days=days,
        shifts=shifts,
        people=rows,
        cells=cells,
        leaders=leaders,
        changed={(int(a.person), a.day) for a in added or []},
        totals=worked_totals({int(k): v for k, v in totals.items()}, cells, shift_types, days),
        adjusted=adjusted,
    )
