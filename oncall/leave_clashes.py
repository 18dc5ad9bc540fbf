"""Leave against the published plan: the shifts a person on leave is still down to work.

Recording leave does not change a published roster (a repair does, `rosters.start_repair`),
so the planner is told which shifts of which published roster fall in the leave, as the
person works them (roster, overrides, approved swaps: `layers.worked_between`), to repair.

Invariants: nothing here writes; only published rosters count; a shift is the leave's when it
starts on one of its local days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from oncall import layers
from oncall.roster_models import Roster, RosterStatus, ShiftType


@dataclass(frozen=True)
class LeaveClash:
    """One shift a person on leave is down to work, and the published roster it belongs to
    (the one to repair)."""

    roster_id: int
    version: int
    day: date
    shift_type_id: int
    shift: str


@dataclass(frozen=True)
class LeaveSpan:
    """A person's local days `start`..`end` (a leave item from today on)."""

    person_id: int
    start: date
    end: date


def shifts_during(
    session: Session, *, person_id: int, start: date, end: date, tz: ZoneInfo
) -> list[LeaveClash]:
    """The shifts `person_id` works on the local days `start`..`end` on published rosters,
    by day."""
    return shifts_during_each(session, [LeaveSpan(person_id, start, end)], tz=tz)[0]


def shifts_during_each(
    session: Session, spans: Sequence[LeaveSpan], *, tz: ZoneInfo
) -> list[list[LeaveClash]]:
    """`shifts_during` for each span, in order, reading the plan once for all of them (a
    page lists every leave item from today on)."""
    if not spans:
        return []
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    slots = layers.worked_between(session, start=first, end=last, tz=tz)
    people = {s.person_id for s in spans}
    slots = [slot for slot in slots if slot.person_id in people]
    if not slots:
        return [[] for _ in spans]
    published = session.exec(
        select(Roster).where(
            Roster.status == RosterStatus.published,
            Roster.period_start <= last,
            Roster.period_end >= first,
        )
    ).all()
    shift_types = {(s.unit_id, s.code): s for s in session.exec(select(ShiftType)).all()}
    worked = []
    for slot in slots:
        day = slot.start.astimezone(tz).date()
        shift = shift_types.get((slot.unit_id or 0, slot.shift_code))
        roster = next(
            (
                r
                for r in published
                if r.unit_id == slot.unit_id and r.period_start <= day <= r.period_end
            ),
            None,
        )
        if shift is None or shift.id is None or roster is None or roster.id is None:
            continue
        clash = LeaveClash(roster.id, roster.version, day, shift.id, shift.name)
        worked.append((slot.person_id, clash))
    return [
        sorted(
            (
                c
                for person, c in worked
                if person == span.person_id and span.start <= c.day <= span.end
            ),
            key=lambda c: (c.day, c.shift),
        )
        for span in spans
    ]


def repair_path(clash: LeaveClash, *, person_id: int, start: date, end: date, reason: str) -> str:
    """The roster page with its repair form filled in for this leave (the person, its days,
    its reason)."""
    query = urlencode(
        {
            "repair_person": person_id,
            "repair_start": start.isoformat(),
            "repair_end": end.isoformat(),
            "repair_reason": reason,
        }
    )
    return f"/rosters/{clash.roster_id}?{query}#sick-form"
