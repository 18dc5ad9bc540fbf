"""The admin-editable working-day overrides, stored in the database.

`load_calendar` builds the pure `WorkingCalendar` from the official data plus these rows;
every change is audited. `put_override` / `remove_override` change a day inside the caller's
transaction; `set_override` / `delete_override` also commit. Deadlines already computed from
the calendar belong to the packages that store them: `complaints.calendar_sync` changes a day
and recomputes the running complaint clocks in the same transaction (core depends on nothing
of ours, so it cannot do that itself).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date
from sqlmodel import Field, Session, SQLModel, col, select

from core import audit
from core.errors import NotFound
from core.workcal import CalendarOverride, WorkingCalendar


class CalendarOverrideRow(SQLModel, table=True):
    __tablename__ = "calendar_override"

    day: date = Field(sa_column=Column(Date, primary_key=True))
    working: bool
    note: str = Field(default="", max_length=200)


def list_overrides(
    session: Session, *, start: date | None = None, end: date | None = None
) -> list[CalendarOverrideRow]:
    query = select(CalendarOverrideRow).order_by(col(CalendarOverrideRow.day))
    if start is not None:
        query = query.where(col(CalendarOverrideRow.day) >= start)
    if end is not None:
        query = query.where(col(CalendarOverrideRow.day) <= end)
    return list(session.exec(query).all())


def load_calendar(session: Session, *, roll_weekends: bool = False) -> WorkingCalendar:
    overrides = [
        CalendarOverride(day=row.day, working=row.working, note=row.note)
        for row in list_overrides(session)
    ]
    return WorkingCalendar(overrides=overrides, roll_weekends=roll_weekends)


def set_override(
    session: Session, *, day: date, working: bool, note: str, actor: str, now: datetime
) -> CalendarOverrideRow:
    row = put_override(session, day=day, working=working, note=note, actor=actor, now=now)
    session.commit()
    return row


def delete_override(session: Session, *, day: date, actor: str, now: datetime) -> None:
    remove_override(session, day=day, actor=actor, now=now)
    session.commit()


def put_override(
    session: Session, *, day: date, working: bool, note: str, actor: str, now: datetime
) -> CalendarOverrideRow:
    """Declare `day` working or rest (audited); the caller commits."""
    row = session.get(CalendarOverrideRow, day)
    before = None if row is None else {"working": row.working, "note": row.note}
    if row is None:
        row = CalendarOverrideRow(day=day, working=working, note=note)
    else:
        row.working, row.note = working, note
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="calendar.override.set",
        entity_type="calendar_day",
        entity_id=day.isoformat(),
        before=before,
        after={"working": working, "note": note},
    )
    session.flush()
    return row


def remove_override(session: Session, *, day: date, actor: str, now: datetime) -> None:
    """Remove the override of `day` (audited; NotFound when there is none); the caller
    commits."""
    row = session.get(CalendarOverrideRow, day)
    if row is None:
        raise NotFound(f"no override for {day.isoformat()}")
    before = {"working": row.working, "note": row.note}
    session.delete(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="calendar.override.delete",
        entity_type="calendar_day",
        entity_id=day.isoformat(),
        before=before,
    )
    session.flush()
