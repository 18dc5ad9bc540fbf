"""Incident use cases: open (with deduplication and a frozen policy), acknowledge, escalate
now, resolve, reopen, and the replies that come back from people (SMS, key press, outbox).

Each function commits once; every state change writes a timeline event and an audit entry.
Pages themselves are created by the dispatcher tick (`escalation.dispatch`), never here, so
the web request that opens an incident returns at once.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, NotFound
from escalation import codec, engine, plans
from escalation.engine import IncidentStatus
from escalation.models import (
    Incident,
    IncidentCreate,
    IncidentEvent,
    Notification,
)
from escalation.policy import Severity, policy_from_dict, policy_to_dict
from oncall.models import ContactMethod

DEDUP_WINDOW = timedelta(minutes=30)
ACK_WORDS = {"ack", "ok", "1", "确认", "收到", "好"}
ESCALATE_WORDS = {"esc", "2", "升级"}
_REPLY = re.compile(r"^\s*(\d{4})\s*(\S+)?\s*$")


def _event(
    session: Session,
    incident_id: int,
    *,
    at: datetime,
    kind: str,
    text: str,
    actor: str = "system",
    notification_id: int | None = None,
) -> None:
    session.add(
        IncidentEvent(
            incident_id=incident_id,
            at=at,
            kind=kind,
            text=text,
            actor=actor,
            notification_id=notification_id,
        )
    )


def summary(incident: Incident) -> dict[str, object]:
    return {
        "status": incident.status.value,
        "severity": incident.severity.value,
        "category": incident.category.value,
        "title": incident.title,
    }


def get_incident(session: Session, *, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    return incident


def list_incidents(
    session: Session, *, status: IncidentStatus | None = None, limit: int = 100
) -> list[Incident]:
    query = select(Incident).order_by(col(Incident.id).desc()).limit(limit)
    if status is not None:
        query = query.where(Incident.status == status)
    return list(session.exec(query).all())


def timeline(session: Session, *, incident_id: int) -> list[IncidentEvent]:
    return list(
        session.exec(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
        ).all()
    )


def notifications(
    session: Session, *, incident_id: int | None = None, limit: int = 200
) -> list[Notification]:
    query = select(Notification).order_by(col(Notification.id).desc()).limit(limit)
    if incident_id is not None:
        query = query.where(Notification.incident_id == incident_id)
    return list(session.exec(query).all())


def _short_code(session: Session) -> str:
    """A 4-digit code no unresolved incident holds. Random probes first (one indexed lookup
    each); only when they keep colliding, the full list of codes in use."""
    for _ in range(SHORT_CODE_PROBES):
        code = f"{secrets.randbelow(9000) + 1000}"
        if not _short_code_taken(session, code):
            return code
    taken = set(
        session.exec(
            select(Incident.short_code).where(Incident.status != IncidentStatus.resolved)
        ).all()
    )
    while True:
        code = f"{secrets.randbelow(9000) + 1000}"
        if code not in taken:
            return code


SHORT_CODE_PROBES = 20


def _short_code_taken(session: Session, code: str) -> bool:
    return (
        session.exec(
            select(Incident.id)
            .where(Incident.short_code == code, Incident.status != IncidentStatus.resolved)
            .limit(1)
        ).first()
        is not None
    )


def open_incident(
    session: Session, *, data: IncidentCreate, actor: str, now: datetime
) -> tuple[Incident, bool]:
    """Open an incident, or attach the report to an open one for the same event.

    Returns (incident, deduplicated). The plan's policy is frozen into the incident.
    """
    result = open_incident_uncommitted(session, data=data, actor=actor, now=now)
    session.commit()
    return result


def open_incident_uncommitted(
    session: Session,
    *,
    data: IncidentCreate,
    actor: str,
    now: datetime,
    complaint_ref: str | None = None,
) -> tuple[Incident, bool]:
    """`open_incident` inside the caller's transaction (the caller commits), e.g. an urgent
    complaint that opens its incident in the same commit; `complaint_ref` links it back
    (set only on a new incident: a deduplicated one keeps its first reference)."""
    if data.place:
        duplicate = session.exec(
            select(Incident)
            .where(
                Incident.status == IncidentStatus.open,
                Incident.category == data.category,
                Incident.place == data.place,
                col(Incident.opened_at) >= now - DEDUP_WINDOW,
            )
            .order_by(col(Incident.id).desc())
        ).first()
        if duplicate is not None and duplicate.id is not None:
            duplicate.duplicate_reports += 1
            session.add(duplicate)
            _event(
                session,
                duplicate.id,
                at=now,
                kind="duplicate",
                actor=actor,
                text=f"another report of the same event attached: {data.title}"
                + (f" (caller {data.caller_name})" if data.caller_name else ""),
            )
            audit.record(
                session,
                at=now,
                actor=actor,
                action="incident.duplicate",
                entity_type="incident",
                entity_id=duplicate.id,
                after={"title": data.title},
            )
            session.flush()
            return duplicate, True
    plan = plans.plan_for(session, category=data.category.value, severity=Severity(data.severity))
    state = engine.open_state(now)
    incident = Incident(
        title=data.title,
        description=data.description,
        category=data.category,
        severity=data.severity,
        place=data.place,
        caller_name=data.caller_name,
        caller_phone=data.caller_phone,
        status=IncidentStatus.open,
        short_code=_short_code(session),
        policy_json=json.dumps(policy_to_dict(plan.policy)),
        state_json=codec.dumps(state),
        initial_report_minutes=plan.deadlines.initial_report_minutes,
        written_report_minutes=plan.deadlines.written_report_minutes,
        next_wakeup_at=now,
        opened_at=now,
        opened_by=actor,
        complaint_ref=complaint_ref,
    )
    session.add(incident)
    session.flush()
    assert incident.id is not None
    _event(
        session,
        incident.id,
        at=now,
        kind="opened",
        actor=actor,
        text=f"opened: {data.severity.value} {data.category.value} — plan {plan.policy.name}",
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.open",
        entity_type="incident",
        entity_id=incident.id,
        after=summary(incident),
    )
    session.flush()
    return incident, False


def _store(incident: Incident, state: engine.EscalationState) -> None:
    incident.state_json = codec.dumps(state)
    incident.status = state.status
    policy = policy_from_dict(json.loads(incident.policy_json))
    incident.next_wakeup_at = engine.next_wakeup(state, policy)


def commit_change(
    session: Session,
    incident: Incident,
    *,
    before: dict[str, object],
    kind: str,
    text: str,
    actor: str,
    now: datetime,
    after: dict[str, object] | None = None,
) -> Incident:
    """Timeline entry + audit entry + commit, for every state change of an incident; the
    audit's `after` is the incident's summary unless given."""
    assert incident.id is not None
    session.add(incident)
    _event(session, incident.id, at=now, kind=kind, actor=actor, text=text)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"incident.{kind}",
        entity_type="incident",
        entity_id=incident.id,
        before=before,
        after=summary(incident) if after is None else after,
    )
    session.commit()
    return incident


def acknowledge(
    session: Session,
    *,
    incident_id: int,
    actor: str,
    now: datetime,
    via: engine.AckSource,
    person_id: int | None = None,
) -> Incident:
    incident = get_incident(session, incident_id=incident_id)
    if incident.status is IncidentStatus.acknowledged:
        return incident
    before = summary(incident)
    try:
        state, _ = engine.acknowledge(
            codec.loads(incident.state_json), person_id or 0, now, via=via
        )
    except engine.InvalidTransition as exc:
        raise Conflict(str(exc)) from exc
    _store(incident, state)
    incident.acknowledged_at, incident.acknowledged_by = now, actor
    return commit_change(
        session,
        incident,
        before=before,
        kind="acknowledged",
        actor=actor,
        now=now,
        text=f"acknowledged by {actor} via {via}; escalation stopped",
    )


def resolve(session: Session, *, incident_id: int, actor: str, now: datetime) -> Incident:
    incident = get_incident(session, incident_id=incident_id)
    before = summary(incident)
    state, _ = engine.resolve(codec.loads(incident.state_json), 0, now)
    _store(incident, state)
    incident.resolved_at = now
    return commit_change(
        session,
        incident,
        before=before,
        kind="resolved",
        actor=actor,
        now=now,
        text=f"resolved by {actor}",
    )


def reopen(session: Session, *, incident_id: int, actor: str, now: datetime) -> Incident:
    incident = get_incident(session, incident_id=incident_id)
    before = summary(incident)
    try:
        state, _ = engine.reopen(codec.loads(incident.state_json), now)
    except engine.InvalidTransition as exc:
        raise Conflict(str(exc)) from exc
    _store(incident, state)
    incident.acknowledged_at = incident.acknowledged_by = incident.resolved_at = None
    return commit_change(
        session,
        incident,
        before=before,
        kind="reopened",
        actor=actor,
        now=now,
        text=f"reopened by {actor}; escalation restarts at step 1",
    )


def request_escalation(session: Session, *, incident_id: int, actor: str, now: datetime) -> None:
    """Press 2 / "esc": the next tick climbs at once (the tick resolves the next step)."""
    incident = get_incident(session, incident_id=incident_id)
    if incident.status is not IncidentStatus.open:
        raise Conflict(f"incident is {incident.status.value}")
    _event(
        session,
        incident_id,
        at=now,
        kind="escalate_requested",
        actor=actor,
        text=f"{actor} asked to escalate now",
    )
    incident.next_wakeup_at = now
    incident.escalate_requested = True
    session.add(incident)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.escalate_now",
        entity_type="incident",
        entity_id=incident_id,
    )
    session.commit()


def person_for_number(session: Session, number: str) -> int | None:
    return session.exec(
        select(ContactMethod.person_id).where(ContactMethod.value == number)
    ).first()


def handle_reply(
    session: Session, *, from_number: str, body: str, now: datetime, via: engine.AckSource = "sms"
) -> str:
    """An SMS (or outbox) reply such as "1234 ack" / "1234 确认" / "1234 esc". Returns the
    answer text to send back."""
    match = _REPLY.match(body.strip().lower())
    if match is None:
        return "未识别。请回复 事件码+确认，例如 1234 确认"
    code, word = match.group(1), (match.group(2) or "ack")
    incident = session.exec(
        select(Incident)
        .where(Incident.short_code == code, Incident.status != IncidentStatus.resolved)
        .order_by(col(Incident.id).desc())
    ).first()
    if incident is None or incident.id is None:
        return f"事件码 {code} 不存在或已办结"
    person_id = person_for_number(session, from_number)
    actor = f"person:{person_id}" if person_id else from_number
    if word in ESCALATE_WORDS:
        request_escalation(session, incident_id=incident.id, actor=actor, now=now)
        return f"事件 {code} 已升级"
    if word in ACK_WORDS:
        acknowledge(
            session, incident_id=incident.id, actor=actor, now=now, via=via, person_id=person_id
        )
        return f"事件 {code} 已确认，谢谢"
    return "未识别。请回复 事件码+确认，例如 1234 确认"


def record_event(
    session: Session,
    *,
    incident_id: int,
    now: datetime,
    kind: str,
    text: str,
    notification_id: int | None = None,
) -> None:
    """A timeline entry from outside the state machine (e.g. a delivery status); the caller
    commits."""
    _event(session, incident_id, at=now, kind=kind, text=text, notification_id=notification_id)
