"""A warning candidate: what a detector or a duty-side signal found, before it becomes (or
refreshes) an `early_warning` row in `complaints.warnings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from complaints.detect import WarningLevel


@dataclass(frozen=True)
class Candidate:
    key: str  # one live warning per key (duplicates are suppressed while it is open)
    dimension: str
    subject: str
    label: str
    level: WarningLevel
    title: str
    summary: str
    occurred_at: datetime  # the newest evidence: a warning closed after it is not re-raised
    # the key of the title's and summary's wording and the values it says
    # (complaints.warning_keys): the title and summary are made from them
    wording_key: str
    values: dict[str, Any]
    evidence: dict[str, Any] = field(default_factory=dict)
    observed: int = 0
    expected: float | None = None
    ratio: float | None = None
    p_value: float | None = None
    window_start: date | None = None
    window_end: date | None = None
