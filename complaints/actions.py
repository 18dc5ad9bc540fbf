"""Workflow actions on one item: the state machine decides, this module applies the effects
(timestamps, clocks, flags, unit), writes history and audit, and commits once.

Who may act: `Actor` carries what the caller's role allows (intake, handling, superior) and,
for a handling-unit user, the units whose items they may touch. A unit without authority
returns an item to intake; it cannot re-route it itself (O121 Art. 41).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import config, history, notes, privacy, refusals, service, timers
from complaints.action_context import ActionInput, Ctx
from complaints.clocks import RuleLimits
from complaints.config_models import ComplaintRuleSet
from complaints.effects import EFFECTS, RESULT_REQUIRED
from complaints.models import Complaint
from complaints.vocab import (
    Status,
    Workflow,
)
from complaints.workflow import Action, IllegalTransition, Side, allowed_actions, side_of
from complaints.workflow import next_status as workflow_next
from core.calendar_store import load_calendar
from core.errors import Conflict, Forbidden, ValidationFailed
from core.workcal import WorkingCalendar

SHANGHAI = service.SHANGHAI


@dataclass(frozen=True)
class Actor:
    """The person acting and what their role allows; `unit_ids` None means every unit.

    A handling-unit user sees (and acts on) an item only once it has been distributed to one
    of their units (分送): an item still at intake, even with a suggested unit, is not theirs.
    `complaints.queue.scope` is the same rule in SQL."""

    name: str
    intake: bool = False
    handle: bool = False
    supervise: bool = False
    unit_ids: frozenset[int] | None = None

    def may(self, side: Side) -> bool:
        return {Side.intake: self.intake, Side.unit: self.handle, Side.superior: self.supervise}[
            side
        ]

    def sees(self, item: Complaint) -> bool:
        return self.unit_ids is None or (
            item.unit_id is not None
            and item.unit_id in self.unit_ids
            and item.distributed_at is not None
        )


def visible_actions(
    session: Session,
    item: Complaint,
    actor: Actor,
    *,
    cal: WorkingCalendar,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
    among: Collection[Action] | None = None,
) -> list[Action]:
    """What `actor` may do to `item` now (for the detail view and the inbox): what its state
    allows the actor's side, less what the item's record refuses now (`complaints.refusals`:
    a 12345 order's return after its window, a second extension …). `among`: only these
    actions are asked about (the inbox shows a few; a refusal may read the item's clocks)."""
    if not actor.sees(item) and actor.unit_ids is not None:
        return []
    offered = [
        a
        for a in allowed_actions(item.workflow, item.status)
        if actor.may(side_of(a, item.status)) and (among is None or a in among)
    ]
    limits = limits_for(session, item)
    ctx = Ctx(
        session=session,
        item=item,
        data=ActionInput(),
        now=now,
        tz=tz,
        limits=limits,
        # as `act` decides: by the item's rule set's weekend roll-forward, whatever `cal` has
        cal=cal.with_roll_weekends(limits.roll_weekends),
    )
    return [a for a in offered if not refusals.refused(ctx, a)]


def limits_for(session: Session, item: Complaint) -> RuleLimits:
    rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
    assert rule_set is not None
    return config.limits_of(rule_set)


def check_access(item: Complaint, actor: Actor, action: Action) -> None:
    side = side_of(action, item.status)
    if not actor.may(side):
        raise Forbidden(f"{actor.name} may not perform {action.value!r} ({side.value} action)")
    if not actor.sees(item):
        raise Forbidden(f"item {item.ref} is not handled by your unit")


def act(
    session: Session,
    *,
    complaint_id: int,
    action: Action,
    actor: Actor,
    now: datetime,
    data: ActionInput | None = None,
    tz: ZoneInfo = SHANGHAI,
) -> Complaint:
    """Perform `action` on the item and commit; 409 (Conflict) when the workflow forbids it."""
    item = service.get(session, complaint_id=complaint_id, for_update=True)
    check_access(item, actor, action)
    try:
        target = workflow_next(item.workflow, item.status, action)
    except IllegalTransition as exc:
        raise Conflict(exc.reason) from exc
    if action in RESULT_REQUIRED and not (data and data.result and data.result.strip()):
        raise ValidationFailed(
            "result", f"{action.value!r} needs the result: what was done", type="result_required"
        )
    limits = limits_for(session, item)
    ctx = Ctx(
        session=session,
        item=item,
        data=data or ActionInput(),
        now=now,
        tz=tz,
        limits=limits,
        cal=load_calendar(session, roll_weekends=limits.roll_weekends),
        actor=actor.name,
    )
    before = history.summary(item)
    source, holder = item.status, item.unit_id
    EFFECTS[action](ctx)
    item.status = target
    item.updated_at = now
    timers.refresh(session, item, now=now)
    parts = [*ctx.notes, *([notes.free(ctx.data.note)] if ctx.data.note else [])]
    note = notes.text(parts)
    history.add(
        session,
        item,
        at=now,
        actor=actor.name,
        action=action.value,
        from_status=source,
        to_status=target,
        note=parts,
        # a return leaves the item with no unit: its row names the unit that sent it back
        unit_id=holder if action is Action.return_to_intake else None,
    )
    history.audit_change(
        session,
        item,
        at=now,
        actor=actor.name,
        action=f"complaint.{action.value}",
        before=before,
        extra={"note": privacy.mask_text_phones(note)} if note else None,  # what and why
    )
    session.commit()
    return item


def status_after(workflow: Workflow, status: Status, action: Action) -> Status:
    """Re-exported for callers that only want to ask the state machine."""
    return workflow_next(workflow, status, action)
