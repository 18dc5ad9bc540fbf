"""Workflow actions on one item: the state machine decides, this module applies the effects
(timestamps, clocks, flags, unit), writes history and audit, and commits once.

Who may act: `Actor` carries what the caller's role allows (intake, handling, superior) and,
for a handling-unit user, the units whose items they may touch. A unit without authority
returns an item to intake; it cannot re-route it itself (O121 Art. 41).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import clocks, config, handover, history, mediation, privacy, service, timers
from complaints.clocks import RuleLimits
from complaints.models import Complaint, ComplaintRuleSet
from complaints.vocab import (
    ClockKind,
    PauseReason,
    RejectionGround,
    Status,
    TerminationReason,
    Workflow,
)
from complaints.workflow import ACTION_SIDE, Action, IllegalTransition, Side, allowed_actions
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


@dataclass(frozen=True)
class ActionInput:
    note: str = ""
    unit_id: int | None = None
    reason: str = ""
    ground: RejectionGround | None = None
    pause_reason: PauseReason | None = None
    start: date | None = None
    end: date | None = None
    termination_reason: TerminationReason | None = None
    result: str | None = None
    amount_recovered_cents: int | None = None
    approved_by: str = ""
    complainant_consent: bool | None = None
    respondent_consent: bool | None = None
    entrusted_to: str = ""
    entrustment_consent: bool | None = None
    clue: str = ""


@dataclass
class _Ctx:
    session: Session
    item: Complaint
    data: ActionInput
    now: datetime
    tz: ZoneInfo
    limits: RuleLimits
    cal: WorkingCalendar
    actor: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def today(self) -> date:
        return clocks.local_day(self.now, self.tz)

    def start(self, kind: ClockKind, day: date | None = None) -> None:
        timers.start(
            self.session,
            self.item,
            kind,
            start_day=day or self.today,
            limits=self.limits,
            cal=self.cal,
            tz=self.tz,
        )

    def meet(self, kind: ClockKind) -> None:
        timers.meet(self.session, self.item, kind, now=self.now)


def visible_actions(item: Complaint, actor: Actor) -> list[Action]:
    """What `actor` may do to `item` now (for the detail view)."""
    if not actor.sees(item) and actor.unit_ids is not None:
        return []
    return [a for a in allowed_actions(item.workflow, item.status) if actor.may(ACTION_SIDE[a])]


# ---- effects ---------------------------------------------------------------------------------


def _set_unit(ctx: _Ctx, unit_id: int) -> None:
    unit = config.check_unit(ctx.session, unit_id)
    if unit_id != ctx.item.unit_id:  # a person chose it: the routing rule no longer applies
        ctx.item.routing_rule_id, ctx.item.routing_note = None, service.MANUAL_ROUTING_NOTE
    ctx.item.unit_id = unit_id
    ctx.notes.append(f"承办单位：{unit.name}")


def _dispatch(ctx: _Ctx) -> None:
    item = ctx.item
    item.distributed_at = ctx.now
    ctx.meet(ClockKind.distribution)
    if item.workflow is Workflow.order_12345:
        ctx.start(ClockKind.sign_for)
        ctx.start(ClockKind.reply)
        item.reply_extended = False


def _distribute(ctx: _Ctx) -> None:
    unit_id = ctx.data.unit_id or ctx.item.unit_id
    if unit_id is None:
        raise ValidationFailed("unit_id", "no routing rule matched: name the handling unit")
    _set_unit(ctx, unit_id)
    _dispatch(ctx)


def _reroute(ctx: _Ctx) -> None:
    if ctx.data.unit_id is None:
        raise ValidationFailed("unit_id", "name the unit to send the item to")
    if not ctx.data.reason.strip():
        raise ValidationFailed("reason", "a re-route needs a reason")
    _set_unit(ctx, ctx.data.unit_id)
    ctx.notes.append(f"改派原因：{ctx.data.reason}")
    _dispatch(ctx)


def _sign_for(ctx: _Ctx) -> None:
    ctx.item.signed_for_at = ctx.now
    ctx.meet(ClockKind.sign_for)
    if ctx.item.workflow is Workflow.report:
        ctx.item.verification_started_at = ctx.now


def _accept(ctx: _Ctx) -> None:
    item = ctx.item
    item.signed_for_at = item.signed_for_at or ctx.now
    item.accepted_at = ctx.now
    ctx.meet(ClockKind.acceptance)
    ctx.start(ClockKind.mediation)


def _reject(ctx: _Ctx) -> None:
    ground = ctx.data.ground
    if ground is None:
        raise ValidationFailed("ground", "a rejection needs its Art. 16 ground")
    if ground not in ctx.limits.rejection_grounds:
        raise ValidationFailed("ground", f"{ground.value!r} is not a ground under this rule set")
    item = ctx.item
    item.signed_for_at = item.signed_for_at or ctx.now
    item.rejected_at, item.rejection_ground = ctx.now, ground
    ctx.meet(ClockKind.acceptance)
    ctx.notes.append(f"不予受理依据：{ground.value}")


def _start_mediation(ctx: _Ctx) -> None:
    consent = mediation.check_consent(
        complainant=ctx.data.complainant_consent,
        respondent=ctx.data.respondent_consent,
        entrusted_to=ctx.data.entrusted_to,
        entrustment_consent=ctx.data.entrustment_consent,
    )
    item = ctx.item
    item.mediation_started_at = ctx.now
    item.complainant_mediation_consent = consent.complainant
    item.respondent_mediation_consent = consent.respondent
    item.mediation_entrusted_to = consent.entrusted_to
    ctx.notes.append("投诉人、被投诉人均同意调解（第18条）")
    if consent.entrusted_to:
        ctx.notes.append(f"经双方同意委托{consent.entrusted_to}调解（第19条）")


def _suspend(ctx: _Ctx) -> None:
    reason = ctx.data.pause_reason or PauseReason.other
    ctx.item.pause_reason, ctx.item.paused_since = reason, ctx.now
    timers.pause(ctx.session, ctx.item, ClockKind.mediation, now=ctx.now)
    ctx.notes.append(f"中止原因：{reason.value}")


def _resume(ctx: _Ctx) -> None:
    added = timers.resume(
        ctx.session,
        ctx.item,
        ClockKind.mediation,
        now=ctx.now,
        limits=ctx.limits,
        cal=ctx.cal,
        tz=ctx.tz,
    )
    ctx.item.pause_reason = ctx.item.paused_since = None
    ctx.notes.append(f"调解期限顺延 {added} 天")


def _record_testing(ctx: _Ctx) -> None:
    start, end = ctx.data.start, ctx.data.end
    if start is None or end is None:
        raise ValidationFailed("start", "the testing period needs a start and an end")
    if end < start:
        raise ValidationFailed("end", "the testing period ends before it starts")
    if end > ctx.today:
        raise ValidationFailed("end", "record a testing period once it has ended")
    received = clocks.local_day(ctx.item.received_at, ctx.tz)
    if start < received:
        raise ValidationFailed("start", "the testing period starts before the item was received")
    kind = ClockKind.verification if ctx.item.workflow is Workflow.report else ClockKind.mediation
    added = timers.add_pause(
        ctx.session,
        ctx.item,
        kind,
        paused_from=start,
        resumed_on=end,
        limits=ctx.limits,
        cal=ctx.cal,
        tz=ctx.tz,
    )
    ctx.notes.append(f"检测期间 {start.isoformat()}～{end.isoformat()} 不计入期限，顺延 {added} 天")


def _result(ctx: _Ctx) -> None:
    """Record the handling result; an empty one (closing without a word) keeps the result
    recorded by the outcome before (`RESULT_REQUIRED`)."""
    if ctx.data.result is not None and ctx.data.result.strip():
        ctx.item.result = ctx.data.result
    if ctx.data.amount_recovered_cents is not None:
        ctx.item.amount_recovered_cents = ctx.data.amount_recovered_cents


def _agree(ctx: _Ctx) -> None:
    ctx.item.agreed_at = ctx.now
    ctx.meet(ClockKind.mediation)
    _result(ctx)


def _check_limit_reached(ctx: _Ctx) -> None:
    """Art. 23 "no agreement within 60 days": a ground only from the mediation clock's last
    day on (its pauses excluded), not while days of the limit are still to run."""
    assert ctx.item.id is not None
    clock = timers.find(ctx.session, ctx.item.id, ClockKind.mediation)
    if clock is None:
        return
    due_on = timers.due_on_if_resumed(clock, now=ctx.now, cal=ctx.cal, tz=ctx.tz)
    if ctx.today < due_on:
        raise ValidationFailed(
            "reason",
            f"the mediation limit runs until {due_on.isoformat()} (pauses excluded): "
            "'time_limit_reached' is not a ground before then",
        )


def _terminate(ctx: _Ctx) -> None:
    reason = ctx.data.termination_reason
    if reason is None:
        raise ValidationFailed("reason", "a termination needs its Art. 23 reason")
    item = ctx.item
    if reason is TerminationReason.time_limit_reached:
        _check_limit_reached(ctx)
    if item.status is Status.suspended:  # the suspension up to today is excluded (Art. 22)
        _resume(ctx)
    item.terminated_at, item.termination_reason = ctx.now, reason
    item.pause_reason = item.paused_since = None
    ctx.meet(ClockKind.mediation)
    ctx.start(ClockKind.termination_notice)
    ctx.notes.append(f"终止原因：{reason.value}")


def _close(ctx: _Ctx) -> None:
    item = ctx.item
    ctx.meet(ClockKind.termination_notice)
    assert item.id is not None
    ctx.session.flush()
    rows = timers.clocks_of(ctx.session, item.id)
    # 按期办结: closed before the closure deadline, i.e. no statutory step ran late and every
    # step still owed is still in time (docs/complaint-statistics.md)
    item.closure_due_at = clocks.closure_deadline(rows)
    item.closed_on_time = item.closure_due_at is None or clocks.on_time(
        item.closure_due_at, ctx.now
    )
    for clock in rows:
        timers.cancel(ctx.session, item, clock.kind)
    item.closed_at = ctx.now
    _result(ctx)


def _return(ctx: _Ctx) -> None:
    item = ctx.item
    if not ctx.data.reason.strip():
        raise ValidationFailed("reason", "a return needs a reason")
    if item.workflow is Workflow.order_12345 and item.distributed_at is not None:
        distributed_on = clocks.local_day(item.distributed_at, ctx.tz)
        if not clocks.return_window_open(ctx.cal, distributed_on, ctx.today, ctx.limits):
            raise Conflict(
                f"the return window of {ctx.limits.order_return_wd} working days after "
                "dispatch has passed; ask the 12345 office to re-designate instead"
            )
    for kind in (ClockKind.sign_for, ClockKind.reply):
        if item.workflow is Workflow.order_12345:
            timers.cancel(ctx.session, item, kind)
    item.returned_at = ctx.now
    item.returned_count += 1
    item.return_reason = ctx.data.reason[:300]
    item.signed_for_at = None
    ctx.notes.append(f"退回原因：{ctx.data.reason}")
    item.unit_id = None
    ctx.start(ClockKind.distribution)


def _decide_case(filed: bool) -> Callable[[_Ctx], None]:
    def effect(ctx: _Ctx) -> None:
        item = ctx.item
        item.signed_for_at = item.signed_for_at or ctx.now
        item.verification_started_at = item.verification_started_at or item.signed_for_at
        if filed:
            item.case_filed_at = ctx.now
            _count_conversion(ctx)
        else:
            item.not_filed_at = ctx.now
        ctx.meet(ClockKind.verification)
        _result(ctx)

    return effect


def _count_conversion(ctx: _Ctx) -> None:
    """A report made from a mediation clue is filed: its complaint counts as 诉转案."""
    complaint = handover.mark_filed(ctx.session, ctx.item)
    if complaint is None:
        return
    before = history.summary(complaint)
    note = f"移交核查的线索 {ctx.item.ref} 已立案（诉转案）"
    history.add(ctx.session, complaint, at=ctx.now, actor=ctx.actor, action="converted", note=note)
    history.audit_change(
        ctx.session,
        complaint,
        at=ctx.now,
        actor=ctx.actor,
        action="complaint.converted",
        before=before,
        extra={"report": ctx.item.ref},
    )
    ctx.notes.append(f"源自 {complaint.ref} 调解中发现的线索：诉转案")


def _convert_to_case(ctx: _Ctx) -> None:
    """Art. 27: the clue found in mediation goes to verification as a linked report."""
    report = handover.hand_over(
        ctx.session, ctx.item, clue=ctx.data.clue, actor=ctx.actor, now=ctx.now, tz=ctx.tz
    )
    ctx.notes.append(f"调解中发现涉嫌违法线索，已移交核查：{report.ref}（第27条）")


def _extend_verification(ctx: _Ctx) -> None:
    if ctx.item.verification_extended:
        raise Conflict("verification was already extended once (+15 working days at most)")
    if not ctx.data.approved_by.strip():
        raise ValidationFailed("approved_by", "an extension needs the head's approval")
    timers.extend(
        ctx.session,
        ctx.item,
        ClockKind.verification,
        extra=ctx.limits.verification_extension_wd,
        limits=ctx.limits,
        cal=ctx.cal,
        tz=ctx.tz,
    )
    ctx.item.verification_extended = True
    ctx.notes.append(f"经 {ctx.data.approved_by} 批准延长核查期限")


def _reply(ctx: _Ctx) -> None:
    item = ctx.item
    item.replied_at = ctx.now
    ctx.meet(ClockKind.distribution)  # answered at intake (即时办结): nothing left to distribute
    if item.workflow is Workflow.order_12345:
        item.signed_for_at = item.signed_for_at or ctx.now
        ctx.meet(ClockKind.sign_for)
    ctx.meet(ClockKind.reply)
    _result(ctx)


def _extend_reply(ctx: _Ctx) -> None:
    if ctx.item.reply_extended:
        raise Conflict("the reply limit was already extended once")
    if ctx.limits.order_reply_extension_wd == 0:
        raise Conflict("this rule set allows no extension")
    timers.extend(
        ctx.session,
        ctx.item,
        ClockKind.reply,
        extra=ctx.limits.order_reply_extension_wd,
        limits=ctx.limits,
        cal=ctx.cal,
        tz=ctx.tz,
    )
    ctx.item.reply_extended = True


def _flag(name: str, label: str) -> Callable[[_Ctx], None]:
    def effect(ctx: _Ctx) -> None:
        if getattr(ctx.item, name):
            raise Conflict(f"the item is already marked: {label}")
        setattr(ctx.item, name, True)
        ctx.notes.append(label)

    return effect


def _take_over(ctx: _Ctx) -> None:
    if ctx.data.unit_id is None:
        raise ValidationFailed("unit_id", "name the superior unit that takes the item over")
    if not ctx.data.reason.strip():
        raise ValidationFailed("reason", "a take-over needs a reason")
    _set_unit(ctx, ctx.data.unit_id)
    ctx.item.taken_over_by_superior = True
    ctx.notes.append(f"上级提级管辖：{ctx.data.reason}")


EFFECTS: dict[Action, Callable[[_Ctx], None]] = {
    Action.distribute: _distribute,
    Action.reroute: _reroute,
    Action.sign_for: _sign_for,
    Action.accept: _accept,
    Action.reject: _reject,
    Action.start_mediation: _start_mediation,
    Action.suspend: _suspend,
    Action.resume: _resume,
    Action.record_testing: _record_testing,
    Action.agree: _agree,
    Action.terminate: _terminate,
    Action.close: _close,
    Action.return_to_intake: _return,
    Action.file_case: _decide_case(True),
    Action.not_file: _decide_case(False),
    Action.extend_verification: _extend_verification,
    Action.reply: _reply,
    Action.extend_reply: _extend_reply,
    Action.convert_to_case: _convert_to_case,
    Action.refer_to_police: _flag("referred_to_police", "移送公安机关"),
    Action.take_over: _take_over,
}


# An agreement, a filing decision and a reply are the item's result and need its content;
# closing comes after such an outcome (or a rejection, termination or return) and may add to it.
RESULT_REQUIRED = frozenset({Action.agree, Action.file_case, Action.not_file, Action.reply})


def limits_for(session: Session, item: Complaint) -> RuleLimits:
    rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
    assert rule_set is not None
    return config.limits_of(rule_set)


def check_access(item: Complaint, actor: Actor, action: Action) -> None:
    side = ACTION_SIDE[action]
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
        raise ValidationFailed("result", f"{action.value!r} needs the result: what was done")
    limits = limits_for(session, item)
    ctx = _Ctx(
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
    source = item.status
    EFFECTS[action](ctx)
    item.status = target
    item.updated_at = now
    timers.refresh(session, item, now=now)
    note = "；".join([*ctx.notes, *([ctx.data.note] if ctx.data.note else [])])
    history.add(
        session,
        item,
        at=now,
        actor=actor.name,
        action=action.value,
        from_status=source,
        to_status=target,
        note=note,
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
