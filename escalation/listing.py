"""The incident list, newest first, a page at a time (keyset paging, escalation.cursors).

- Order: opened_at descending, then id descending, so incidents opened in the same instant
  keep one order and a page boundary never splits or repeats them.
- `before` gives the page older than a position, `after` the page newer than it (nearest
  first, shown newest first), the first page neither. Walking `older` from the first page
  lists every incident matching the filter exactly once, however many open meanwhile.
- The page says whether there is more on either side (`older` / `newer`: the position to
  page from, None at an end).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, tuple_
from sqlmodel import Session, col, select

from core.errors import ValidationFailed
from escalation.cursors import Position
from escalation.models import Incident
from escalation.state import IncidentStatus


@dataclass(frozen=True)
class IncidentPage:
    incidents: list[Incident]  # newest first
    older: Position | None  # page on with `before=` this; None: nothing older
    newer: Position | None  # page back with `after=` this; None: nothing newer


def position(incident: Incident) -> Position:
    assert incident.id is not None
    return Position(incident.opened_at, incident.id)


# Row values, not `a < x OR (a = x AND id < y)`: both databases seek the (opened_at, id)
# index to the position with them, where the OR made SQLite walk the index from its newest
# (or oldest) end to the position and PostgreSQL sort every incident on the far side.
def _key() -> ColumnElement[Any]:
    return tuple_(col(Incident.opened_at), col(Incident.id))


def _older_than(p: Position) -> ColumnElement[bool]:
    return _key() < (p.opened_at, p.id)


def _newer_than(p: Position) -> ColumnElement[bool]:
    return _key() > (p.opened_at, p.id)


def page(
    session: Session,
    *,
    status: IncidentStatus | None = None,
    limit: int = 100,
    before: Position | None = None,
    after: Position | None = None,
) -> IncidentPage:
    """One page of incidents (see the module's rules); 422 naming `after` when both
    `before` and `after` are given."""
    if before is not None and after is not None:
        raise ValidationFailed("after", "give before or after, not both")
    filters = [] if status is None else [col(Incident.status) == status]
    newest_first = (col(Incident.opened_at).desc(), col(Incident.id).desc())
    if after is None:
        query = select(Incident).where(*filters).order_by(*newest_first)
        if before is not None:
            query = query.where(_older_than(before))
        rows = list(session.exec(query.limit(limit + 1)).all())
        shown = rows[:limit]
        older = position(shown[-1]) if len(rows) > limit else None
        first = position(shown[0]) if shown and before is not None else None
        newer = first if first and _any(session, filters, _newer_than(first)) else None
        return IncidentPage(shown, older, newer)
    query = (
        select(Incident)
        .where(*filters, _newer_than(after))
        .order_by(col(Incident.opened_at), col(Incident.id))
    )
    rows = list(session.exec(query.limit(limit + 1)).all())
    shown = list(reversed(rows[:limit]))
    newer = position(shown[0]) if len(rows) > limit else None
    last = position(shown[-1]) if shown else None
    older = last if last and _any(session, filters, _older_than(last)) else None
    return IncidentPage(shown, older, newer)


def _any(session: Session, filters: list[ColumnElement[bool]], where: ColumnElement[bool]) -> bool:
    return session.exec(select(Incident.id).where(*filters, where).limit(1)).first() is not None
