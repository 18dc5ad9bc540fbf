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

from sqlalchemy import Column, Date, Integer
from sqlmodel import Field, Session, SQLModel, col, select

from core import audit
from core.db import UTCDateTime
from core.errors import NotFound
from core.workcal import CalendarOverride, WorkingCalendar


class CalendarOverrideRow(SQLModel, table=True):
    __tablename__ = "calendar_override"

    day: date = Field(sa_column=Column(Date, primary_key=True))
    working: bool
    note: str = Field(default="", max_length=200)


class CalendarYearRow(SQLModel, table=True):
    """A year whose State Council holiday notice an administrator confirmed as entered in the
    overrides (ADR 0003): only then, or when the packaged official data cover it, does the
    year count as having official data. Entering days alone never does: one 调休 day is not
    the notice."""

    __tablename__ = "calendar_year"

    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    confirmed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_by: str = Field(max_length=100)
    note: str = Field(default="", max_length=200)


def confirmed_years(session: Session) -> list[CalendarYearRow]:
    return list(session.exec(select(CalendarYearRow).order_by(col(CalendarYearRow.year))).all())


def confirm_year(
    session: Session, *, year: int, note: str, actor: str, now: datetime
) -> CalendarYearRow:
    """Record that the State Council notice for `year` is entered (audited; idempotent: a
    confirmation already there is kept as it was); commits."""
    row = session.get(CalendarYearRow, year)
    if row is not None:
        return row
    row = CalendarYearRow(year=year, confirmed_at=now, confirmed_by=actor, note=note)
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="calendar.year.confirm",
        entity_type="calendar_year",
        entity_id=str(year),
        after={"note": note},
    )
    session.commit()
    return row


def withdraw_year(session: Session, *, year: int, actor: str, now: datetime) -> None:
    """Withdraw the confirmation of `year` (audited; NotFound when there is none); commits."""
    row = session.get(CalendarYearRow, year)
    if row is None:
        raise NotFound(f"the notice for {year} is not confirmed")
    before = {
        "confirmed_at": row.confirmed_at.isoformat(),
        "confirmed_by": row.confirmed_by,
        "note": row.note,
    }
    session.delete(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="calendar.year.withdraw",
        entity_type="calendar_year",
        entity_id=str(year),
        before=before,
    )
    session.commit()


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
    years = session.exec(select(CalendarYearRow.year)).all()
    return WorkingCalendar(overrides=overrides, roll_weekends=roll_weekends, confirmed_years=years)


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
