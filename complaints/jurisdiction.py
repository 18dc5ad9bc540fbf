"""Which units may take an item over from the unit handling it (提级管辖, Order 121 Art. 13).

A superior takes a case over; a peer does not. The superiors of a unit are its ancestors in
the unit tree (a field office's district bureau) and, for a district bureau or field office,
the centre's own top-level sections, which act at the level above every district (the city
bureau's divisions). A section's superiors are only its ancestors: sections are peers. An
item no unit holds yet may be taken over by any unit.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from oncall.models import Unit, UnitKind

NOT_SUPERIOR = "not a superior of the unit handling the item"


def superiors(session: Session, *, unit_id: int) -> list[Unit]:
    """The units that may take over an item `unit_id` handles, nearest ancestor first, then
    the top-level sections by name."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        return []
    found: list[Unit] = []
    seen = {unit_id}
    parent_id = unit.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = session.get(Unit, parent_id)
        if parent is None:
            break
        found.append(parent)
        parent_id = parent.parent_id
    if unit.kind is not UnitKind.section:
        sections = session.exec(
            select(Unit)
            .where(Unit.kind == UnitKind.section, col(Unit.parent_id).is_(None))
            .where(col(Unit.is_active).is_(True))
            .order_by(col(Unit.name))
        ).all()
        found += [s for s in sections if s.id not in seen]
    return found
