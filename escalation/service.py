"""Incident use cases: open (with deduplication and a frozen policy), acknowledge, escalate
now, resolve, reopen, and the replies that come back from people (SMS, key press, outbox).

Each function commits once; every state change writes a timeline event and an audit entry.
- A second report of the same place and category within `DEDUP_WINDOW` attaches to the
  unresolved (open or acknowledged) incident with the reporter's details; a more severe one
  raises the incident's level and plan (`_raise_severity`).
- Acknowledging or resolving twice is a no-op; short codes are unique among unresolved
  incidents, also after a reopen.
- Only someone paged for an incident acknowledges or escalates it by reply (`_paged`; a
  group broadcast pages nobody in particular); every reply naming an unresolved incident
  goes on its timeline, others are audited. Replies and key presses never fail on the
  incident's state: they answer what it is.
Pages themselves are created by the dispatcher tick (`escalation.dispatch`), never here, so
the web request that opens an incident returns at once.
"""

from __future__ import annotations

import json
import logging
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

log = logging.getLogger("dutydesk.escalation")
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
                Incident.status != IncidentStatus.resolved,
                Incident.category == data.category,
                Incident.place == data.place,
                col(Incident.opened_at) >= now - DEDUP_WINDOW,
            )
            .order_by(col(Incident.id).desc())
        ).first()
        if duplicate is not None:
            _attach_duplicate(session, duplicate, data=data, actor=actor, now=now)
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


def _attach_duplicate(
    session: Session, incident: Incident, *, data: IncidentCreate, actor: str, now: datetime
) -> None:
    """Attach another report of the same event (open or acknowledged) to `incident`: the
    reporter's details go on the timeline and into the audit; a more severe report raises
    the incident's level (`_raise_severity`)."""
    assert incident.id is not None
    incident.duplicate_reports += 1
    session.add(incident)
    report = {
        "title": data.title,
        "severity": data.severity.value,
        "description": data.description,
        "caller_name": data.caller_name,
        "caller_phone": data.caller_phone,
    }
    caller = ", ".join(x for x in (data.caller_name, data.caller_phone or "") if x)
    _event(
        session,
        incident.id,
        at=now,
        kind="duplicate",
        actor=actor,
        text=f"another report of the same event attached: {data.severity.value} {data.title}"
        + (f" (caller {caller})" if caller else "")
        + (f": {data.description}" if data.description else ""),
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.duplicate",
        entity_type="incident",
        entity_id=incident.id,
        after=report,
    )
    if Severity(data.severity).rank < incident.severity.rank:
        _raise_severity(session, incident, severity=Severity(data.severity), actor=actor, now=now)
    session.flush()


def _raise_severity(
    session: Session, incident: Incident, *, severity: Severity, actor: str, now: datetime
) -> None:
    """A more severe report: the incident takes the new level and its plan, as a duty centre
    would have done had the first report said so.

    - The new level's policy is frozen in; while open, the escalation goes on from the step
      it stands at under that policy (`engine.upgrade`): that step's people are paged again
      at once with the new level, and the groups the new plan tells up to there are told.
      An acknowledged incident stays acknowledged (someone owns it); a reopen runs the new
      policy.
    - Reporting deadlines become the new level's, counted from this report (the moment the
      centre learnt of the higher level), but never later than those already running.
    """
    assert incident.id is not None
    before = summary(incident)
    plan = plans.plan_for(session, category=incident.category.value, severity=severity)
    incident.severity = severity
    incident.policy_json = json.dumps(policy_to_dict(plan.policy))
    elapsed = -(-(now - incident.opened_at) // timedelta(minutes=1))  # whole minutes, rounded up
    incident.initial_report_minutes = min(
        incident.initial_report_minutes, elapsed + plan.deadlines.initial_report_minutes
    )
    incident.written_report_minutes = min(
        incident.written_report_minutes, elapsed + plan.deadlines.written_report_minutes
    )
    state, _ = engine.upgrade(codec.loads(incident.state_json), plan.policy, now)
    _store(incident, state)
    session.add(incident)
    restart = (
        f"; escalation goes on at step {state.step_index + 1} under it, paging again now"
        if state.status is IncidentStatus.open
        else ""
    )
    _event(
        session,
        incident.id,
        at=now,
        kind="severity_raised",
        actor=actor,
        text=f"severity raised from {before['severity']} to {severity.value} by a new report: "
        f"plan {plan.policy.name}{restart}; reports due {incident.initial_report_minutes} / "
        f"{incident.written_report_minutes} min after opening",
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.severity_raised",
        entity_type="incident",
        entity_id=incident.id,
        before=before,
        after=summary(incident)
        | {
            "initial_report_minutes": incident.initial_report_minutes,
            "written_report_minutes": incident.written_report_minutes,
        },
    )


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
    """Close the incident. Resolving twice is a no-op, like acknowledging twice: the first
    resolution's time, timeline entry and audit entry stand."""
    incident = get_incident(session, incident_id=incident_id)
    if incident.status is IncidentStatus.resolved:
        return incident
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
    """Take a resolved incident back to open. Its short code is kept unless an unresolved
    incident took it meanwhile (codes are unique among unresolved incidents only): then it
    gets a new one, which the timeline states and the next pages carry."""
    incident = get_incident(session, incident_id=incident_id)
    before = summary(incident) | {"short_code": incident.short_code}
    try:
        state, _ = engine.reopen(codec.loads(incident.state_json), now)
    except engine.InvalidTransition as exc:
        raise Conflict(str(exc)) from exc
    text = f"reopened by {actor}; escalation restarts at step 1"
    if _short_code_taken(session, incident.short_code):
        old, incident.short_code = incident.short_code, _short_code(session)
        text += f"; its code {old} is now another incident's, new code {incident.short_code}"
    _store(incident, state)
    incident.acknowledged_at = incident.acknowledged_by = incident.resolved_at = None
    return commit_change(
        session,
        incident,
        before=before,
        kind="reopened",
        actor=actor,
        now=now,
        text=text,
        after=summary(incident) | {"short_code": incident.short_code},
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


def _paged(session: Session, incident_id: int, number: str) -> tuple[bool, int | None]:
    """Whether `number` belongs to someone paged for the incident, and who it is.

    Paged means: the recipient of one of the incident's person notifications (any status,
    any episode), reached by that very number or replying from another number of theirs in
    the directory. Group broadcasts page nobody in particular (their recipient is a group
    name, not a phone), so no reply can claim them.
    """
    pages = session.exec(
        select(Notification.person_id, Notification.to).where(
            Notification.incident_id == incident_id, col(Notification.person_id).is_not(None)
        )
    ).all()
    for person_id, to in pages:
        if to == number:
            return True, person_id
    owners = set(
        session.exec(select(ContactMethod.person_id).where(ContactMethod.value == number)).all()
    )
    paged_owners = owners & {person_id for person_id, _ in pages}
    if paged_owners:
        return True, min(paged_owners)
    return False, min(owners) if owners else None


UNRECOGNISED = "未识别。请回复 事件码+确认，例如 1234 确认"


def handle_reply(
    session: Session, *, from_number: str, body: str, now: datetime, via: engine.AckSource = "sms"
) -> str:
    """An SMS (or outbox) reply such as "1234 ack" / "1234 确认" / "1234 esc". Returns the
    answer text to send back; never raises for the state the incident is in.

    Only someone paged for the incident (`_paged`) acknowledges or escalates by reply; any
    other sender is told so and the escalation keeps running. Every reply whose code names
    an unresolved incident goes on its timeline (with what came of it); a reply that names
    none is logged and audited (`incident.reply_unmatched`).
    """
    text = body.strip()
    match = _REPLY.match(text.lower())
    code = match.group(1) if match else None
    incident = None
    if code is not None:
        incident = session.exec(
            select(Incident)
            .where(Incident.short_code == code, Incident.status != IncidentStatus.resolved)
            .order_by(col(Incident.id).desc())
        ).first()
    if match is None or incident is None or incident.id is None:
        _unmatched(session, from_number=from_number, body=text, now=now)
        return UNRECOGNISED if code is None else f"事件码 {code} 不存在或已办结"
    word = match.group(2) or "ack"
    paged, person_id = _paged(session, incident.id, from_number)
    actor = f"person:{person_id}" if person_id else from_number
    said = f"reply from {from_number}: {text}"
    if not paged:
        who = f"person {person_id}" if person_id else "an unknown sender"
        _event(
            session,
            incident.id,
            at=now,
            kind="reply_refused",
            actor=actor,
            text=f"{said} — refused: {who}, not paged for this incident; escalation continues",
        )
        audit.record(
            session,
            at=now,
            actor=actor,
            action="incident.reply_refused",
            entity_type="incident",
            entity_id=incident.id,
            after={"from": from_number, "body": text},
        )
        session.commit()
        if person_id:
            return f"您未接到事件 {code} 的通知，不能确认或升级"
        return f"{from_number} 未登记或未接到事件 {code} 的通知，不能确认或升级"
    open_ = incident.status is IncidentStatus.open
    if word in ESCALATE_WORDS and open_:
        _event(session, incident.id, at=now, kind="reply", actor=actor, text=said)
        request_escalation(session, incident_id=incident.id, actor=actor, now=now)
        return f"事件 {code} 已升级"
    if word in ACK_WORDS and open_:
        _event(session, incident.id, at=now, kind="reply", actor=actor, text=said)
        acknowledge(
            session, incident_id=incident.id, actor=actor, now=now, via=via, person_id=person_id
        )
        return f"事件 {code} 已确认，谢谢"
    if word in ACK_WORDS | ESCALATE_WORDS:
        outcome = f"already acknowledged by {incident.acknowledged_by}; nothing changed"
        answer = f"事件 {code} 已由 {incident.acknowledged_by} 确认，无需再确认或升级"
    else:
        outcome, answer = "not understood; nothing changed", UNRECOGNISED
    _event(session, incident.id, at=now, kind="reply", actor=actor, text=f"{said} — {outcome}")
    session.commit()
    return answer


def _unmatched(session: Session, *, from_number: str, body: str, now: datetime) -> None:
    """A reply that names no unresolved incident: logged and audited, nothing else."""
    log.info("reply from %s names no unresolved incident: %r", from_number, body)
    audit.record(
        session,
        at=now,
        actor=from_number or "unknown",
        action="incident.reply_unmatched",
        entity_type="reply",
        entity_id=from_number or "unknown",
        after={"from": from_number, "body": body},
    )
    session.commit()


def handle_key_press(
    session: Session, *, notification: Notification, digits: str, now: datetime
) -> str:
    """A key pressed during a voice page: 1 acknowledges, 2 escalates now (while open).
    Returns what to say back; never raises for the state the incident is in. A press that
    changes nothing goes on the timeline with the reason."""
    assert notification.incident_id is not None
    incident = get_incident(session, incident_id=notification.incident_id)
    assert incident.id is not None
    actor = f"person:{notification.person_id}"
    if incident.status is IncidentStatus.open and digits == "1":
        acknowledge(
            session,
            incident_id=incident.id,
            actor=actor,
            now=now,
            via="voice",
            person_id=notification.person_id,
        )
        return "已确认，谢谢。"
    if incident.status is IncidentStatus.open and digits == "2":
        request_escalation(session, incident_id=incident.id, actor=actor, now=now)
        return "已升级。"
    if digits not in ("1", "2"):
        outcome, answer = "not understood", "未识别的按键。"
    elif incident.status is IncidentStatus.acknowledged:
        outcome = f"already acknowledged by {incident.acknowledged_by}"
        answer = "该事件已有人确认，无需再确认或升级。"
    else:
        outcome, answer = "the incident is already resolved", "该事件已办结，无需处理。"
    _event(
        session,
        incident.id,
        at=now,
        kind="key_press",
        actor=actor,
        text=f"key {digits or '(none)'} pressed on the call to {notification.to} — {outcome}; "
        "nothing changed",
        notification_id=notification.id,
    )
    session.commit()
    return answer


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
