"""iCalendar feeds: a secret per-feed token (only its SHA-256 is stored) opening the shifts of
a person or a unit (`oncall.ical`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Enum
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime
from core.types import EntityId


class FeedKind(StrEnum):
    person = "person"
    unit = "unit"


class FeedToken(SQLModel, table=True):
    __tablename__ = "ical_feed"

    id: int | None = Field(default=None, primary_key=True)
    kind: FeedKind = Field(
        sa_column=Column(Enum(FeedKind, native_enum=False, length=20), nullable=False)
    )
    subject_id: int
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    # when a calendar last fetched it, to the `FETCH_NOTED_EVERY` (oncall.ical): whether the
    # link is in use is all the owner needs, not a write per fetch
    last_fetched_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class FeedCreate(SQLModel):
    kind: FeedKind
    subject_id: EntityId
    replace: bool = Field(
        default=False,
        description="Also revoke, in the same step, the feeds of this person or unit that you "
        "made before: their URLs stop working (one link per calendar instead of a pile)",
    )
