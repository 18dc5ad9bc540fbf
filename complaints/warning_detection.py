"""A detection run: the findings of every watched dimension become early warnings.

A run (scheduled hourly in every instance, or on demand) loads the count series, tests them
(`complaints.detect`, windows ending on the last complete local day), adds the duty-side
signals (`complaints.duty_signals`, `complaints.roster_gaps`), and raises each finding with
`complaints.warnings.raise_warning` (which refreshes a live warning of the same key instead
of opening a second one). A run commits once; its notices are sent by the dispatcher tick
after that commit.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import (
    detect,
    duty_signals,
    hotspots,
    insight_config,
    roster_gaps,
    warning_keys,
)
from complaints.candidates import Candidate
from complaints.detect import Alarm
from complaints.insight_config import Dimension, InsightSettings
from complaints.warnings import raise_warning
from core.calendar_store import load_calendar
from core.clock import Clock

log = logging.getLogger("dutydesk.warnings")
UNREACHABLE_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class RunResult:
    as_of: str
    series: int
    alarms: int
    created: int
    refreshed: int
    notified: int


# ---- candidates from alarms ------------------------------------------------------------------


def alarm_candidate(alarm: Alarm, *, tz: ZoneInfo, items: list[dict[str, object]]) -> Candidate:
    key = alarm.key
    values: dict[str, Any] = {
        "dimension": key.dimension,
        "subject": key.value,
        "label": key.label,
        "start": alarm.window_start.isoformat(),
        "end": alarm.as_of.isoformat(),
        "observed": alarm.observed,
        "expected": alarm.expected,
        "baseline_days": alarm.baseline_days,
        "ratio": alarm.ratio if math.isfinite(alarm.ratio) else None,  # None: nothing expected
        "p_value": alarm.p_value,
    }
    title, text = warning_keys.worded_zh("rise", values)
    evidence: dict[str, Any] = {
        "dimension": key.dimension,
        "value": key.value,
        "window_days": alarm.window_days,
        "as_of": alarm.as_of.isoformat(),
        "baseline_days": alarm.baseline_days,
        "baseline_items": alarm.baseline_items,
        "baseline_level": alarm.baseline_level,
        "dispersion": alarm.dispersion,
        "series": [
            {
                "day": p.day.isoformat(),
                "count": p.count,
                "expected": p.expected,
                "day_class": p.day_class.value,
                "in_window": p.in_window,
            }
            for p in alarm.days
        ],
        "items": items,
    }
    complete = datetime.combine(alarm.as_of + timedelta(days=1), time(0), tz)
    return Candidate(
        key=f"{key.dimension}:{key.value}",
        dimension=key.dimension,
        subject=key.value,
        label=warning_keys.subject_zh(values),
        level=alarm.level,
        title=title[:300],
        summary=text,
        occurred_at=complete,
        evidence=evidence,
        observed=alarm.observed,
        expected=alarm.expected,
        ratio=alarm.ratio,
        p_value=alarm.p_value,
        window_start=alarm.window_start,
        window_end=alarm.as_of,
        wording_key="rise",
        values=values,
    )


# ---- a detection run -------------------------------------------------------------------------


def candidates(
    session: Session, *, now: datetime, tz: ZoneInfo, settings: InsightSettings
) -> tuple[str, int, int, list[Candidate]]:
    """(as_of, series tested, alarms, candidates) for every watched dimension."""
    calendar = load_calendar(session)
    config = settings.detection()
    as_of = now.astimezone(tz).date() - timedelta(days=1)
    span = hotspots.Span(
        start=as_of - timedelta(days=config.span_days - 1),
        end=as_of,
        recent_start=as_of - timedelta(days=max(config.windows) - 1),
        tz=tz,
    )
    series = hotspots.complaint_series(session, span=span, settings=settings)
    if settings.watches(Dimension.incident_category):
        series += hotspots.incident_series(session, span=span)
    found: list[Candidate] = []
    alarms: list[Alarm] = []
    if series:
        start, counts = hotspots.profile_counts(session, end=as_of, tz=tz)
        profile = detect.estimate_profile(start, counts, calendar)
        alarms = detect.detect_all(
            series, as_of=as_of, profile=profile, calendar=calendar, config=config
        )
        for alarm in alarms:
            items = hotspots.items_behind(
                session, alarm.key, start=alarm.window_start, end=alarm.as_of, tz=tz
            )
            found.append(alarm_candidate(alarm, tz=tz, items=items))
    if settings.watches(Dimension.unreachable):
        found += duty_signals.unreachable_candidates(session, since=now - UNREACHABLE_LOOKBACK)
    if settings.watches(Dimension.ack_latency):
        found += duty_signals.ack_latency_candidates(
            session,
            now=now,
            days=settings.ack_latency_days,
            limit_minutes=settings.ack_latency_minutes,
            min_samples=settings.ack_latency_min_samples,
        )
    if settings.watches(Dimension.roster_gap):
        found += roster_gaps.roster_gap_candidates(
            session, now=now, tz=tz, days=settings.roster_gap_days, calendar=calendar
        )
    return as_of.isoformat(), len(series), len(alarms), found


def run_detection(session: Session, *, now: datetime, tz: ZoneInfo) -> RunResult:
    """One detection run; commits once."""
    settings = insight_config.load(session)
    as_of, n_series, n_alarms, found = candidates(session, now=now, tz=tz, settings=settings)
    created = refreshed = notified = 0
    for candidate in found:
        warning, new, told = raise_warning(
            session, candidate, notify_level=settings.notify_level, now=now
        )
        if warning is None:
            continue
        created += new
        refreshed += not new
        notified += told
    session.commit()
    if created:
        log.info("early warning: %d new warnings (%d alarms)", created, n_alarms)
    return RunResult(as_of, n_series, n_alarms, created, refreshed, notified)


class Detector:
    """Runs detection for the ticker; each run is one transaction (the open_key constraint
    and idempotent notices make concurrent runs in several instances harmless)."""

    def __init__(
        self,
        open_session: Callable[[], AbstractContextManager[Session]],
        clock: Clock,
        tz: ZoneInfo,
    ) -> None:
        self._open = open_session
        self._clock = clock
        self._tz = tz

    def tick(self) -> RunResult:
        with self._open() as session:
            return run_detection(session, now=self._clock.now(), tz=self._tz)
