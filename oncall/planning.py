"""Planner inputs: shift types, demand templates, rules and leave (wishes: `oncall.wishes`).

A shift type used by a published roster keeps its code, times, night flag and role (on-call,
iCal and rest checks read them for that roster); it can be renamed or retired (is_active
false: no longer planned). The unit's leader shift cannot be retired or recoded while the
rules name it.

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

from sqlmodel import Session, col, select

from core import audit
from core.db import advisory_lock
from core.errors import Conflict, NotFound, ValidationFailed, taken
from core.preconditions import check_if_match
from oncall.changes import lock_plan
from oncall.models import Person, Skill, Unit
from oncall.roster_models import (
    DemandCreate,
    DemandTemplate,
    DemandUpdate,
    Leave,
    LeaveCreate,
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


def _unit(session: Session, unit_id: int, field: str = "unit_id") -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationFailed(field, f"unit {unit_id} does not exist")
    return unit


def _person(session: Session, person_id: int, field: str = "person_id") -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationFailed(field, f"person {person_id} does not exist")
    return person


def list_shift_types(session: Session, *, unit_id: int | None = None) -> list[ShiftType]:
    query = select(ShiftType).order_by(col(ShiftType.unit_id), col(ShiftType.start_time))
    if unit_id is not None:
        query = query.where(ShiftType.unit_id == unit_id)
    return list(session.exec(query).all())


def create_shift_type(
    session: Session, *, data: ShiftTypeCreate, actor: str, now: datetime
) -> ShiftType:
    advisory_lock(session, INPUTS_LOCK)
    _unit(session, data.unit_id)
    clash = session.exec(
        select(ShiftType).where(ShiftType.unit_id == data.unit_id, ShiftType.code == data.code)
    ).first()
    if clash is not None:
        raise taken(
            f"shift type {data.code!r} already exists in this unit", "code", "already exists"
        )
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


def update_shift_type(
    session: Session, *, shift_type_id: int, data: ShiftTypeUpdate, actor: str, now: datetime
) -> ShiftType:
    advisory_lock(session, INPUTS_LOCK)
    shift = get_shift_type(session, shift_type_id=shift_type_id)
    changes = {
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if value is not None and value != getattr(shift, name)
    }
    fixed = [name for name in FIXED_WHEN_PUBLISHED if name in changes]
    if fixed:
        used_by = session.exec(
            select(Roster.id)
            .join(RosterAssignment, col(RosterAssignment.roster_id) == Roster.id)
            .where(
                RosterAssignment.shift_type_id == shift_type_id,
                Roster.status == RosterStatus.published,
            )
        ).first()
        if used_by is not None:
            raise Conflict(
                f"shift type {shift.code!r} is used by published roster {used_by}, so its"
                f" {', '.join(fixed)} cannot change; retire it (is_active false) and add a new one"
            )
    leader = get_rules(session, unit_id=shift.unit_id).leader_shift_code
    if leader == shift.code and ("code" in changes or changes.get("is_active") is False):
        field = "code" if "code" in changes else "is_active"
        raise ValidationFailed(
            field, "the unit's rules name it as the leader shift; change them first"
        )
    if "code" in changes:
        clash = session.exec(
            select(ShiftType).where(
                ShiftType.unit_id == shift.unit_id, ShiftType.code == changes["code"]
            )
        ).first()
        if clash is not None:
            raise taken(
                f"shift type {changes['code']!r} already exists in this unit",
                "code",
                "already exists",
            )
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


def list_demand(session: Session, *, unit_id: int) -> list[DemandTemplate]:
    return list(
        session.exec(
            select(DemandTemplate)
            .where(DemandTemplate.unit_id == unit_id)
            .order_by(col(DemandTemplate.id))
        ).all()
    )


def add_demand(
    session: Session, *, unit_id: int, data: DemandCreate, actor: str, now: datetime
) -> DemandTemplate:
    advisory_lock(session, INPUTS_LOCK)
    _unit(session, unit_id)
    shift = session.get(ShiftType, data.shift_type_id)
    if shift is None or shift.unit_id != unit_id:
        raise ValidationFailed("shift_type_id", "no such shift type in this unit")
    if data.skill is not None and session.get(Skill, data.skill) is None:
        raise ValidationFailed("skill", f"unknown skill {data.skill!r}")
    row = DemandTemplate(unit_id=unit_id, **data.model_dump())
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="demand.create",
        entity_type="unit",
        entity_id=unit_id,
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return row


def update_demand(
    session: Session,
    *,
    unit_id: int,
    demand_id: int,
    data: DemandUpdate,
    actor: str,
    now: datetime,
) -> DemandTemplate:
    advisory_lock(session, INPUTS_LOCK)
    row = session.get(DemandTemplate, demand_id)
    if row is None or row.unit_id != unit_id:
        raise NotFound(f"demand {demand_id} of unit {unit_id} not found")
    changes = data.model_dump(exclude_unset=True)
    for name in ("shift_type_id", "day_kind", "minimum", "preferred"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(name, "must not be null")
    if "shift_type_id" in changes:
        shift = session.get(ShiftType, changes["shift_type_id"])
        if shift is None or shift.unit_id != unit_id:
            raise ValidationFailed("shift_type_id", "no such shift type in this unit")
    skill = changes.get("skill")
    if skill is not None and session.get(Skill, skill) is None:
        raise ValidationFailed("skill", f"unknown skill {skill!r}")
    minimum, preferred = (
        changes.get("minimum", row.minimum),
        changes.get("preferred", row.preferred),
    )
    if preferred < minimum:
        field = "preferred" if "preferred" in changes else "minimum"
        raise ValidationFailed(
            field, f"preferred ({preferred}) must be at least minimum ({minimum})"
        )
    before = row.model_dump(mode="json")
    for name, value in changes.items():
        setattr(row, name, value)
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="demand.update",
        entity_type="unit",
        entity_id=unit_id,
        before=before,
        after=row.model_dump(mode="json"),
    )
    session.commit()
    return row


def delete_demand(
    session: Session, *, unit_id: int, demand_id: int, actor: str, now: datetime
) -> None:
    advisory_lock(session, INPUTS_LOCK)
    row = session.get(DemandTemplate, demand_id)
    if row is None or row.unit_id != unit_id:
        raise NotFound(f"demand {demand_id} of unit {unit_id} not found")
    before = row.model_dump(mode="json")
    session.delete(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="demand.delete",
        entity_type="unit",
        entity_id=unit_id,
        before=before,
    )
    session.commit()


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
    if rules.leader_shift_code is not None:
        codes = {s.code for s in list_shift_types(session, unit_id=unit_id)}
        if rules.leader_shift_code not in codes:
            raise ValidationFailed("leader_shift_code", "no such shift type in this unit")
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
