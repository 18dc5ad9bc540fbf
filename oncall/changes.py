"""Changes to a published roster: overrides (someone covers a slot) and swaps between two
people, each checked against the hard rules before it takes effect; and the database side of
"who is on duty at t" (the calculation itself is `oncall.resolve`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, NotFound, ValidationFailed
from oncall import directory
from oncall.models import Person, PersonSkill
from oncall.problem_builder import load_rules, shift_roles_of
from oncall.resolve import Override, Slot, Swap, effective_slots, shift_interval
from oncall.roster_models import (
    Leave,
    OncallOverride,
    OverrideCreate,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
    SwapCreate,
    SwapRequestRow,
    SwapStatus,
)


def _person(session: Session, person_id: int, field: str) -> Person:
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        raise ValidationFailed(field, f"person {person_id} does not exist or is archived")
    return person


def _on_leave(session: Session, person_id: int, day: date) -> bool:
    return (
        session.exec(
            select(Leave.id).where(
                Leave.person_id == person_id, Leave.start_date <= day, Leave.end_date >= day
            )
        ).first()
        is not None
    )


def _may_work(session: Session, person_id: int, shift: ShiftType) -> bool:
    return shift.role.value in shift_roles_of(directory.roles_of(session, person_id))


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


def _worked(session: Session, person_id: int, start: date, end: date) -> dict[date, ShiftType]:
    roster_ids = _published_roster_ids(session, start, end)
    rows = session.exec(
        select(RosterAssignment, ShiftType)
        .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
        .where(col(RosterAssignment.roster_id).in_(roster_ids))
        .where(RosterAssignment.person_id == person_id)
        .where(RosterAssignment.day >= start, RosterAssignment.day <= end)
    ).all()
    return {assignment.day: shift for assignment, shift in rows}


def check_rest(
    plan: dict[date, ShiftType], *, min_rest_hours: float | None, tz: ZoneInfo
) -> str | None:
    """A reason if consecutive shifts of one person overlap or leave too little rest."""
    intervals = sorted(
        (shift_interval(day, s.start_time, s.end_time, tz), day) for day, s in plan.items()
    )
    for ((_, end), first), ((start, _), second) in zip(intervals, intervals[1:], strict=False):
        gap = (start - end).total_seconds() / 3600
        if gap < 0:
            return f"shifts on {first} and {second} overlap"
        if min_rest_hours is not None and gap < min_rest_hours:
            return f"only {gap:g} h rest between {first} and {second} (minimum {min_rest_hours:g})"
    return None


def _check_takes(
    session: Session,
    *,
    person_id: int,
    day: date,
    shift: ShiftType,
    field: str,
    tz: ZoneInfo,
    giving_up: date | None = None,
) -> None:
    if not _may_work(session, person_id, shift):
        raise ValidationFailed(field, f"person {person_id} may not work {shift.role.value} shifts")
    if _on_leave(session, person_id, day):
        raise ValidationFailed(field, f"person {person_id} is on leave on {day}")
    plan = _worked(session, person_id, day - timedelta(days=2), day + timedelta(days=2))
    if giving_up is not None:
        plan.pop(giving_up, None)
    if day in plan:
        raise ValidationFailed(field, f"person {person_id} already works on {day}")
    plan[day] = shift
    reason = check_rest(
        plan, min_rest_hours=load_rules(session, shift.unit_id).min_rest_hours, tz=tz
    )
    if reason:
        raise ValidationFailed(field, reason)


def create_override(
    session: Session, *, data: OverrideCreate, actor: str, now: datetime, tz: ZoneInfo
) -> OncallOverride:
    shift = session.get(ShiftType, data.shift_type_id)
    if shift is None:
        raise ValidationFailed("shift_type_id", f"shift type {data.shift_type_id} does not exist")
    _person(session, data.covering_person_id, "covering_person_id")
    if data.original_person_id is not None:
        _person(session, data.original_person_id, "original_person_id")
        worked = _worked(session, data.original_person_id, data.day, data.day)
        if worked.get(data.day) is None or worked[data.day].id != shift.id:
            raise ValidationFailed(
                "original_person_id", f"person {data.original_person_id} does not work this slot"
            )
    _check_takes(
        session,
        person_id=data.covering_person_id,
        day=data.day,
        shift=shift,
        field="covering_person_id",
        tz=tz,
    )
    start, end = shift_interval(data.day, shift.start_time, shift.end_time, tz)
    override = OncallOverride(
        **data.model_dump(), start_at=start, end_at=end, created_by=actor, created_at=now
    )
    session.add(override)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="override.create",
        entity_type="roster",
        entity_id=f"override:{override.id}",
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return override


def request_swap(
    session: Session, *, data: SwapCreate, actor: str, now: datetime
) -> SwapRequestRow:
    roster = session.get(Roster, data.roster_id)
    if roster is None or roster.status is not RosterStatus.published:
        raise ValidationFailed("roster_id", "swaps apply to a published roster")
    for person_field, day_field in (("a_person_id", "a_day"), ("b_person_id", "b_day")):
        person_id, day = getattr(data, person_field), getattr(data, day_field)
        _person(session, person_id, person_field)
        if (
            session.exec(
                select(RosterAssignment).where(
                    RosterAssignment.roster_id == roster.id,
                    RosterAssignment.person_id == person_id,
                    RosterAssignment.day == day,
                )
            ).first()
            is None
        ):
            raise ValidationFailed(day_field, f"person {person_id} has no shift on {day}")
    if data.a_person_id == data.b_person_id:
        raise ValidationFailed("b_person_id", "a swap needs two different people")
    swap = SwapRequestRow(
        **data.model_dump(), status=SwapStatus.pending, requested_by=actor, requested_at=now
    )
    session.add(swap)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="swap.request",
        entity_type="roster",
        entity_id=roster.id,
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return swap


def get_swap(session: Session, *, swap_id: int) -> SwapRequestRow:
    swap = session.get(SwapRequestRow, swap_id)
    if swap is None:
        raise NotFound(f"swap request {swap_id} not found")
    return swap


def list_swaps(session: Session, *, status: SwapStatus | None = None) -> list[SwapRequestRow]:
    query = select(SwapRequestRow).order_by(col(SwapRequestRow.id).desc())
    if status is not None:
        query = query.where(SwapRequestRow.status == status)
    return list(session.exec(query).all())


def _shift_of(session: Session, roster_id: int, person_id: int, day: date) -> ShiftType:
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


def decide_swap(
    session: Session, *, swap_id: int, approve: bool, actor: str, now: datetime, tz: ZoneInfo
) -> SwapRequestRow:
    swap = get_swap(session, swap_id=swap_id)
    if swap.status is not SwapStatus.pending:
        raise Conflict(f"the swap request is already {swap.status.value}")
    if approve:
        a_shift = _shift_of(session, swap.roster_id, swap.a_person_id, swap.a_day)
        b_shift = _shift_of(session, swap.roster_id, swap.b_person_id, swap.b_day)
        _check_takes(
            session,
            person_id=swap.a_person_id,
            day=swap.b_day,
            shift=b_shift,
            field="a_person_id",
            tz=tz,
            giving_up=swap.a_day,
        )
        _check_takes(
            session,
            person_id=swap.b_person_id,
            day=swap.a_day,
            shift=a_shift,
            field="b_person_id",
            tz=tz,
            giving_up=swap.b_day,
        )
    swap.status = SwapStatus.approved if approve else SwapStatus.rejected
    swap.decided_by, swap.decided_at = actor, now
    session.add(swap)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"swap.{swap.status.value}",
        entity_type="roster",
        entity_id=swap.roster_id,
        after={"swap_id": swap.id, "status": swap.status.value},
    )
    session.commit()
    return swap


# ---- who is on duty ------------------------------------------------------------------------------


Layers = tuple[list[Slot], list[Override], list[Swap]]


def load_layers(
    session: Session, *, at: datetime, tz: ZoneInfo, unit_id: int | None = None
) -> Layers:
    """The roster slots, overrides and approved swaps around `at` (two days before to one
    after its local day), read as plain columns: a dispatcher pass reads them for every
    incident it advances."""
    local_day = at.astimezone(tz).date()
    start, end = local_day - timedelta(days=2), local_day + timedelta(days=1)
    roster_ids = _published_roster_ids(session, start, end, unit_id)
    rows = session.execute(
        sa_select(
            col(RosterAssignment.day),
            col(RosterAssignment.person_id),
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
    for day, person_id, code, role, begins, ends in rows:
        key = (day, begins, ends)
        if key not in intervals:
            intervals[key] = shift_interval(day, begins, ends, tz)
        slots.append(Slot(person_id, code, role.value, *intervals[key]))
    overrides = [
        Override(shift.code, o.start_at, o.end_at, o.covering_person_id, o.original_person_id)
        for o, shift in session.exec(
            select(OncallOverride, ShiftType)
            .join(ShiftType, col(ShiftType.id) == OncallOverride.shift_type_id)
            .where(OncallOverride.day >= start, OncallOverride.day <= end)
        ).all()
    ]
    swaps = []
    for swap in session.exec(
        select(SwapRequestRow).where(
            SwapRequestRow.status == SwapStatus.approved,
            col(SwapRequestRow.roster_id).in_(roster_ids),
        )
    ).all():
        a_shift = _shift_of(session, swap.roster_id, swap.a_person_id, swap.a_day)
        b_shift = _shift_of(session, swap.roster_id, swap.b_person_id, swap.b_day)
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
