"""Roster gaps in the coming weeks, a duty-side signal for early warning.

For each day of the coming `days` covered by a published roster (the latest publication of
the unit for that day), the people on each shift after approved swaps and overrides, minus
those on leave or inactive, are compared with the unit's demand (minimum, and the minimum
holding a demanded skill). A day no published roster covers, before a later published roster
of the unit (a gap between versions), has nobody on any shift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from complaints import warning_keys
from complaints.candidates import Candidate
from complaints.detect import WarningLevel, days_between
from core.workcal import WorkingCalendar
from oncall.change_models import OncallOverride, SwapRequestRow, SwapStatus
from oncall.models import Person, PersonSkill, Unit
from oncall.roster_models import (
    DemandDayKind,
    DemandTemplate,
    Leave,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
)


@dataclass(frozen=True)
class ShiftGap:
    unit_id: int
    unit_name: str
    day: date
    shift_code: str
    shift_name: str
    skill: str | None
    required: int
    staffed: int
    people: tuple[str, ...]
    away: tuple[str, ...]  # assigned but on leave or inactive


_DEMAND_KIND = {
    "workday": DemandDayKind.workday,
    "weekend": DemandDayKind.weekend,
    "holiday": DemandDayKind.holiday,
    "makeup_workday": DemandDayKind.makeup_workday,
}


def _effective(
    session: Session, rosters: list[Roster], start: date, end: date
) -> dict[tuple[int, date, int], set[int]]:
    """(roster id, day, shift type id) → people, after approved swaps and overrides."""
    ids = [r.id for r in rosters]
    staffed: dict[tuple[int, date, int], set[int]] = defaultdict(set)
    shift_of: dict[tuple[int, int, date], int] = {}
    for a in session.exec(
        select(RosterAssignment).where(
            col(RosterAssignment.roster_id).in_(ids),
            col(RosterAssignment.day) >= start,
            col(RosterAssignment.day) <= end,
        )
    ).all():
        staffed[(a.roster_id, a.day, a.shift_type_id)].add(a.person_id)
        shift_of[(a.roster_id, a.person_id, a.day)] = a.shift_type_id
    for swap in session.exec(
        select(SwapRequestRow).where(
            col(SwapRequestRow.roster_id).in_(ids), SwapRequestRow.status == SwapStatus.approved
        )
    ).all():
        for giver, taker, day in (
            (swap.a_person_id, swap.b_person_id, swap.a_day),
            (swap.b_person_id, swap.a_person_id, swap.b_day),
        ):
            shift = shift_of.get((swap.roster_id, giver, day))
            if shift is not None:
                people = staffed[(swap.roster_id, day, shift)]
                people.discard(giver)
                people.add(taker)
    roster_of_day = {
        (r.unit_id, d): r.id for r in rosters for d in days_between(r.period_start, r.period_end)
    }
    unit_of_shift = dict(session.exec(select(ShiftType.id, ShiftType.unit_id)).all())
    for o in session.exec(
        select(OncallOverride).where(OncallOverride.day >= start, OncallOverride.day <= end)
    ).all():
        roster_id = roster_of_day.get((unit_of_shift.get(o.shift_type_id, 0), o.day))
        if roster_id is None:
            continue
        people = staffed[(roster_id, o.day, o.shift_type_id)]
        if o.original_person_id is not None:
            people.discard(o.original_person_id)
        people.add(o.covering_person_id)
    return staffed


def roster_gaps(
    session: Session, *, today: date, days: int, calendar: WorkingCalendar
) -> list[ShiftGap]:
    end = today + timedelta(days=days - 1)
    rosters = list(
        session.exec(
            select(Roster)
            .where(Roster.status == RosterStatus.published)
            .where(Roster.period_start <= end, Roster.period_end >= today)
            .order_by(col(Roster.unit_id), col(Roster.published_at))
        ).all()
    )
    latest: dict[tuple[int, date], Roster | None] = {}
    for roster in rosters:  # a later publication covers the same days of the unit
        for day in days_between(max(roster.period_start, today), min(roster.period_end, end)):
            latest[(roster.unit_id, day)] = roster
    # a day no published roster covers, before a later one of its unit: nobody is on duty
    later = session.exec(
        select(Roster.unit_id, func.max(Roster.period_start))
        .where(Roster.status == RosterStatus.published, Roster.period_start > today)
        .group_by(col(Roster.unit_id))
    ).all()
    for unit_id, last_start in later:
        for day in days_between(today, min(last_start - timedelta(days=1), end)):
            latest.setdefault((unit_id, day), None)
    if not latest:
        return []
    staffed = _effective(session, rosters, today, end)
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    shifts = {s.id: s for s in session.exec(select(ShiftType)).all()}
    demand: dict[int, list[DemandTemplate]] = defaultdict(list)
    for template in session.exec(select(DemandTemplate)).all():
        demand[template.unit_id].append(template)
    leave = session.exec(
        select(Leave).where(Leave.start_date <= end, Leave.end_date >= today)
    ).all()
    people = {p.id: p for p in session.exec(select(Person)).all()}
    skills: dict[int, set[str]] = defaultdict(set)
    for person_id, code in session.exec(
        select(PersonSkill.person_id, PersonSkill.skill_code)
    ).all():
        skills[person_id].add(code)
    gaps = []
    for (unit_id, day), in_force in sorted(
        latest.items(), key=lambda item: (item[0][1], item[0][0])
    ):
        kind = _DEMAND_KIND[calendar.day_kind(day).value]
        away = {x.person_id for x in leave if x.start_date <= day <= x.end_date}
        for template in demand.get(unit_id, []):
            if template.day_kind not in (DemandDayKind.any, kind) or template.minimum <= 0:
                continue
            assigned = (
                staffed.get((in_force.id, day, template.shift_type_id), set())
                if in_force is not None and in_force.id is not None
                else set()
            )
            present = {
                p for p in assigned if p not in away and people.get(p) and people[p].is_active
            }
            if template.skill:
                present = {p for p in present if template.skill in skills[p]}
            if len(present) >= template.minimum:
                continue
            shift = shifts[template.shift_type_id]
            gaps.append(
                ShiftGap(
                    unit_id=unit_id,
                    unit_name=units[unit_id].name if unit_id in units else str(unit_id),
                    day=day,
                    shift_code=shift.code,
                    shift_name=shift.name,
                    skill=template.skill,
                    required=template.minimum,
                    staffed=len(present),
                    people=tuple(sorted(people[p].name for p in present if p in people)),
                    away=tuple(sorted(people[p].name for p in assigned - present if p in people)),
                )
            )
    return gaps


def gap_level(days_ahead: int) -> WarningLevel:
    if days_ahead <= 1:
        return WarningLevel.red
    if days_ahead <= 3:
        return WarningLevel.orange
    if days_ahead <= 7:
        return WarningLevel.yellow
    return WarningLevel.blue


def _gap_values(gap: ShiftGap) -> dict[str, Any]:
    """A gap as a warning's values say it (complaints.warning_keys: roster_gap's `gaps`)."""
    return {
        "shift": gap.shift_code,
        "shift_name": gap.shift_name,
        "skill": gap.skill,
        "required": gap.required,
        "staffed": gap.staffed,
        "away": list(gap.away),
    }


def roster_gap_candidates(
    session: Session, *, now: datetime, tz: ZoneInfo, days: int, calendar: WorkingCalendar
) -> list[Candidate]:
    today = now.astimezone(tz).date()
    by_day: dict[tuple[int, date], list[ShiftGap]] = defaultdict(list)
    for gap in roster_gaps(session, today=today, days=days, calendar=calendar):
        by_day[(gap.unit_id, gap.day)].append(gap)
    found = []
    changed = _last_change(session)
    for (unit_id, day), gaps in sorted(by_day.items()):
        values = {
            "unit": unit_id,
            "unit_name": gaps[0].unit_name,
            "day": day.isoformat(),
            "gaps": [_gap_values(g) for g in gaps],
        }
        title, text = warning_keys.worded_zh("roster_gap", values)
        found.append(
            Candidate(
                key=f"roster_gap:{unit_id}:{day.isoformat()}",
                dimension="roster_gap",
                subject=f"{unit_id}:{day.isoformat()}",
                label=gaps[0].unit_name,
                level=gap_level((day - today).days),
                title=title,
                summary=text,
                wording_key="roster_gap",
                values=values,
                occurred_at=min(changed, now),
                evidence={
                    "day": day.isoformat(),
                    "unit_id": unit_id,
                    "gaps": [_gap_values(g) | {"people": list(g.people)} for g in gaps],
                },
                observed=sum(g.staffed for g in gaps),
                expected=float(sum(g.required for g in gaps)),
                window_start=day,
                window_end=day,
            )
        )
    return found


def _last_change(session: Session) -> datetime:
    """The latest change that can open a roster gap (publication, leave, override, swap)."""
    instants = [
        session.exec(select(func.max(Roster.published_at))).one(),
        session.exec(select(func.max(Leave.created_at))).one(),
        session.exec(select(func.max(OncallOverride.created_at))).one(),
        session.exec(select(func.max(SwapRequestRow.decided_at))).one(),
    ]
    found = [i for i in instants if i is not None]
    return max(found) if found else datetime(2000, 1, 1, tzinfo=UTC)
