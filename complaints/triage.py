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

from complaints import clock_moves, config, emergency, history, privacy, routing, service, timers
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
    tz: ZoneInfo = clock_moves.SHANGHAI,
) -> Complaint:
    item = service.get(session, complaint_id=complaint_id, for_update=True)
    if item.status is Status.closed:
        raise Conflict("a closed item's classification can no longer change")
    before = history.summary(item)
    was = timers.classification(item)
    changes: list[str] = []
    if domain is not None:
        changed = domain is not item.domain
        if changed:
            changes.append(f"领域 {item.domain.value} → {domain.value}")
        item.domain, item.domain_confirmed = domain, True
        at_intake = item.status is Status.registered and item.distributed_at is None
        if changed and at_intake and service.manually_routed(item):
            changes.append("承办单位系人工指定，未按新领域重新匹配")
        elif changed and at_intake:
            decision = routing.route(
                config.pure_rules(session), district=item.district, domain=domain
            )
            if (decision.unit_id, decision.rule_id) != (item.unit_id, item.routing_rule_id):
                service.apply_route(item, decision)
                changes.append(
                    f"按新领域重新匹配承办单位（规则 #{decision.rule_id}）"
                    if decision.rule_id is not None
                    else "按新领域无匹配的分送规则，待人工分送"
                )
    if urgency is not None:
        if urgency is not item.urgency:
            changes.append(f"紧急程度 {item.urgency.value} → {urgency.value}")
        if item.is_emergency and urgency is not Urgency.emergency and item.incident_id:
            changes.append(f"应急事件 #{item.incident_id} 仍保留，请在事件中处置")
        item.urgency, item.priority = urgency, urgency.priority
        item.is_emergency = urgency is Urgency.emergency
        item.urgency_confirmed = True
    if utility is not None and utility is not item.utility:
        changes.append(f"水电气热 {'否 → 是' if utility else '是 → 否'}")
        item.utility = utility
    item.updated_at = now
    session.add(item)
    moved = clock_moves.move_clocks(session, item, was=was, now=now, tz=tz)
    changes.extend(clock_moves.describe(moved, tz=tz))
    summary = "；".join([*changes, *([note] if note else [])]) or "确认分类"
    history.add(session, item, at=now, actor=actor, action="classify", note=summary)
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
