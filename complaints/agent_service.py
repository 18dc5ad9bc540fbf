"""Recording or correcting a complaint's agent and group after registration (the power of
attorney received later, a representative elected later): the fields sent change, a null
clears one, checked by the rules of `complaints.agents`; one history row and one audit entry
with the changed fields before and after, masked. Intake staff may do it on any item, a
handling unit on the items distributed to it. A request that changes nothing writes
nothing; a closed item's parties are no longer changed (409)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import agents, clocks, history, notes, service
from complaints.actions import Actor
from complaints.agent_schemas import AgentUpdate
from complaints.models import Complaint
from complaints.validation import MissingFields
from complaints.vocab import Status
from core.errors import Conflict, Forbidden


def _check_access(item: Complaint, actor: Actor) -> None:
    if not (actor.intake or actor.handle):
        raise Forbidden(f"{actor.name} may not change an item's agent")
    if not actor.intake and not actor.sees(item):
        raise Forbidden(f"item {item.ref} is not handled by your unit")


def _note(changed: list[str], item: Complaint) -> list[notes.Part]:
    """What changed, by name only: the history is shown to readers who see numbers masked."""
    parts = [notes.part("agent.changed", fields=changed)]
    if "agent_poa_received" in changed or "agent_poa_date" in changed:
        parts.append(
            notes.part("agent.poa_received", date=item.agent_poa_date.isoformat())
            if item.agent_poa_received and item.agent_poa_date
            else notes.part("agent.poa_missing")
        )
    return parts


def update(
    session: Session,
    *,
    complaint_id: int,
    data: AgentUpdate,
    actor: Actor,
    now: datetime,
    tz: ZoneInfo = service.SHANGHAI,
) -> Complaint:
    """Apply the fields sent in `data` (see the module's rules) and commit."""
    item = service.get(session, complaint_id=complaint_id, for_update=True)
    _check_access(item, actor)
    if item.status is Status.closed:
        raise Conflict(f"item {item.ref} is closed: its agent and group are no longer changed")
    sent = data.model_dump(exclude_unset=True, exclude={"note"})
    before = agents.values_of(item)
    merged = before | {k: agents.EMPTY[k] if v is None else v for k, v in sent.items()}
    errors = agents.problems(merged, item_type=item.item_type, today=clocks.local_day(now, tz))
    if errors:
        raise MissingFields(tuple(errors))
    summary_before = history.summary(item)
    agents.apply(item, sent)
    after = agents.values_of(item)
    changed = [name for name in agents.FIELDS if before[name] != after[name]]
    if not changed:
        session.rollback()  # release the row lock; nothing to record
        return service.get(session, complaint_id=complaint_id)
    item.updated_at = now
    note = [*_note(changed, item), *([notes.free(data.note)] if data.note else [])]
    history.add(session, item, at=now, actor=actor.name, action="agent", note=note)
    history.audit_change(
        session,
        item,
        at=now,
        actor=actor.name,
        action="complaint.agent_update",
        before=summary_before | agents.for_log({k: before[k] for k in changed}),
        extra=agents.for_log({k: after[k] for k in changed}),
    )
    session.commit()
    return item
