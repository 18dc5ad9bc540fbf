"""Incident use cases: acknowledge, escalate now, resolve, reopen, and the reads (an incident,
timeline, notifications); plus what every state change shares: the timeline entry
(`add_event`), the stored state (`store_state`), short codes and `commit_change`. Opening an
incident is `escalation.opening`; the list, a page at a time, is `escalation.listing`; the
replies people send back are `escalation.replies`.

Each function commits once; every state change writes a timeline event and an audit entry.
- Acknowledging or resolving twice is a no-op; short codes are unique among unresolved
  incidents, also after a reopen.
Pages themselves are created by the dispatcher tick (`escalation.dispatch`), never here.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, NotFound
from escalation import codec, commands, engine, timeline_keys
from escalation.models import (
    Incident,
    IncidentEvent,
    Notification,
)
from escalation.policy import policy_from_dict
from escalation.state import AckSource, EscalationState, IncidentStatus, InvalidTransition


def add_event(
    session: Session,
    incident_id: int,
    *,
    at: datetime,
    kind: str,
    text: str,
    key: str,
    values: Mapping[str, Any],
    actor: str = "system",
    notification_id: int | None = None,
) -> IncidentEvent:
    """A timeline entry of the incident: its English `text`, the `key` of its phrase and the
    `values` the phrase says (`timeline_keys.KEYS`); the caller commits."""
    event = IncidentEvent(
        incident_id=incident_id,
        at=at,
        kind=kind,
        text=text,
        key=key,
        values=dict(values),
        actor=actor,
        notification_id=notification_id,
    )
    session.add(event)
    return event


def summary(incident: Incident) -> dict[str, object]:
    return {
        "status": incident.status.value,
        "severity": incident.severity.value,
        "category": incident.category.value,
        "title": incident.title,
    }


def get_incident(session: Session, *, incident_id: int, for_update: bool = False) -> Incident:
    """`for_update`: lock the row to the commit (PostgreSQL), for a change that depends on
    the incident's state; the dispatcher claims rows the same way, so an acknowledgement, a
    resolution and a climb of one incident take turns and each sees the one before."""
    incident = (
        session.get(Incident, incident_id, with_for_update=True, populate_existing=True)
        if for_update
        else session.get(Incident, incident_id)
    )
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    return incident


def short_codes(session: Session, *, incident_ids: Iterable[int]) -> dict[int, str]:
    """The codes incidents are called by on their pages and in the SMS (#5143), by id, for
    records that store an incident's row id; ids of no incident are left out."""
    ids = sorted(set(incident_ids))
    if not ids:
        return {}
    rows = session.exec(select(Incident.id, Incident.short_code).where(col(Incident.id).in_(ids)))
    return {number: code for number, code in rows if number is not None}


def unresolved_at(session: Session, *, at: datetime) -> list[Incident]:
    """Incidents open or acknowledged at `at` (opened by then, and unresolved or resolved
    only later), oldest first: what a handover at `at` leaves unfinished."""
    return list(
        session.exec(
            select(Incident)
            .where(col(Incident.opened_at) <= at)
            .where(
                or_(
                    col(Incident.status) != IncidentStatus.resolved,
                    col(Incident.resolved_at) > at,
                )
            )
            .order_by(col(Incident.opened_at), col(Incident.id))
        ).all()
    )


def timeline(session: Session, *, incident_id: int) -> list[IncidentEvent]:
    return list(
        session.exec(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
        ).all()
    )


def timelines(session: Session, *, incident_ids: Iterable[int]) -> dict[int, list[IncidentEvent]]:
    """`timeline` of each of `incident_ids` in one query (a list page shows many)."""
    ids = sorted(set(incident_ids))
    found: dict[int, list[IncidentEvent]] = {i: [] for i in ids}
    if ids:
        for event in session.exec(
            select(IncidentEvent)
            .where(col(IncidentEvent.incident_id).in_(ids))
            .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
        ).all():
            found[event.incident_id].append(event)
    return found


def notifications(
    session: Session, *, incident_id: int | None = None, limit: int = 200
) -> list[Notification]:
    query = select(Notification).order_by(col(Notification.id).desc()).limit(limit)
    if incident_id is not None:
        query = query.where(Notification.incident_id == incident_id)
    return list(session.exec(query).all())


def new_short_code(session: Session) -> str:
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


def store_state(incident: Incident, state: EscalationState) -> None:
    """`state` onto the incident: its JSON, status and next wake-up under its frozen policy."""
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
    key: str,
    values: Mapping[str, Any],
    actor: str,
    now: datetime,
    after: dict[str, object] | None = None,
    audit_actor: str | None = None,
) -> Incident:
    """Timeline entry + audit entry + commit, for every state change of an incident; the
    audit's `after` is the incident's summary unless given, its actor `actor` unless
    `audit_actor` names the user who acted for someone else (an outbox reply)."""
    assert incident.id is not None
    session.add(incident)
    add_event(
        session, incident.id, at=now, kind=kind, actor=actor, text=text, key=key, values=values
    )
    audit.record(
        session,
        at=now,
        actor=audit_actor or actor,
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
    via: AckSource,
    person_id: int | None = None,
    audit_actor: str | None = None,
    who: Mapping[str, Any] | None = None,
) -> Incident:
    """Stop the escalation. `actor` is who acknowledged (acknowledged_by, the timeline);
    `audit_actor`, when given, the signed-in user who did it for them (an outbox reply);
    `who` the timeline's values naming them (`timeline_keys.who`; by default `actor` and
    `person_id`). Acknowledging twice is a no-op."""
    incident = get_incident(session, incident_id=incident_id, for_update=True)
    if incident.status is IncidentStatus.acknowledged:
        return incident
    before = summary(incident)
    try:
        state, _ = commands.acknowledge(
            codec.loads(incident.state_json), person_id or 0, now, via=via
        )
    except InvalidTransition as exc:
        raise Conflict(str(exc)) from exc
    store_state(incident, state)
    incident.acknowledged_at, incident.acknowledged_by = now, actor
    return commit_change(
        session,
        incident,
        before=before,
        kind="acknowledged",
        actor=actor,
        now=now,
        text=f"acknowledged by {actor} via {via}; escalation stopped",
        key="acknowledged",
        values=dict(who or timeline_keys.who(actor, person_id)) | {"via": via},
        after=summary(incident) | {"acknowledged_by": actor, "via": via},
        audit_actor=audit_actor,
    )


def resolve(session: Session, *, incident_id: int, actor: str, now: datetime) -> Incident:
    """Close the incident. Resolving twice is a no-op, like acknowledging twice: the first
    resolution's time, timeline entry and audit entry stand."""
    incident = get_incident(session, incident_id=incident_id, for_update=True)
    if incident.status is IncidentStatus.resolved:
        return incident
    before = summary(incident)
    state, _ = commands.resolve(codec.loads(incident.state_json), 0, now)
    store_state(incident, state)
    incident.resolved_at = now
    return commit_change(
        session,
        incident,
        before=before,
        kind="resolved",
        actor=actor,
        now=now,
        text=f"resolved by {actor}",
        key="resolved",
        values=timeline_keys.who(actor),
    )


def reopen(session: Session, *, incident_id: int, actor: str, now: datetime) -> Incident:
    """Take a resolved incident back to open. Its short code is kept unless an unresolved
    incident took it meanwhile (codes are unique among unresolved incidents only): then it
    gets a new one, which the timeline states and the next pages carry."""
    incident = get_incident(session, incident_id=incident_id, for_update=True)
    before = summary(incident) | {"short_code": incident.short_code}
    try:
        state, _ = commands.reopen(codec.loads(incident.state_json), now)
    except InvalidTransition as exc:
        raise Conflict(str(exc)) from exc
    text = f"reopened by {actor}; escalation restarts at step 1"
    values = timeline_keys.who(actor) | {"old_code": None, "new_code": None}
    if _short_code_taken(session, incident.short_code):
        old, incident.short_code = incident.short_code, new_short_code(session)
        text += f"; its code {old} is now another incident's, new code {incident.short_code}"
        values |= {"old_code": old, "new_code": incident.short_code}
    store_state(incident, state)
    incident.acknowledged_at = incident.acknowledged_by = incident.resolved_at = None
    return commit_change(
        session,
        incident,
        before=before,
        kind="reopened",
        actor=actor,
        now=now,
        text=text,
        key="reopened",
        values=values,
        after=summary(incident) | {"short_code": incident.short_code},
    )


def request_escalation(
    session: Session,
    *,
    incident_id: int,
    actor: str,
    now: datetime,
    audit_actor: str | None = None,
    who: Mapping[str, Any] | None = None,
) -> None:
    """Press 2 / "esc": the next tick climbs at once (the tick resolves the next step).
    `audit_actor` and `who` as for `acknowledge`."""
    incident = get_incident(session, incident_id=incident_id, for_update=True)
    if incident.status is not IncidentStatus.open:
        raise Conflict(f"incident is {incident.status.value}")
    add_event(
        session,
        incident_id,
        at=now,
        kind="escalate_requested",
        actor=actor,
        text=f"{actor} asked to escalate now",
        key="escalate_requested",
        values=who or timeline_keys.who(actor),
    )
    incident.next_wakeup_at = now
    incident.escalate_requested = True
    session.add(incident)
    audit.record(
        session,
        at=now,
        actor=audit_actor or actor,
        action="incident.escalate_now",
        entity_type="incident",
        entity_id=incident_id,
    )
    session.commit()


def record_event(
    session: Session,
    *,
    incident_id: int,
    now: datetime,
    kind: str,
    text: str,
    key: str,
    values: Mapping[str, Any],
    notification_id: int | None = None,
) -> None:
    """A timeline entry from outside the state machine (e.g. a delivery status); the caller
    commits."""
    add_event(
        session,
        incident_id,
        at=now,
        kind=kind,
        text=text,
        key=key,
        values=values,
        notification_id=notification_id,
    )
