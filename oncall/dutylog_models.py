"""Duty log (值班日志) and handover (交接班) tables and their API schemas.

A duty-log entry records one call or event as DOMAIN.md §5 lists it: the caller's unit, name
and phone; when and where it happened; the event; the measures taken; whom the caller had
already informed; who recorded it and when. A handover passes a unit's duty from one person
to another with the open items spelled out; the receiver acknowledges it once.

Client-given instants must carry a time zone; they are stored as UTC. Every schema string is
bounded by its column's length.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, StringConstraints, field_validator
from sqlalchemy import CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime
from core.types import EntityId, LongText, OptionalShortText, PhoneNumber

REF_MAX = 64


def _as_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+01:00
        raise ValueError("is out of the representable range") from exc


UTCInstant = Annotated[AwareDatetime, AfterValidator(_as_utc)]
"""An aware datetime (naive ones are refused), converted to UTC."""

CallerPhone = Annotated[PhoneNumber, StringConstraints(max_length=20)]
"""E.164 (at most 16 characters anyway); the bound is stated so the schema shows it."""

# what the pages call an incident by (#1234, a leading # allowed) or another system's number
IncidentRef = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=REF_MAX, pattern=r"^#?[A-Za-z0-9_\-./]+$"
    ),
]


def _utc(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


def _text() -> Column[str]:
    return Column(Text, nullable=False)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# ---- duty log ------------------------------------------------------------------------------


class DutyLogEntry(SQLModel, table=True):
    __tablename__ = "duty_log_entry"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    caller_unit: str = Field(default="", max_length=200)
    caller_name: str = Field(default="", max_length=200)
    caller_phone: str | None = Field(default=None, max_length=20)
    place: str = Field(default="", max_length=200)
    event: str = Field(sa_column=_text())
    measures: str = Field(default="", sa_column=_text())
    informed: str = Field(default="", max_length=200)
    recorder_person_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_column=_utc())
    incident_ref: str | None = Field(default=None, max_length=REF_MAX, index=True)


class DutyLogEntryCreate(SQLModel):
    unit_id: EntityId
    occurred_at: UTCInstant
    caller_unit: OptionalShortText = ""
    caller_name: OptionalShortText = ""
    caller_phone: CallerPhone | None = None
    place: OptionalShortText = ""
    event: LongText
    measures: LongText = ""
    informed: OptionalShortText = ""
    recorder_person_id: EntityId | None = None
    incident_ref: IncidentRef | None = None

    @field_validator("event")
    @classmethod
    def _event_given(cls, value: str) -> str:
        return _not_blank(value)


class DutyLogEntryPublic(SQLModel):
    id: int
    unit_id: int
    occurred_at: datetime
    caller_unit: str
    caller_name: str
    caller_phone: str | None
    place: str
    event: str
    measures: str
    informed: str
    recorder_person_id: int | None
    recorded_by: str
    recorded_at: datetime
    incident_ref: str | None


# ---- handover ------------------------------------------------------------------------------


class Handover(SQLModel, table=True):
    __tablename__ = "handover"
    __table_args__ = (
        CheckConstraint("from_person_id <> to_person_id", name="ck_handover_distinct_persons"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    from_person_id: int = Field(foreign_key="person.id")
    to_person_id: int = Field(foreign_key="person.id")
    handed_over_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    open_items: str = Field(default="", sa_column=_text())
    notes: str = Field(default="", sa_column=_text())
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=_utc())
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc(True))
    acknowledged_by: str | None = Field(default=None, max_length=64)


class HandoverCreate(SQLModel):
    unit_id: EntityId
    from_person_id: EntityId
    to_person_id: EntityId
    handed_over_at: UTCInstant | None = None  # None: now
    open_items: LongText = ""
    notes: LongText = ""


class HandoverPublic(SQLModel):
    id: int
    unit_id: int
    from_person_id: int
    to_person_id: int
    handed_over_at: datetime
    open_items: str
    notes: str
    created_by: str
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
