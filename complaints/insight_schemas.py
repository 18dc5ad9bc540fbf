"""API schemas of early warnings and analysis reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.detect import WarningLevel
from complaints.insight_models import ReportKind, ReportStatus, WarningStatus
from core.types import LongText

PeriodText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=r"^20[0-9]{2}-(W[0-5][0-9]|Q[1-4]|(0[1-9]|1[0-2])(-[0-3][0-9])?)$",
    ),
]


class WarningPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    dimension: str
    subject: str
    label: str
    level: WarningLevel
    status: WarningStatus
    title: str = Field(description="in Chinese, as stored")
    summary: str = Field(description="in Chinese, as stored")
    wording_key: str | None = Field(
        description="the key of the title's and summary's wording (complaints.warning_keys), "
        "null on warnings stored before keys"
    )
    values: dict[str, Any] = Field(description="the values the wording says; {} without a key")
    observed: int
    expected: float | None
    ratio: float | None
    p_value: float | None
    window_start: date | None
    window_end: date | None
    first_detected_at: datetime
    last_detected_at: datetime
    detections: int
    notified_level: WarningLevel | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    close_note: str


class WarningDetail(WarningPublic):
    evidence: dict[str, Any] = Field(
        description="series (day, count, expected, day class, in window), baseline and the "
        "items behind the warning; duty signals carry their own facts"
    )


class WarningPage(BaseModel):
    total: int
    items: list[WarningPublic]


class WarningClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: LongText = ""


class DetectionRun(BaseModel):
    as_of: str = Field(description="the last complete local day the windows end on")
    series: int
    alarms: int
    created: int
    refreshed: int
    notified: int


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReportKind
    period: PeriodText = Field(
        description="2026-W48 (weekly), 2026-11 (monthly), 2026-Q4 (quarterly), or a date "
        "YYYY-MM-DD inside the period"
    )


class ReportPublic(BaseModel):
    id: int
    kind: ReportKind
    period_key: str
    period_start: date
    period_end: date
    status: ReportStatus
    trigger: str
    requested_by: str
    created_at: datetime
    finished_at: datetime | None
    as_of: datetime | None
    preliminary: bool = Field(
        description="built before its period ended (a partial count); the scheduled run "
        "rebuilds it once the period has ended"
    )
    revision: int
    attempts: int
    has_html: bool
    has_pdf: bool
    pdf_error: str | None
    error: str | None
    html_url: str
    pdf_url: str


class ReportDetail(ReportPublic):
    data: dict[str, Any] | None = Field(
        description="the report's figures; `stats` equals GET /complaints/stats for the period "
        "at `as_of`"
    )
