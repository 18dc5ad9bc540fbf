"""Changes to a published roster, with their API schemas: overrides (someone covers a shift
for an interval, `oncall.changes`) and swap requests between two people (`oncall.swaps`).
Times are UTC; days are local dates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Enum
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime
from core.types import BoundedDate, EntityId, OptionalShortText


class SwapStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


def _utc(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class OncallOverride(SQLModel, table=True):
    __tablename__ = "oncall_override"

    id: int | None = Field(default=None, primary_key=True)
    shift_type_id: int = Field(foreign_key="shift_type.id", index=True)
    day: date = Field(sa_column=Column(Date, nullable=False, index=True))
    start_at: datetime = Field(sa_column=_utc())
    end_at: datetime = Field(sa_column=_utc())
    original_person_id: int | None = Field(default=None, foreign_key="person.id")
    covering_person_id: int = Field(foreign_key="person.id")
    reason: str = Field(default="", max_length=200)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=_utc())


class OverrideCreate(SQLModel):
    shift_type_id: EntityId
    day: BoundedDate
    covering_person_id: EntityId
    original_person_id: EntityId | None = None
    reason: OptionalShortText = ""


class OverridePublic(SQLModel):
    id: int
    shift_type_id: int
    day: date
    start_at: datetime
    end_at: datetime
    original_person_id: int | None
    covering_person_id: int
    reason: str


class SwapRequestRow(SQLModel, table=True):
    __tablename__ = "swap_request"

    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = Field(foreign_key="roster.id", index=True)
    a_person_id: int = Field(foreign_key="person.id")
    a_day: date = Field(sa_column=Column(Date, nullable=False))
    b_person_id: int = Field(foreign_key="person.id")
    b_day: date = Field(sa_column=Column(Date, nullable=False))
    status: SwapStatus = Field(
        sa_column=Column(Enum(SwapStatus, native_enum=False, length=20), nullable=False)
    )
    reason: str = Field(default="", max_length=200)
    requested_by: str = Field(max_length=100)
    requested_at: datetime = Field(sa_column=_utc())
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_column=_utc(True))


class SwapCreate(SQLModel):
    roster_id: EntityId
    a_person_id: EntityId
    a_day: BoundedDate
    b_person_id: EntityId
    b_day: BoundedDate
    reason: OptionalShortText = ""


class SwapPublic(SQLModel):
    id: int
    roster_id: int
    a_person_id: int
    a_day: date
    b_person_id: int
    b_day: date
    status: SwapStatus
    reason: str
    requested_by: str
    decided_by: str | None
