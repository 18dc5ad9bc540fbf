"""The database side of "who is on duty at t" and "who works which shift": the three layers
(published roster slots, overrides, approved swaps) read as plain values, and the questions
answered on them. The calculations themselves, and their precedence (roster, then
overrides, then approved swaps), are `oncall.resolve`.

Invariants:
- Only published rosters count, with their approved swaps; overrides count by day and unit.
- Layers are read for whole local days (`load_layers`: two days before the local day of `at`
  to one after), so a shift that began earlier and still runs is seen.
- Nothing here writes: no audit, no commit. A swap whose roster slot is gone is a `Conflict`
  (`shift_of`).
- `on_duty_slots` given `layers` answers from exactly those (`load_layers` at the same
  instant and unit), so a caller asking several questions at one instant reads them once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.errors import Conflict
from oncall.change_models import OncallOverride, SwapRequestRow, SwapStatus
from oncall.models import Person, PersonSkill
from oncall.resolve import Override, Slot, Swap, effective_slots, shift_interval, worked_slots
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType


def _published_roster_ids(
    session: Session, start: date, end: date, unit_id: int | None = None
) -> list[int]:
    """Published rosters whose period overlaps `start`..`end` (of one unit, if given)."""
    query = select(Roster.id).where(
        Roster.status == RosterStatus.published,
        Roster.period_start <= end,
        Roster.period_end >= start,
    )
    if unit_id is not None:
        query = query.where(Roster.unit_id == unit_id)
    return [roster_id for roster_id in session.exec(query).all() if roster_id is not None]


def worked_between(
    session: Session,
    *,
    start: date,
    end: date,
    tz: ZoneInfo,
    unit_id: int | None = None,
    person_id: int | None = None,
    with_swaps: bool = True,
) -> list[Slot]:
    """The shifts starting on local days `start`..`end` as they are worked (published roster,
    then overrides, then approved swaps: `resolve.worked_slots`), of one unit and one person
    if given. `with_swaps=False` stops after the overrides."""
    slots, overrides, swaps = _layers_between(
        session, start=start - timedelta(days=1), end=end, tz=tz, unit_id=unit_id
    )
    return [
        s
        for s in worked_slots(slots, overrides, swaps if with_swaps else [])
        if (person_id is None or s.person_id == person_id)
        and start <= s.start.astimezone(tz).date() <= end
    ]


def shift_of(session: Session, roster_id: int, person_id: int, day: date) -> ShiftType:
    row = session.exec(
        select(ShiftType)
        .join(RosterAssignment, col(RosterAssignment.shift_type_id) == ShiftType.id)
        .where(
            RosterAssignment.roster_id == roster_id,
            RosterAssignment.person_id == person_id,
            RosterAssignment.day == day,
        )
    ).first()
    if row is None:
        raise Conflict("the roster changed since the swap was requested")
    return row


Layers = tuple[list[Slot], list[Override], list[Swap]]


def load_layers(
    session: Session, *, at: datetime, tz: ZoneInfo, unit_id: int | None = None
) -> Layers:
    """The roster slots, overrides and approved swaps around `at` (two days before to one
    after its local day), of one unit if given, read as plain columns: a dispatcher pass
    reads them for every incident it advances."""
    local_day = at.astimezone(tz).date()
    return _layers_between(
        session,
        start=local_day - timedelta(days=2),
        end=local_day + timedelta(days=1),
        tz=tz,
        unit_id=unit_id,
    )


def _layers_between(
    session: Session, *, start: date, end: date, tz: ZoneInfo, unit_id: int | None = None
) -> Layers:
    """The layers of shifts starting on local days `start`..`end` (of one unit, if given)."""
    roster_ids = _published_roster_ids(session, start, end, unit_id)
    rows = session.execute(
        sa_select(
            col(RosterAssignment.day),
            col(RosterAssignment.person_id),
            col(ShiftType.unit_id),
            col(ShiftType.code),
            col(ShiftType.role),
            col(ShiftType.start_time),
            col(ShiftType.end_time),
        )
        .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
        .where(col(RosterAssignment.roster_id).in_(roster_ids))
        .where(col(RosterAssignment.day) >= start, col(RosterAssignment.day) <= end)
    ).all()
    intervals: dict[tuple[date, time, time], tuple[datetime, datetime]] = {}
    slots = []
    for day, person_id, shift_unit, code, role, begins, ends in rows:
        key = (day, begins, ends)
        if key not in intervals:
            intervals[key] = shift_interval(day, begins, ends, tz)
        slots.append(Slot(person_id, code, role.value, *intervals[key], unit_id=shift_unit))
    override_query = (
        select(OncallOverride, ShiftType)
        .join(ShiftType, col(ShiftType.id) == OncallOverride.shift_type_id)
        .where(OncallOverride.day >= start, OncallOverride.day <= end)
    )
    if unit_id is not None:
        override_query = override_query.where(ShiftType.unit_id == unit_id)
    overrides = [
        Override(
            shift.code,
            o.start_at,
            o.end_at,
            o.covering_person_id,
            o.original_person_id,
            role=shift.role.value,
            unit_id=shift.unit_id,
        )
        for o, shift in session.exec(override_query.order_by(col(OncallOverride.id))).all()
    ]
    swaps = []
    for swap in session.exec(
        select(SwapRequestRow)
        .where(
            SwapRequestRow.status == SwapStatus.approved,
            col(SwapRequestRow.roster_id).in_(roster_ids),
            or_(
                and_(col(SwapRequestRow.a_day) >= start, col(SwapRequestRow.a_day) <= end),
                and_(col(SwapRequestRow.b_day) >= start, col(SwapRequestRow.b_day) <= end),
            ),
        )
        .order_by(col(SwapRequestRow.id))
    ).all():
        a_shift = shift_of(session, swap.roster_id, swap.a_person_id, swap.a_day)
        b_shift = shift_of(session, swap.roster_id, swap.b_person_id, swap.b_day)
        swaps.append(
            Swap(
                swap.a_person_id,
                a_shift.code,
                shift_interval(swap.a_day, a_shift.start_time, a_shift.end_time, tz)[0],
                swap.b_person_id,
                b_shift.code,
                shift_interval(swap.b_day, b_shift.start_time, b_shift.end_time, tz)[0],
            )
        )
    return slots, overrides, swaps


def on_duty_slots(
    session: Session,
    *,
    at: datetime,
    tz: ZoneInfo,
    unit_id: int | None = None,
    role: str | None = None,
    skill: str | None = None,
    layers: Layers | None = None,
) -> list[Slot]:
    """The effective slots at `at`, filtered by shift role and by a skill the person holds.
    `layers`, when given, must be `load_layers` at the same instant and unit (a caller that
    asks several questions at one instant reads them once)."""
    if layers is None:
        layers = load_layers(session, at=at, tz=tz, unit_id=unit_id)
    slots, overrides, swaps = layers
    active = [
        s for s in effective_slots(slots, overrides, swaps, at) if role is None or s.role == role
    ]
    if skill is not None:
        holders = set(
            session.exec(select(PersonSkill.person_id).where(PersonSkill.skill_code == skill)).all()
        )
        active = [s for s in active if s.person_id in holders]
    return sorted(active, key=lambda s: (s.role, s.person_id))


def people_by_id(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    return {
        p.id: p
        for p in session.exec(select(Person).where(col(Person.id).in_(list(ids))))
        if p.id is not None
    }
