"""Planner inputs: shift types, rules and leave (demand: `oncall.demand`; wishes:
`oncall.wishes`).

A shift type used by a published roster keeps its code, times, night flag and role (on-call,
iCal and rest checks read them for that roster); it can be renamed or retired (is_active
false: no longer planned). Changes of an unused one apply to rosters generated afterwards. A
unit's shift types differ in code and in name. The unit's leader shift cannot be retired or
recoded while the rules name it, nor a shift type recoded while a forbidden succession names
it; the rules name only shift types of their unit.

Shift types, demand and rules take turns (`INPUTS_LOCK`, to the commit), each checked on what
the one before left: two planners changing one demand's minimum and preferred at once could
leave preferred below minimum, one setting the leader shift while another retired it left
rules naming a retired shift, and two first saves of a unit's rules, or one new shift code,
met the unique key (a bare 409).

Leave changes who may work what, so recording it takes the duty plan's turn
(`oncall.changes.lock_plan`) like publications, overrides and swap decisions, each of which refuses
work during leave: two instances cannot record leave and accept work on that day at once."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from core import audit
from core.db import advisory_lock
from core.errors import Conflict, FieldError, NotFound, ValidationFailed, taken
from core.preconditions import check_if_match
from oncall.changes import lock_plan
from oncall.models import Person, Unit
from oncall.roster_models import (
    MAX_LEAVE_DAYS,
    Leave,
    LeaveCreate,
    LeaveUpdate,
    Roster,
    RosterAssignment,
    RosterStatus,
    RulesConfig,
    ShiftType,
    ShiftTypeCreate,
    ShiftTypeUpdate,
    UnitRules,
)

INPUTS_LOCK = "planner inputs"

#: What a published roster's shifts mean: fixed while a published roster uses the type.
FIXED_WHEN_PUBLISHED = ("code", "start_time", "end_time", "is_night", "role")
FIXED_REASON = "fixed while a published roster uses the shift type"


def _unit(session: Session, unit_id: int, field: str = "unit_id") -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationFailed.absent(field, "unit", unit_id)
    return unit


def _person(session: Session, person_id: int, field: str = "person_id") -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationFailed.absent(field, "person", person_id)
    return person


def list_shift_types(session: Session, *, unit_id: int | None = None) -> list[ShiftType]:
    query = select(ShiftType).order_by(col(ShiftType.unit_id), col(ShiftType.start_time))
    if unit_id is not None:
        query = query.where(ShiftType.unit_id == unit_id)
    return list(session.exec(query).all())


def _check_unique(
    session: Session, *, unit_id: int, field: str, value: str, other_than: int | None = None
) -> None:
    """A unit's shift types differ in code and in name (pages and exports show the name)."""
    query = select(ShiftType.id).where(
        ShiftType.unit_id == unit_id, getattr(ShiftType, field) == value
    )
    if other_than is not None:
        query = query.where(ShiftType.id != other_than)
    if session.exec(query).first() is not None:
        raise taken(f"shift type {value!r} already exists in this unit", field, "already exists")


def create_shift_type(
    session: Session, *, data: ShiftTypeCreate, actor: str, now: datetime
) -> ShiftType:
    advisory_lock(session, INPUTS_LOCK)
    _unit(session, data.unit_id)
    _check_unique(session, unit_id=data.unit_id, field="code", value=data.code)
    _check_unique(session, unit_id=data.unit_id, field="name", value=data.name)
    shift = ShiftType.model_validate(data)
    session.add(shift)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="shift_type.create",
        entity_type="shift_type",
        entity_id=shift.id,
        after=shift.model_dump(mode="json", exclude={"id"}),
    )
    session.commit()
    return shift


def get_shift_type(session: Session, *, shift_type_id: int) -> ShiftType:
    shift = session.get(ShiftType, shift_type_id)
    if shift is None:
        raise NotFound(f"shift type {shift_type_id} not found")
    return shift


def in_published_use(session: Session, *, unit_id: int) -> set[int]:
    """The unit's shift types that a published roster uses (their meaning is fixed)."""
    return set(
        session.exec(
            select(RosterAssignment.shift_type_id)
            .distinct()
            .join(Roster, col(Roster.id) == RosterAssignment.roster_id)
            .where(Roster.unit_id == unit_id, Roster.status == RosterStatus.published)
        ).all()
    )


def _check_not_published(session: Session, shift: ShiftType, changes: dict[str, Any]) -> None:
    fixed = [name for name in FIXED_WHEN_PUBLISHED if name in changes]
    if not fixed:
        return
    used_by = session.exec(
        select(Roster.id)
        .join(RosterAssignment, col(RosterAssignment.roster_id) == Roster.id)
        .where(
            RosterAssignment.shift_type_id == shift.id,
            Roster.status == RosterStatus.published,
        )
    ).first()
    if used_by is not None:
        raise Conflict(
            f"shift type {shift.code!r} is used by published roster {used_by}, so its"
            f" {', '.join(fixed)} cannot change; retire it (is_active false) and add a new one",
            errors=tuple(FieldError(name, FIXED_REASON) for name in fixed),
        )


def _check_rules_allow(session: Session, shift: ShiftType, changes: dict[str, Any]) -> None:
    """The unit's rules name shift types by code: the one they name as the leader shift stays
    active, and a code they name keeps its name (else a rule would silently stop applying)."""
    rules = get_rules(session, unit_id=shift.unit_id)
    if rules.leader_shift_code == shift.code and (
        "code" in changes or changes.get("is_active") is False
    ):
        field = "code" if "code" in changes else "is_active"
        raise ValidationFailed(
            field, "the unit's rules name it as the leader shift; change them first"
        )
    if "code" in changes and any(shift.code in pair for pair in rules.forbidden_successions):
        raise ValidationFailed(
            "code", "the unit's rules name it in a forbidden succession; change them first"
        )


def update_shift_type(
    session: Session, *, shift_type_id: int, data: ShiftTypeUpdate, actor: str, now: datetime
) -> ShiftType:
    advisory_lock(session, INPUTS_LOCK)
    shift = get_shift_type(session, shift_type_id=shift_type_id)
    sent = data.model_dump(exclude_unset=True)
    for name, value in sent.items():
        if value is None:
            raise ValidationFailed(name, "must not be null")
    changes = {name: value for name, value in sent.items() if value != getattr(shift, name)}
    _check_not_published(session, shift, changes)
    _check_rules_allow(session, shift, changes)
    for field in ("code", "name"):
        if field in changes:
            _check_unique(
                session, unit_id=shift.unit_id, field=field, value=changes[field],
                other_than=shift.id,
            )  # fmt: skip
    before = shift.model_dump(mode="json", exclude={"id"})
    for name, value in changes.items():
        setattr(shift, name, value)
    session.add(shift)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="shift_type.update",
        entity_type="shift_type",
        entity_id=shift.id,
        before=before,
        after=shift.model_dump(mode="json", exclude={"id"}),
    )
    session.commit()
    return shift


def get_rules(session: Session, *, unit_id: int) -> RulesConfig:
    _unit(session, unit_id)
    row = session.get(UnitRules, unit_id)
    return RulesConfig() if row is None else RulesConfig.model_validate(json.loads(row.rules_json))


def set_rules(
    session: Session,
    *,
    unit_id: int,
    rules: RulesConfig,
    actor: str,
    now: datetime,
    if_match: str | None = None,
) -> RulesConfig:
    """Replace the unit's rules. `if_match`: the tag (`core.preconditions`) of the rules as
    the editor loaded them; EditedElsewhere (412) when they have changed since."""
    advisory_lock(session, INPUTS_LOCK)
    before = get_rules(session, unit_id=unit_id)
    check_if_match(if_match, before.model_dump(mode="json"))
    codes = {s.code for s in list_shift_types(session, unit_id=unit_id)}
    if rules.leader_shift_code is not None and rules.leader_shift_code not in codes:
        raise ValidationFailed("leader_shift_code", "no such shift type in this unit")
    unknown = sorted({code for pair in rules.forbidden_successions for code in pair} - codes)
    if unknown:
        raise ValidationFailed(
            "forbidden_successions",
            f"no shift type {unknown[0]!r} in this unit",
            type="unknown_shift_code",
            ctx={"code": unknown[0]},
        )
    row = session.get(UnitRules, unit_id) or UnitRules(unit_id=unit_id, rules_json="{}")
    row.rules_json = rules.model_dump_json()
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="rules.update",
        entity_type="unit",
        entity_id=unit_id,
        before=before.model_dump(mode="json"),
        after=rules.model_dump(mode="json"),
    )
    session.commit()
    return rules


def list_leave(
    session: Session,
    *,
    person_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Leave]:
    query = select(Leave).order_by(col(Leave.start_date))
    if person_id is not None:
        query = query.where(Leave.person_id == person_id)
    if start is not None:
        query = query.where(Leave.end_date >= start)
    if end is not None:
        query = query.where(Leave.start_date <= end)
    return list(session.exec(query).all())


def add_leave(session: Session, *, data: LeaveCreate, actor: str, now: datetime) -> Leave:
    lock_plan(session)
    _person(session, data.person_id)
    leave = Leave(**data.model_dump(), created_by=actor, created_at=now)
    session.add(leave)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="leave.create",
        entity_type="person",
        entity_id=data.person_id,
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return leave


def update_leave(
    session: Session, *, leave_id: int, data: LeaveUpdate, actor: str, now: datetime
) -> Leave:
    """Correct recorded leave (its days, its reason) under the checks of recording it: the
    last day not before the first, a year at most; audited old → new on the person."""
    lock_plan(session)
    leave = session.get(Leave, leave_id)
    if leave is None:
        raise NotFound(f"leave {leave_id} not found")
    sent = data.model_dump(exclude_unset=True)
    for name in ("start_date", "end_date"):
        if name in sent and sent[name] is None:
            raise ValidationFailed(name, "must not be null")
    if "reason" in sent and sent["reason"] is None:
        sent["reason"] = ""
    changes = {name: value for name, value in sent.items() if value != getattr(leave, name)}
    start = changes.get("start_date", leave.start_date)
    end = changes.get("end_date", leave.end_date)
    # named at the date the request changed (the end, when both or neither did)
    field = "start_date" if "start_date" in changes and "end_date" not in changes else "end_date"
    if end < start:
        reason = (
            "start_date must not be after end_date"
            if field == "start_date"
            else "end_date must not be before start_date"
        )
        raise ValidationFailed(field, reason)
    if (end - start).days > MAX_LEAVE_DAYS:
        raise ValidationFailed(field, "a leave spans at most a year")
    if not changes:
        return leave
    before = {name: getattr(leave, name) for name in changes}
    for name, value in changes.items():
        setattr(leave, name, value)
    session.add(leave)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="leave.update",
        entity_type="person",
        entity_id=leave.person_id,
        before={"id": leave.id} | {k: str(v) for k, v in before.items()},
        after={"id": leave.id} | {k: str(v) for k, v in changes.items()},
    )
    session.commit()
    return leave


def delete_leave(session: Session, *, leave_id: int, actor: str, now: datetime) -> None:
    leave = session.get(Leave, leave_id)
    if leave is None:
        raise NotFound(f"leave {leave_id} not found")
    before = leave.model_dump(mode="json", exclude={"created_at"})
    session.delete(leave)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="leave.delete",
        entity_type="person",
        entity_id=leave.person_id,
        before=before,
    )
    session.commit()
