"""Early warnings: records with evidence, duplicate suppression, notices, acknowledgement
and closing by staff.

A detection run (`complaints.warning_detection`) turns each finding into a warning:

- If a warning with the same key is open or acknowledged, it is refreshed (evidence, counts,
  last detection) and no new warning or notice is made; a higher level raises its level.
- Else, unless a warning with that key was closed after the finding's newest evidence (staff
  have already dealt with it), a new warning opens. `open_key` is unique, so two instances
  racing for the same key end with one warning.
- A warning at or above the configured level notifies the leadership group once per level
  through `escalation.notices.queue_group_notice` (idempotent by key), sent by the
  dispatcher tick after the run commits.

Every state change (raise, level change, acknowledge, close) writes an audit entry in the
same transaction; raising leaves the commit to the run, which commits once.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import case
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from complaints import warning_keys
from complaints.candidates import Candidate
from complaints.detect import WarningLevel
from complaints.insight_models import EarlyWarning, WarningStatus
from core import audit
from core.errors import Conflict, NotFound
from escalation import notices
from escalation.models import NoticeTopic

LEADERSHIP_GROUP = "leadership"


def summary(warning: EarlyWarning) -> dict[str, object]:
    return {
        "key": warning.key,
        "level": warning.level.value,
        "status": warning.status.value,
        "title": warning.title,
        "observed": warning.observed,
        "expected": warning.expected,
    }


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
    warning.wording_key, warning.values = found.wording_key, dict(found.values)
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
    body = warning_keys.notice_zh(warning)
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


# ---- staff actions and reads -----------------------------------------------------------------


def get(session: Session, *, warning_id: int) -> EarlyWarning:
    warning = session.get(EarlyWarning, warning_id)
    if warning is None:
        raise NotFound(f"warning {warning_id} not found")
    return warning


#: red, orange, yellow, blue: the order warnings are listed in, before recency
_MOST_SERIOUS_FIRST = case(
    {level: -level.rank for level in WarningLevel}, value=col(EarlyWarning.level), else_=0
)


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
        query.order_by(
            _MOST_SERIOUS_FIRST,
            col(EarlyWarning.last_detected_at).desc(),
            col(EarlyWarning.id).desc(),
        )
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
