"""Incident figures for the leadership dashboard and the analysis reports: open incidents by
severity, incidents per category per week, how long acknowledgement took per week, and how
many incidents were acknowledged / reported to superiors within their reporting limits.

`load_*` functions read; the bucketing below them is pure (instants in, figures out), with
weeks starting on Monday in the centre's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from escalation.models import Category, Incident
from escalation.policy import Severity
from escalation.state import IncidentStatus


@dataclass(frozen=True)
class IncidentFact:
    opened_at: datetime
    category: str
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class InTime:
    """Incidents acknowledged, initially reported and reported in writing within the limits
    frozen on them (met at the due instant counts as in time, as in the reporting clocks)."""

    acknowledged_within_initial_report_limit: int
    initial_reported_within_limit: int
    written_reported_within_limit: int


@dataclass(frozen=True)
class WeekCategories:
    week_start: date
    counts: dict[str, int]  # every Category value, zero included

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class WeekAcknowledgement:
    week_start: date
    opened: int
    acknowledged: int
    median_minutes: float | None
    p90_minutes: float | None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(now: datetime, tz: ZoneInfo, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    this_week = week_start(now.astimezone(tz).date())
    return [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def per_category(
    facts: list[IncidentFact], *, now: datetime, tz: ZoneInfo, weeks: int
) -> list[WeekCategories]:
    starts = week_starts(now, tz, weeks)
    buckets = {start: dict.fromkeys((c.value for c in Category), 0) for start in starts}
    for fact in facts:
        start = week_start(fact.opened_at.astimezone(tz).date())
        if start in buckets:
            counts = buckets[start]
            counts[fact.category] = counts.get(fact.category, 0) + 1
    return [WeekCategories(start, buckets[start]) for start in starts]


def acknowledgement(
    facts: list[IncidentFact], *, now: datetime, tz: ZoneInfo, weeks: int
) -> list[WeekAcknowledgement]:
    starts = week_starts(now, tz, weeks)
    opened = dict.fromkeys(starts, 0)
    minutes: dict[date, list[float]] = {start: [] for start in starts}
    for fact in facts:
        start = week_start(fact.opened_at.astimezone(tz).date())
        if start not in opened:
            continue
        opened[start] += 1
        if fact.acknowledged_at is not None:
            minutes[start].append((fact.acknowledged_at - fact.opened_at).total_seconds() / 60)
    return [
        WeekAcknowledgement(
            week_start=start,
            opened=opened[start],
            acknowledged=len(minutes[start]),
            median_minutes=round(median(minutes[start]), 1) if minutes[start] else None,
            p90_minutes=round(_percentile(minutes[start], 0.9), 1) if minutes[start] else None,
        )
        for start in starts
    ]


# ---- reads -------------------------------------------------------------------------------------


def open_by_severity(session: Session) -> dict[str, dict[str, int]]:
    """Unresolved incidents per severity (I … IV), split into open and acknowledged."""
    result = {s.value: {"open": 0, "acknowledged": 0} for s in Severity}
    rows = session.exec(
        select(Incident.severity, Incident.status, func.count())
        .where(Incident.status != IncidentStatus.resolved)
        .group_by(col(Incident.severity), col(Incident.status))
    ).all()
    for severity, status, count in rows:
        result[Severity(severity).value][IncidentStatus(status).value] = int(count)
    return result


def load_facts(session: Session, *, since: datetime) -> list[IncidentFact]:
    rows = session.exec(
        select(Incident.opened_at, Incident.category, Incident.acknowledged_at).where(
            col(Incident.opened_at) >= since
        )
    ).all()
    return [
        IncidentFact(opened, Category(category).value, acked) for opened, category, acked in rows
    ]


def weekly_figures(
    session: Session, *, now: datetime, tz: ZoneInfo, weeks: int = 8
) -> tuple[list[WeekCategories], list[WeekAcknowledgement]]:
    first = week_starts(now, tz, weeks)[0]
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    facts = load_facts(session, since=since)
    return (
        per_category(facts, now=now, tz=tz, weeks=weeks),
        acknowledgement(facts, now=now, tz=tz, weeks=weeks),
    )


def in_time(session: Session, *, start: datetime, end: datetime) -> InTime:
    """`InTime` for the incidents opened in [start, end)."""
    incidents = session.exec(
        select(Incident).where(col(Incident.opened_at) >= start, col(Incident.opened_at) < end)
    ).all()

    def within(at: datetime | None, incident: Incident, minutes: int) -> bool:
        return at is not None and at <= incident.opened_at + timedelta(minutes=minutes)

    return InTime(
        acknowledged_within_initial_report_limit=sum(
            within(i.acknowledged_at, i, i.initial_report_minutes) for i in incidents
        ),
        initial_reported_within_limit=sum(
            within(i.initial_reported_at, i, i.initial_report_minutes) for i in incidents
        ),
        written_reported_within_limit=sum(
            within(i.written_reported_at, i, i.written_report_minutes) for i in incidents
        ),
    )
