"""Reporting deadlines to superiors (DOMAIN.md §5): the initial (phone) and written report
clocks of an incident, from its opening, the minutes frozen from its emergency plan and the
times the reports were made. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from escalation.policy import ReportingDeadlines

ClockName = Literal["initial_report", "written_report"]


@dataclass(frozen=True)
class ReportingClock:
    name: ClockName
    due_at: datetime
    met_at: datetime | None
    overdue: bool


def reporting_clocks(
    opened_at: datetime,
    deadlines: ReportingDeadlines,
    now: datetime,
    initial_reported_at: datetime | None,
    written_reported_at: datetime | None,
) -> list[ReportingClock]:
    """The initial (phone) and written report clocks. A clock is overdue when it was met
    after its due time, or is unmet and `now` is past its due time (at the due instant it
    is not yet overdue)."""
    specs: Sequence[tuple[ClockName, int, datetime | None]] = (
        ("initial_report", deadlines.initial_report_minutes, initial_reported_at),
        ("written_report", deadlines.written_report_minutes, written_reported_at),
    )
    clocks = []
    for name, minutes, met in specs:
        due = opened_at + timedelta(minutes=minutes)
        overdue = met > due if met is not None else now > due
        clocks.append(ReportingClock(name, due, met, overdue))
    return clocks
