"""Early warnings: detection runs, records with evidence, duplicate suppression, notices,
acknowledgement and closing by staff.

A detection run (scheduled hourly in every instance, or on demand) loads the count series,
tests them (`complaints.detect`, windows ending on the last complete local day), adds the
duty-side signals (`complaints.duty_signals`, `complaints.roster_gaps`), and turns each
finding into a warning:

- If a warning with the same key is open or acknowledged, it is refreshed (evidence, counts,
  last detection) and no new warning or notice is made; a higher level raises its level.
- Else, unless a warning with that key was closed after the finding's newest evidence (staff
  have already dealt with it), a new warning opens. `open_key` is unique, so two instances
  racing for the same key end with one warning.
- A warning at or above the configured level notifies the leadership group once per level
  through `escalation.notices.queue_group_notice` (idempotent by key), sent by the
  dispatcher tick after the run commits.

Every state change (raise, level change, acknowledge, close) writes an audit entry in the
same transaction; a run commits once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from complaints import detect, duty_signals, hotspots, insight_config, roster_gaps
from complaints.candidates import Candidate
from complaints.detect import Alarm, WarningLevel
from complaints.insight_config import Dimension, InsightSettings
from complaints.insight_models import EarlyWarning, WarningStatus
from core import audit
from core.calendar_store import load_calendar
from core.clock import Clock
from core.errors import Conflict, NotFound
from escalation import notices
from escalation.models import CATEGORY_ZH, NoticeTopic

log = logging.getLogger("dutydesk.warnings")
LEADERSHIP_GROUP = "leadership"
UNREACHABLE_LOOKBACK = timedelta(days=7)
LEVEL_ZH = {
    WarningLevel.red: "红色",
    WarningLevel.orange: "橙色",
    WarningLevel.yellow: "黄色",
    WarningLevel.blue: "蓝色",
}
DIMENSION_ZH = {
    "total": "投诉举报总量",
    "domain": "领域",
    "district": "区域",
    "business": "经营者",
    "keyword": "关键词",
    "incident_category": "突发事件类别",
    "unreachable": "呼叫未送达",
    "ack_latency": "确认时效",
    "roster_gap": "值班缺员",
}


@dataclass(frozen=True)
class RunResult:
    as_of: str
    series: int
    alarms: int
    created: int
    refreshed: int
    notified: int


def summary(warning: EarlyWarning) -> dict[str, object]:
    return {
        "key": warning.key,
        "level": warning.level.value,
        "status": warning.status.value,
        "title": warning.title,
        "observed": warning.observed,
        "expected": warning.expected,
    }


# ---- candidates from alarms ------------------------------------------------------------------


def alarm_candidate(alarm: Alarm, *, tz: ZoneInfo, items: list[dict[str, object]]) -> Candidate:
    key = alarm.key
    label = (
        CATEGORY_ZH.get(key.value, key.label) if key.dimension == "incident_category" else key.label
    )
    what = DIMENSION_ZH.get(key.dimension, key.dimension)
    span = (
        f"{alarm.as_of:%m月%d日}"
        if alarm.window_days == 1
        else f"{alarm.window_start:%m月%d日}至{alarm.as_of:%m月%d日}"
    )
    title = f"{what}「{label}」{span}量升高：{alarm.observed} 件，基线 {alarm.expected:.1f} 件"
    text = (
        f"{span}共 {alarm.observed} 件，按此前 {alarm.baseline_days} 天"
        f"基线（含星期与节假日规律）预期 {alarm.expected:.1f} 件，为预期的 {alarm.ratio:.1f} 倍，"
        f"显著性 p={alarm.p_value:.1e}。"
    )
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
        label=label,
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
    )


# ---- raising ---------------------------------------------------------------------------------


def _live(session: Session, key: str) -> EarlyWarning | None:
    return session.exec(select(EarlyWarning).where(EarlyWarning.open_key == key)).first()


def _closed_since(session: Session, key: str, instant: datetime) -> bool:
    return (
        session.exec(
            select(EarlyWarning.id).where(
                EarlyWarning.key == key,
                EarlyWarning.status == WarningStatus.closed,
                col(EarlyWarning.closed_at) >= instant,
            )
        ).first()
        is not None
    )


def _apply(warning: EarlyWarning, found: Candidate, now: datetime) -> None:
    warning.label = found.label[:200]
    warning.title = found.title[:300]
    warning.summary = found.summary
    warning.evidence_json = json.dumps(found.evidence, ensure_ascii=False, default=str)
    warning.observed = found.observed
    warning.expected = found.expected
    warning.ratio = found.ratio if found.ratio is None or found.ratio < 1e12 else None
    warning.p_value = found.p_value
    warning.window_start, warning.window_end = found.window_start, found.window_end
    warning.last_detected_at = now


def _notify(
    session: Session, warning: EarlyWarning, *, notify_level: WarningLevel, now: datetime
) -> bool:
    assert warning.id is not None
    if warning.level.rank < notify_level.rank:
        return False
    if warning.notified_level is not None and warning.notified_level.rank >= warning.level.rank:
        return False
    body = (
        f"【DutyDesk】{LEVEL_ZH[warning.level]}预警：{warning.title}。{warning.summary[:300]}"
        f" 详见预警 #{warning.id}。"
    )
    queued = notices.queue_group_notice(
        session,
        key=f"warning:{warning.id}:{warning.level.value}",
        topic=NoticeTopic.warning,
        subject_ref=f"warning:{warning.id}",
        group=LEADERSHIP_GROUP,
        body=body,
        now=now,
    )
    warning.notified_level = warning.level
    session.add(warning)
    return queued is not None


def raise_warning(
    session: Session, found: Candidate, *, notify_level: WarningLevel, now: datetime
) -> tuple[EarlyWarning | None, bool, bool]:
    """(warning, created, notified); (None, False, False) when staff closed it already.
    The caller commits."""
    warning = _live(session, found.key)
    created = False
    if warning is None:
        if _closed_since(session, found.key, found.occurred_at):
            return None, False, False
        warning = EarlyWarning(
            key=found.key,
            open_key=found.key,
            dimension=found.dimension,
            subject=found.subject[:200],
            level=found.level,
            status=WarningStatus.open,
            title=found.title[:300],
            first_detected_at=now,
            last_detected_at=now,
        )
        _apply(warning, found, now)
        try:
            with session.begin_nested():
                session.add(warning)
                session.flush()
            created = True
        except IntegrityError:  # another instance opened it a moment ago
            warning = _live(session, found.key)
            if warning is None:
                raise
    if created:
        audit.record(
            session,
            at=now,
            actor="detection",
            action="warning.raise",
            entity_type="early_warning",
            entity_id=warning.id,
            after=summary(warning),
        )
    else:
        before = summary(warning)
        _apply(warning, found, now)
        warning.detections += 1
        if found.level.rank > warning.level.rank:
            warning.level = found.level
            audit.record(
                session,
                at=now,
                actor="detection",
                action="warning.level",
                entity_type="early_warning",
                entity_id=warning.id,
                before=before,
                after=summary(warning),
            )
        session.add(warning)
    notified = _notify(session, warning, notify_level=notify_level, now=now)
    return warning, created, notified


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


# ---- staff actions and reads -----------------------------------------------------------------


def get(session: Session, *, warning_id: int) -> EarlyWarning:
    warning = session.get(EarlyWarning, warning_id)
    if warning is None:
        raise NotFound(f"warning {warning_id} not found")
    return warning


def list_warnings(
    session: Session,
    *,
    status: WarningStatus | None = None,
    dimension: str | None = None,
    level: WarningLevel | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EarlyWarning], int]:
    query = select(EarlyWarning)
    counter = select(func.count()).select_from(EarlyWarning)
    for column, value in (
        (EarlyWarning.status, status),
        (EarlyWarning.dimension, dimension),
        (EarlyWarning.level, level),
    ):
        if value is not None:
            query = query.where(col(column) == value)
            counter = counter.where(col(column) == value)
    rows = session.exec(
        query.order_by(col(EarlyWarning.last_detected_at).desc(), col(EarlyWarning.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(session.exec(counter).one())


def acknowledge(session: Session, *, warning_id: int, actor: str, now: datetime) -> EarlyWarning:
    warning = get(session, warning_id=warning_id)
    if warning.status is WarningStatus.acknowledged:
        return warning
    if warning.status is WarningStatus.closed:
        raise Conflict(f"warning {warning_id} is closed")
    before = summary(warning)
    warning.status = WarningStatus.acknowledged
    warning.acknowledged_at, warning.acknowledged_by = now, actor
    session.add(warning)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="warning.acknowledge",
        entity_type="early_warning",
        entity_id=warning_id,
        before=before,
        after=summary(warning),
    )
    session.commit()
    return warning


def close(
    session: Session, *, warning_id: int, actor: str, now: datetime, note: str = ""
) -> EarlyWarning:
    warning = get(session, warning_id=warning_id)
    if warning.status is WarningStatus.closed:
        raise Conflict(f"warning {warning_id} is already closed")
    before = summary(warning)
    warning.status = WarningStatus.closed
    warning.open_key = None
    warning.closed_at, warning.closed_by, warning.close_note = now, actor, note
    if warning.acknowledged_at is None:
        warning.acknowledged_at, warning.acknowledged_by = now, actor
    session.add(warning)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="warning.close",
        entity_type="early_warning",
        entity_id=warning_id,
        before=before,
        after=summary(warning) | {"note": note},
    )
    session.commit()
    return warning


def raised_between(session: Session, *, start: datetime, end: datetime) -> list[EarlyWarning]:
    return list(
        session.exec(
            select(EarlyWarning)
            .where(
                col(EarlyWarning.first_detected_at) >= start,
                col(EarlyWarning.first_detected_at) < end,
            )
            .order_by(col(EarlyWarning.first_detected_at))
        ).all()
    )
