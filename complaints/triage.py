"""Staff confirm or correct the suggested classification. Confirming an emergency opens the
incident at once (in the same commit). A domain change re-routes an item still at intake
unless staff chose its unit by hand; an unchanged domain never re-routes. The unit, routing
rule and routing note always change together (`service.apply_route`). A change of urgency or
of the utilities flag that changes the limit of a running clock moves it from its original
start (`clock_moves`), recorded in the same history entry and audit entry."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import (
    clock_moves,
    config,
    emergency,
    history,
    notes,
    privacy,
    routing,
    service,
    timers,
)
from complaints.models import Complaint
from complaints.vocab import Domain, Status, Urgency
from core.errors import Conflict


def confirm(
    session: Session,
    *,
    complaint_id: int,
    domain: Domain | None,
    urgency: Urgency | None,
    note: str,
    actor: str,
    now: datetime,
    utility: bool | None = None,
    tz: ZoneInfo = service.SHANGHAI,
) -> Complaint:
    item = service.get(session, complaint_id=complaint_id, for_update=True)
    if item.status is Status.closed:
        raise Conflict("a closed item's classification can no longer change")
    before = history.summary(item)
    was = timers.classification(item)
    changes: list[notes.Part] = []
    if domain is not None:
        changed = domain is not item.domain
        if changed:
            changes.append(notes.part("classify.domain", old=item.domain, new=domain))
        item.domain, item.domain_confirmed = domain, True
        at_intake = item.status is Status.registered and item.distributed_at is None
        if changed and at_intake and service.manually_routed(item):
            changes.append(notes.part("classify.manual_unit_kept"))
        elif changed and at_intake:
            decision = routing.route(
                config.pure_rules(session), district=item.district, domain=domain
            )
            if (decision.unit_id, decision.rule_id) != (item.unit_id, item.routing_rule_id):
                service.apply_route(item, decision)
                changes.append(
                    notes.part("classify.rerouted", rule=decision.rule_id)
                    if decision.rule_id is not None
                    else notes.part("classify.unrouted")
                )
    if urgency is not None:
        if urgency is not item.urgency:
            changes.append(notes.part("classify.urgency", old=item.urgency, new=urgency))
        if item.is_emergency and urgency is not Urgency.emergency and item.incident_id:
            changes.append(notes.part("classify.incident_kept", incident=item.incident_id))
        item.urgency, item.priority = urgency, urgency.priority
        item.is_emergency = urgency is Urgency.emergency
        item.urgency_confirmed = True
    if utility is not None and utility is not item.utility:
        changes.append(notes.part("classify.utility_on" if utility else "classify.utility_off"))
        item.utility = utility
    item.updated_at = now
    session.add(item)
    moved = clock_moves.move_clocks(session, item, was=was, now=now, tz=tz)
    changes.extend(clock_moves.describe(moved, tz=tz))
    parts = [*changes, *([notes.free(note)] if note else [])] or [notes.part("classify.confirmed")]
    summary = notes.text(parts)
    history.add(session, item, at=now, actor=actor, action="classify", note=parts)
    if item.is_emergency and item.incident_id is None:
        emergency.open_emergency_incident(session, item, actor=actor, now=now)
    history.audit_change(
        session,
        item,
        at=now,
        actor=actor,
        action="complaint.classify",
        before=before,
        extra={"note": privacy.mask_text_phones(summary)}
        | ({"clocks": clock_moves.for_audit(moved)} if moved else {}),
    )
    session.commit()
    return item
