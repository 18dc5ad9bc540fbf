"""The administrator-editable settings of early warning and reports (one audited row).

Defaults hold until an administrator saves settings; every change writes an audit entry
with the settings before and after.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlmodel import Session

from complaints.detect import DetectionConfig, WarningLevel
from complaints.insight_models import InsightSettingsRow, ReportKind
from core import audit
from core.types import StrictBool


class Dimension(StrEnum):
    """What a warning watches. The first six are count series run through `detect`."""

    total = "total"  # every item received
    domain = "domain"
    district = "district"
    business = "business"  # the respondent (normalised name or credit code)
    keyword = "keyword"  # a product or topic keyword from the watch list, in title or text
    incident_category = "incident_category"  # emergency incidents per category
    unreachable = "unreachable"  # pages that reached nobody / escalations exhausted
    ack_latency = "ack_latency"  # a person's acknowledgement time is too long
    roster_gap = "roster_gap"  # a published roster does not meet demand in the coming weeks


SERIES_DIMENSIONS = (
    Dimension.total,
    Dimension.domain,
    Dimension.district,
    Dimension.business,
    Dimension.keyword,
    Dimension.incident_category,
)
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
DEFAULT_KEYWORDS = (
    "预付卡",
    "电梯",
    "奶粉",
    "外卖",
    "燃气",
    "医美",
    "直播",
    "电动车",
    "保健品",
    "口罩",
)


class InsightSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    detection_enabled: StrictBool = True
    dimensions: list[Dimension] = Field(default_factory=lambda: list(Dimension), max_length=20)
    baseline_days: int = Field(default=56, ge=14, le=180)
    windows: list[int] = Field(default_factory=lambda: [1, 3, 7], min_length=1, max_length=5)
    alpha: float = Field(default=0.005, ge=1e-9, le=0.05)
    min_count: int = Field(default=5, ge=1, le=10_000)
    min_ratio: float = Field(default=1.5, ge=1.0, le=20.0)
    keywords: list[Keyword] = Field(default_factory=lambda: list(DEFAULT_KEYWORDS), max_length=50)
    businesses_checked: int = Field(default=200, ge=0, le=5000)
    notify_level: WarningLevel = WarningLevel.orange
    ack_latency_minutes: int = Field(default=30, ge=1, le=24 * 60)
    ack_latency_days: int = Field(default=30, ge=1, le=365)
    ack_latency_min_samples: int = Field(default=3, ge=1, le=100)
    roster_gap_days: int = Field(default=21, ge=1, le=90)
    report_kinds: list[ReportKind] = Field(default_factory=lambda: list(ReportKind), max_length=3)

    @field_validator("windows")
    @classmethod
    def _windows(cls, value: list[int]) -> list[int]:
        if any(not 1 <= w <= 28 for w in value):
            raise ValueError("each window is 1 to 28 days")
        return sorted(set(value))

    @field_validator("dimensions", "report_kinds")
    @classmethod
    def _unique(cls, value: list[StrEnum]) -> list[StrEnum]:
        return list(dict.fromkeys(value))

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        if any("%" in k or "_" in k or "\x00" in k for k in value):
            raise ValueError("keywords may not contain %, _ or NUL")
        return list(dict.fromkeys(value))

    def detection(self) -> DetectionConfig:
        return DetectionConfig(
            baseline_days=self.baseline_days,
            windows=tuple(self.windows),
            alpha=self.alpha,
            min_count=self.min_count,
            min_ratio=self.min_ratio,
        )

    def watches(self, dimension: Dimension) -> bool:
        return self.detection_enabled and dimension in self.dimensions


def load(session: Session) -> InsightSettings:
    row = session.get(InsightSettingsRow, 1)
    if row is None:
        return InsightSettings()
    return InsightSettings.model_validate(json.loads(row.settings_json))


def save(
    session: Session, *, settings: InsightSettings, actor: str, now: datetime
) -> InsightSettings:
    row = session.get(InsightSettingsRow, 1)
    before = load(session).model_dump(mode="json")
    document = json.dumps(settings.model_dump(mode="json"), ensure_ascii=False)
    if row is None:
        row = InsightSettingsRow(id=1, settings_json=document, updated_at=now, updated_by=actor)
    else:
        row.settings_json, row.updated_at, row.updated_by = document, now, actor
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="insight.settings.update",
        entity_type="insight_settings",
        entity_id=1,
        before=before,
        after=settings.model_dump(mode="json"),
    )
    session.commit()
    return settings
