"""Demand templates: how many people each shift of a unit needs on a kind of day, optionally
with a skill. They feed the generation of later rosters only: a published roster keeps its
assignments when the demand changes.

A line is one (shift type, day kind, skill): a second line for the same three would be read
as a second, separate minimum, not a sum, so it is refused. For the same reason a shift and
skill have either one line for any day or lines for single day kinds, never both: on a day
both apply the solver takes each as its own row, the larger minimum binds, and their
preferred numbers pull against each other in the objective (one line's over-cover penalty
against the other's under-cover), so no one value holds. A line names an active shift type
of its own unit (generation skips retired ones and their lines). Changes take the planner
inputs' turn (`oncall.planning.INPUTS_LOCK`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core import audit
from core.db import advisory_lock
from core.errors import Conflict, FieldError, NotFound, ValidationFailed, taken
from oncall.models import Skill, Unit
from oncall.planning import INPUTS_LOCK
from oncall.roster_models import (
    DemandCreate,
    DemandDayKind,
    DemandTemplate,
    DemandUpdate,
    ShiftType,
)

#: What a line is about; two lines of a unit never share all three.
IDENTITY = ("shift_type_id", "day_kind", "skill")
DUPLICATE = "a line for this shift, day kind and skill already exists"
OVERLAPS_ANY = "a line for any day of this shift and skill already covers this day kind"
OVERLAPS_KINDS = "this shift and skill have lines for single day kinds: an any-day line overlaps"


def list_demand(session: Session, *, unit_id: int) -> list[DemandTemplate]:
    return list(
        session.exec(
            select(DemandTemplate)
            .where(DemandTemplate.unit_id == unit_id)
            .order_by(col(DemandTemplate.id))
        ).all()
    )


def overlapping(lines: list[DemandTemplate]) -> dict[int, DemandTemplate]:
    """Lines stored before overlaps were refused: each such line's id → the first line of
    the other form (any day / one day kind) for the same shift and skill."""
    found: dict[int, DemandTemplate] = {}
    for line in lines:
        other = next(
            (
                o
                for o in lines
                if o.shift_type_id == line.shift_type_id
                and o.skill == line.skill
                and (o.day_kind is DemandDayKind.any) != (line.day_kind is DemandDayKind.any)
            ),
            None,
        )
        if other is not None and line.id is not None:
            found[line.id] = other
    return found


def _check_shift(session: Session, *, unit_id: int, shift_type_id: int) -> None:
    shift = session.get(ShiftType, shift_type_id)
    if shift is None or shift.unit_id != unit_id:
        raise ValidationFailed("shift_type_id", "no such shift type in this unit")
    if not shift.is_active:
        raise ValidationFailed("shift_type_id", "the shift type is retired")


def _check_skill(session: Session, skill: str | None) -> None:
    if skill is not None and session.get(Skill, skill) is None:
        raise ValidationFailed("skill", f"unknown skill {skill!r}")


def _check_line(
    session: Session,
    *,
    unit_id: int,
    line: dict[str, Any],
    field: str,
    overlap_field: str | None = None,
    other_than: int | None = None,
) -> None:
    """409 when another line of the unit is for the same shift, day kind and skill (naming
    `field`), or overlaps it (an any-day line beside one for a single day kind: see the
    module's docstring; naming `overlap_field`, else `field`), naming the line there."""
    skill, kind = line["skill"], DemandDayKind(line["day_kind"])
    same = select(DemandTemplate).where(
        DemandTemplate.unit_id == unit_id,
        DemandTemplate.shift_type_id == line["shift_type_id"],
        col(DemandTemplate.skill).is_(None) if skill is None else DemandTemplate.skill == skill,
        col(DemandTemplate.id) != (other_than or 0),
    )
    twin = session.exec(same.where(DemandTemplate.day_kind == kind)).first()
    if twin is not None:
        raise taken(
            f"demand line {twin.id} is already for this shift, day kind and skill", field, DUPLICATE
        )
    clash = session.exec(
        same.where(
            DemandTemplate.day_kind != DemandDayKind.any
            if kind is DemandDayKind.any
            else DemandTemplate.day_kind == DemandDayKind.any
        ).order_by(col(DemandTemplate.id))
    ).first()
    if clash is not None:
        raise _overlap(session, clash, kind, overlap_field or field)


def _overlap(session: Session, clash: DemandTemplate, kind: DemandDayKind, field: str) -> Conflict:
    shift = session.get(ShiftType, clash.shift_type_id)
    ctx: dict[str, str | int] = {
        "line": clash.id or 0,
        "shift": shift.name if shift else str(clash.shift_type_id),
        "minimum": clash.minimum,
        "preferred": clash.preferred,
    }
    what = f"demand line {clash.id} ({ctx['shift']}, {clash.day_kind.value}"
    what += f", minimum {clash.minimum}, preferred {clash.preferred})"
    if kind is DemandDayKind.any:
        error = FieldError(field, OVERLAPS_KINDS, "demand_day_kind_lines", ctx)
        detail = f"{what} is for a single day kind: an any-day line would overlap it"
    else:
        error = FieldError(field, OVERLAPS_ANY, "demand_any_day_line", ctx)
        detail = f"{what} already covers {kind.value} days: change it, or split it by day kind"
    return Conflict(detail, errors=(error,))


def add_demand(
    session: Session, *, unit_id: int, data: DemandCreate, actor: str, now: datetime
) -> DemandTemplate:
    advisory_lock(session, INPUTS_LOCK)
    if session.get(Unit, unit_id) is None:
        raise ValidationFailed.absent("unit_id", "unit", unit_id)
    _check_shift(session, unit_id=unit_id, shift_type_id=data.shift_type_id)
    _check_skill(session, data.skill)
    line = data.model_dump()
    _check_line(
        session, unit_id=unit_id, line=line, field="shift_type_id", overlap_field="day_kind"
    )
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
        after=row.model_dump(mode="json"),
    )
    session.commit()
    return row


def _demand_row(session: Session, *, unit_id: int, demand_id: int) -> DemandTemplate:
    row = session.get(DemandTemplate, demand_id)
    if row is None or row.unit_id != unit_id:
        raise NotFound(f"demand {demand_id} of unit {unit_id} not found")
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
    row = _demand_row(session, unit_id=unit_id, demand_id=demand_id)
    sent = data.model_dump(exclude_unset=True)
    for name in ("shift_type_id", "day_kind", "minimum", "preferred"):
        if name in sent and sent[name] is None:
            raise ValidationFailed(name, "must not be null")
    changes = {name: value for name, value in sent.items() if value != getattr(row, name)}
    if "shift_type_id" in changes:
        _check_shift(session, unit_id=unit_id, shift_type_id=changes["shift_type_id"])
    _check_skill(session, changes.get("skill"))
    minimum = changes.get("minimum", row.minimum)
    preferred = changes.get("preferred", row.preferred)
    if preferred < minimum:
        if "preferred" in changes:
            raise ValidationFailed("preferred", "preferred must be at least minimum")
        raise ValidationFailed("minimum", "minimum must not be above preferred")
    moved = [name for name in IDENTITY if name in changes]
    if moved:
        line = {name: changes.get(name, getattr(row, name)) for name in IDENTITY}
        _check_line(session, unit_id=unit_id, line=line, field=moved[0], other_than=row.id)
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
    row = _demand_row(session, unit_id=unit_id, demand_id=demand_id)
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
