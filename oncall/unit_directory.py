"""Directory use cases for units: the centre's sections, district bureaus and field offices,
their tree of parents, and the duty phones they publish.

Writes take turns with the rest of the directory (`directory.take_turn`): a unit's code must
be free, its parents must not form a cycle, and it is deleted only without people or
sub-units.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, NotFound, ValidationFailed, taken
from oncall.directory import take_turn
from oncall.models import Person, Unit, UnitCreate, UnitKind, UnitUpdate


def _unit_summary(unit: Unit) -> dict[str, object]:
    return unit.model_dump(exclude={"id"})


def list_units(session: Session, *, include_inactive: bool = False) -> list[Unit]:
    query = select(Unit).order_by(col(Unit.kind), col(Unit.code))
    if not include_inactive:
        query = query.where(col(Unit.is_active).is_(True))
    return list(session.exec(query).all())


def get_unit(session: Session, *, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} not found")
    return unit


def _check_parent(session: Session, *, parent_id: int | None, unit_id: int | None) -> None:
    if parent_id is None:
        return
    if session.get(Unit, parent_id) is None:
        raise ValidationFailed.absent("parent_id", "unit", parent_id)
    ancestor: int | None = parent_id
    while ancestor is not None:
        if ancestor == unit_id:
            raise ValidationFailed("parent_id", "a unit cannot be its own ancestor")
        parent = session.get(Unit, ancestor)
        ancestor = parent.parent_id if parent else None


def unit_names(session: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    """The names of the units with these ids (one query; none for no ids)."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    rows = session.exec(_UNIT_NAMES, params={"ids": ids}).all()
    return {unit_id: name for unit_id, name in rows if unit_id is not None}


# built once: every complaint detail and queue page names its units
_UNIT_NAMES = select(col(Unit.id), col(Unit.name)).where(
    col(Unit.id).in_(bindparam("ids", expanding=True))
)


def duty_phones(session: Session) -> list[Unit]:
    """The active units with a duty phone, the centre's sections first, then district bureaus
    and field offices, each by code: the phones a bureau publishes for accident reports
    (DOMAIN.md §5, TZ50 Art. 13)."""
    order = {UnitKind.section: 0, UnitKind.district: 1, UnitKind.field_office: 2}
    units = [u for u in list_units(session) if u.phone]
    return sorted(units, key=lambda u: (order[u.kind], u.code))


def create_unit(session: Session, *, data: UnitCreate, actor: str, now: datetime) -> Unit:
    take_turn(session)
    if session.exec(select(Unit).where(Unit.code == data.code)).first() is not None:
        raise taken(f"unit code {data.code!r} is already used", "code", "is already used")
    _check_parent(session, parent_id=data.parent_id, unit_id=None)
    unit = Unit.model_validate(data)
    session.add(unit)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="unit.create",
        entity_type="unit",
        entity_id=unit.id,
        after=_unit_summary(unit),
    )
    session.commit()
    return unit


def update_unit(
    session: Session, *, unit_id: int, data: UnitUpdate, actor: str, now: datetime
) -> Unit:
    take_turn(session)
    unit = get_unit(session, unit_id=unit_id)
    before = _unit_summary(unit)
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes:
        _check_parent(session, parent_id=changes["parent_id"], unit_id=unit_id)
    for name, value in changes.items():
        setattr(unit, name, value)
    session.add(unit)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="unit.update",
        entity_type="unit",
        entity_id=unit.id,
        before=before,
        after=_unit_summary(unit),
    )
    session.commit()
    return unit


def delete_unit(session: Session, *, unit_id: int, actor: str, now: datetime) -> None:
    take_turn(session)
    unit = get_unit(session, unit_id=unit_id)
    if session.exec(select(Person.id).where(Person.unit_id == unit_id).limit(1)).first():
        raise Conflict("the unit still has people; move or archive them, or deactivate the unit")
    if session.exec(select(Unit.id).where(Unit.parent_id == unit_id).limit(1)).first():
        raise Conflict("the unit still has sub-units")
    before = _unit_summary(unit)
    session.delete(unit)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="unit.delete",
        entity_type="unit",
        entity_id=unit_id,
        before=before,
    )
    session.commit()
