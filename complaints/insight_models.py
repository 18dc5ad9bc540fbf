"""Early warnings, analysis reports and the detection settings (SQLModel tables).

- `early_warning`: one row per warning with its evidence (series, baseline, items behind
  it) as JSON. While a warning is open or acknowledged its `open_key` equals its `key`;
  the unique constraint on `open_key` keeps one live warning per subject across instances
  (duplicates are suppressed), and closing sets `open_key` to NULL so a later rise opens a
  new warning. `title` and `summary` are finished Chinese text; `wording_key` and `values`
  beside them let a page word both in its own language (`complaints.warning_keys`).
- `analysis_report`: one row per (kind, period), unique: the scheduled job and on-demand
  requests claim the row (pending → running) before building, so two instances never build
  the same report twice and a run missed while the service was down is found missing and
  made up. The HTML, the PDF and the figures (JSON) are stored in the row.
- `insight_settings`: the administrator-editable detection settings (one row, JSON).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Date, Enum, Float, LargeBinary, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from complaints.detect import WarningLevel
from core.db import UTCDateTime


class WarningStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    closed = "closed"


class ReportKind(StrEnum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"


class ReportStatus(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    failed = "failed"


def _enum(enum: type[StrEnum], *, index: bool = False, nullable: bool = False) -> Column[str]:
    return Column(Enum(enum, native_enum=False, length=20), nullable=nullable, index=index)


def _utc(*, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class EarlyWarning(SQLModel, table=True):
    __tablename__ = "early_warning"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, index=True)  # e.g. "domain:food", "roster_gap:3:2026-12-01"
    open_key: str | None = Field(default=None, max_length=200, unique=True)
    dimension: str = Field(max_length=30, index=True)
    subject: str = Field(max_length=200)
    label: str = Field(default="", max_length=200)
    level: WarningLevel = Field(sa_column=_enum(WarningLevel))
    notified_level: WarningLevel | None = Field(
        default=None, sa_column=_enum(WarningLevel, nullable=True)
    )
    status: WarningStatus = Field(sa_column=_enum(WarningStatus, index=True))
    title: str = Field(max_length=300)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    # the key of the title's and summary's wording and the values it says
    # (complaints.warning_keys), so a page words them in its language; NULL and {} on
    # warnings written before keys
    wording_key: str | None = Field(default=None, max_length=40)
    values: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=sql_text("'{}'")),
    )
    evidence_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    observed: int = 0
    expected: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    ratio: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    p_value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    window_start: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    window_end: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    first_detected_at: datetime = Field(sa_column=_utc(nullable=False, index=True))
    last_detected_at: datetime = Field(sa_column=_utc(nullable=False))
    detections: int = 1
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc())
    acknowledged_by: str | None = Field(default=None, max_length=100)
    closed_at: datetime | None = Field(default=None, sa_column=_utc())
    closed_by: str | None = Field(default=None, max_length=100)
    close_note: str = Field(default="", sa_column=Column(Text, nullable=False))


class AnalysisReport(SQLModel, table=True):
    __tablename__ = "analysis_report"
    __table_args__ = (UniqueConstraint("kind", "period_key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: ReportKind = Field(sa_column=_enum(ReportKind, index=True))
    period_key: str = Field(max_length=16)  # 2026-W47, 2026-11, 2026-Q4
    period_start: date = Field(sa_column=Column(Date, nullable=False, index=True))
    period_end: date = Field(sa_column=Column(Date, nullable=False))
    status: ReportStatus = Field(sa_column=_enum(ReportStatus, index=True))
    trigger: str = Field(max_length=20)  # schedule | demand
    requested_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=_utc())
    finished_at: datetime | None = Field(default=None, sa_column=_utc())
    as_of: datetime | None = Field(default=None, sa_column=_utc())
    attempts: int = 0
    revision: int = 0
    data_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    pdf_error: str | None = Field(default=None, max_length=500)
    error: str | None = Field(default=None, max_length=500)


class InsightSettingsRow(SQLModel, table=True):
    __tablename__ = "insight_settings"

    id: int = Field(default=1, primary_key=True)
    settings_json: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=_utc(nullable=False))
    updated_by: str = Field(max_length=100)
