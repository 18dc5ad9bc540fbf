"""Tables of the interoperability paths (bulk import and Open311 GeoReport v2).

- `complaint_import_ref`: one row per imported source record, unique per (source, key). The
  key is the source's registration / order number (登记编号, 工单编号), or, for a row that has
  none, a fingerprint of the row's content; a second import of the same record is reported
  as a duplicate instead of registering it again.
- `open311_client`: an integration allowed to POST service requests. Only the SHA-256 of its
  API key is stored; the key is shown once, when an administrator creates it. Items it
  submits come in on the client's channel (website, WeChat mini-program …).
- `open311_request`: what an Open311 POST carried besides the submission itself (location,
  media URL, the token) and which client sent it, so the client can follow its own requests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Enum, UniqueConstraint
from sqlmodel import Field, SQLModel

from complaints.vocab import Channel
from core.db import UTCDateTime


class ImportRef(SQLModel, table=True):
    __tablename__ = "complaint_import_ref"
    __table_args__ = (UniqueConstraint("source", "external_key"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=40)
    external_key: str = Field(max_length=80)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    batch: str = Field(max_length=32, index=True)
    row_number: int
    imported_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    imported_by: str = Field(max_length=100)


class Open311Client(SQLModel, table=True):
    __tablename__ = "open311_client"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    key_hint: str = Field(max_length=8)
    channel: Channel = Field(
        sa_column=Column(Enum(Channel, native_enum=False, length=30), nullable=False)
    )
    is_active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=100)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Open311Request(SQLModel, table=True):
    __tablename__ = "open311_request"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True, index=True)
    client_id: int = Field(foreign_key="open311_client.id", index=True)
    token: str = Field(max_length=40, index=True)
    service_code: str = Field(max_length=60)
    lat: float | None = None
    lon: float | None = None
    address_id: str | None = Field(default=None, max_length=64)
    media_url: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
