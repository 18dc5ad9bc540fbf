"""Advancing due incidents, the first half of a dispatcher tick (escalation.dispatch): claims
open incidents whose `next_wakeup_at` has passed (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on
SQLite the write transaction starts with BEGIN IMMEDIATE, so ticks are serialised), resolves
each step's targets through oncall at this moment, runs the pure state machine and writes the
resulting pages into the outbox (`notification`, unique idempotency key) and the timeline,
then commits. Nothing is sent here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from escalation import codec, engine, targets
from escalation.models import Incident
from escalation.paging import PassLookups, queue_page
from escalation.policy import policy_from_dict
from escalation.service import add_event
from escalation.state import Broadcast, Exhausted, IncidentStatus, Notify, TimelineNote


def advance_due(
    session: Session,
    *,
    now: datetime,
    batch: int,
    tz: ZoneInfo,
    channel: str,
    group_channel: Callable[[str], str],
) -> int:
    """Claims up to `batch` incidents due at `now`, advances each, commits; returns how many.
    Pages go to `channel` (the dispatcher's), a group's broadcast to `group_channel(group)`."""
    query = (
        select(Incident)
        .where(
            # acknowledged: groups a raised severity still has to tell (commands.upgrade)
            col(Incident.status).in_([IncidentStatus.open, IncidentStatus.acknowledged]),
            col(Incident.next_wakeup_at) <= now,
        )
        .order_by(col(Incident.next_wakeup_at))
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    incidents = list(session.exec(query).all())
    lookups = PassLookups.for_incidents(session, incidents)
    for incident in incidents:
        _advance_one(
            session,
            incident,
            now=now,
            lookups=lookups,
            tz=tz,
            channel=channel,
            group_channel=group_channel,
        )
    session.commit()
    return len(incidents)


def _advance_one(
    session: Session,
    incident: Incident,
    *,
    now: datetime,
    lookups: PassLookups,
    tz: ZoneInfo,
    channel: str,
    group_channel: Callable[[str], str],
) -> None:
    assert incident.id is not None
    policy = policy_from_dict(json.loads(incident.policy_json))
    state = codec.loads(incident.state_json)
    resolved = targets.resolve_policy(session, policy, at=now, tz=tz, cache=lookups.targets)
    own = lookups.own_rules(session, frozenset().union(*resolved.values()))
    if incident.escalate_requested:
        state, actions = engine.escalate_now(
            state, policy, now, incident_id=incident.id, resolved=resolved, own_rules=own
        )
        incident.escalate_requested = False
    else:
        state, actions = engine.advance(
            state, policy, now, incident_id=incident.id, resolved=resolved, own_rules=own
        )
    lookups.read_people(session, {a.person_id for a in actions if isinstance(a, Notify)})
    for action in actions:
        if isinstance(action, Notify):
            _page(session, incident, action, lookups=lookups, now=now, channel=channel)
        elif isinstance(action, Broadcast):
            row = queue_page(
                session,
                incident=incident,
                key=action.idempotency_key,
                person_id=None,
                kind="broadcast",
                channel=group_channel(action.group),
                to=action.group,
                now=now,
                queued_keys=lookups.queued_keys,
            )
            if row is not None:
                add_event(
                    session,
                    incident.id,
                    at=now,
                    kind="broadcast",
                    text=f"broadcast to group {action.group}",
                    key="broadcast",
                    values={"group": action.group},
                    notification_id=row.id,
                )
        elif isinstance(action, TimelineNote):
            add_event(
                session,
                incident.id,
                at=now,
                kind="note",
                text=action.text,
                key=action.key,
                values=action.values,
            )
        elif isinstance(action, Exhausted):
            add_event(
                session,
                incident.id,
                at=now,
                kind="exhausted",
                text="every step paged without acknowledgement; repeating the last step",
                key="exhausted",
                values={},
            )
    incident.state_json = codec.dumps(state)
    incident.status = state.status
    incident.next_wakeup_at = engine.next_wakeup(state, policy)
    session.add(incident)


def _page(
    session: Session,
    incident: Incident,
    action: Notify,
    *,
    lookups: PassLookups,
    now: datetime,
    channel: str,
) -> None:
    assert incident.id is not None
    name = lookups.names[action.person_id]
    contacts = lookups.contacts_for(action.person_id, action.kind)
    if not contacts:
        add_event(
            session,
            incident.id,
            at=now,
            kind="unreachable",
            text=f"{name} has no contact method for {action.kind}",
            key="no_contact_method",
            values={"person": action.person_id, "kind": action.kind},
        )
        return
    row = queue_page(
        session,
        incident=incident,
        key=action.idempotency_key,
        person_id=action.person_id,
        kind=action.kind,
        channel=channel,
        to=contacts[0].value,
        now=now,
        queued_keys=lookups.queued_keys,
    )
    if row is not None:
        add_event(
            session,
            incident.id,
            at=now,
            kind="page",
            text=f"step {action.step_index + 1}: {action.kind} to {name} ({contacts[0].value})",
            key="paged",
            values={
                "step": action.step_index + 1,
                "kind": action.kind,
                "person": action.person_id,
                "to": contacts[0].value,
            },
            notification_id=row.id,
        )
