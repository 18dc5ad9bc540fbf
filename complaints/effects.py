"""The effects of each workflow action on an item (timestamps, clocks, flags, unit, notes),
applied by `complaints.actions.act` after the state machine has allowed the action; `act`
writes the history and audit and commits. An effect may refuse its input
(`ValidationFailed`, `Conflict`) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from complaints import (
    agents,
    clocks,
    config,
    config_checks,
    handover,
    history,
    jurisdiction,
    mediation,
    notes,
    refusals,
    service,
    timers,
)
from complaints.action_context import Ctx
from complaints.vocab import (
    ClockKind,
    PauseReason,
    Status,
    TerminationReason,
    Workflow,
)
from complaints.workflow import Action
from core.errors import Conflict, ValidationFailed
from escalation.models import Incident
from escalation.state import IncidentStatus


def _set_unit(ctx: Ctx, unit_id: int, *, handling: bool = True) -> None:
    """`handling`: the unit is to handle the item, so it must take items (a superior taking
    an item over is its own decision, Art. 13, whatever routing sends it)."""
    unit = config.check_unit(ctx.session, unit_id)
    if handling:
        config_checks.check_takes_items(ctx.session, unit_id)
    if unit_id != ctx.item.unit_id:  # a person chose it: the routing rule no longer applies
        ctx.item.routing_rule_id = None
        service.set_routing_note(ctx.item, notes.part("route.manual"))
    ctx.item.unit_id = unit_id
    ctx.notes.append(notes.part("action.unit", unit=unit.name))


def _dispatch(ctx: Ctx) -> None:
    item = ctx.item
    item.distributed_at = ctx.now
    ctx.meet(ClockKind.distribution)
    if item.workflow is Workflow.order_12345:
        ctx.start(ClockKind.sign_for)
        ctx.start(ClockKind.reply)
        item.reply_extended = False


RETURNED_NEEDS_UNIT = (
    "the item was returned by the unit it was sent to: name the unit to distribute it to"
)


def _distribute(ctx: Ctx) -> None:
    if ctx.item.status is Status.returned and ctx.data.unit_id is None:
        # routing would pick the very unit that sent it back: intake decides anew
        raise ValidationFailed("unit_id", RETURNED_NEEDS_UNIT)
    unit_id = ctx.data.unit_id or ctx.item.unit_id
    if unit_id is None:
        raise ValidationFailed("unit_id", "no routing rule matched: name the handling unit")
    _set_unit(ctx, unit_id)
    _dispatch(ctx)


def _reroute(ctx: Ctx) -> None:
    if ctx.data.unit_id is None:
        raise ValidationFailed("unit_id", "name the unit to send the item to")
    if not ctx.data.reason.strip():
        raise ValidationFailed("reason", "a re-route needs a reason")
    _set_unit(ctx, ctx.data.unit_id)
    ctx.notes.append(notes.part("action.reroute_reason", reason=ctx.data.reason))
    _dispatch(ctx)


def _sign_for(ctx: Ctx) -> None:
    ctx.item.signed_for_at = ctx.now
    ctx.meet(ClockKind.sign_for)
    if ctx.item.workflow is Workflow.report:
        ctx.item.verification_started_at = ctx.now


def _accept(ctx: Ctx) -> None:
    item = ctx.item
    missing = agents.accept_blockers(item)
    if missing:  # the item's record, not the request, lacks it: 409 like the state refusals
        raise Conflict(
            "the agent's " + " and ".join(e.field for e in missing) + " must be recorded "
            "before an agent's complaint is accepted (O121 Art. 11)",
            errors=missing,
        )
    item.signed_for_at = item.signed_for_at or ctx.now
    item.accepted_at = ctx.now
    ctx.meet(ClockKind.acceptance)
    ctx.start(ClockKind.mediation)


def _reject(ctx: Ctx) -> None:
    ground = ctx.data.ground
    if ground is None:
        raise ValidationFailed("ground", "a rejection needs its Art. 16 ground")
    if ground not in ctx.limits.rejection_grounds:
        raise ValidationFailed(
            "ground",
            f"{ground.value!r} is not a ground under this rule set",
            type="ground_not_in_rule_set",
        )
    item = ctx.item
    item.signed_for_at = item.signed_for_at or ctx.now
    item.rejected_at, item.rejection_ground = ctx.now, ground
    ctx.meet(ClockKind.acceptance)
    ctx.notes.append(notes.part("action.rejection_ground", ground=ground))


def _start_mediation(ctx: Ctx) -> None:
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
    ctx.notes.append(notes.part("action.mediation_consent"))
    if consent.entrusted_to:
        ctx.notes.append(notes.part("action.mediation_entrusted", body=consent.entrusted_to))


def _suspend(ctx: Ctx) -> None:
    reason = ctx.data.pause_reason or PauseReason.other
    ctx.item.pause_reason, ctx.item.paused_since = reason, ctx.now
    timers.pause(ctx.session, ctx.item, ClockKind.mediation, now=ctx.now)
    ctx.notes.append(notes.part("action.pause_reason", reason=reason))


def _resume(ctx: Ctx) -> None:
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
    if added:  # a suspension within one day moves nothing: no "extended by 0 days"
        ctx.notes.append(notes.part("action.mediation_extended", days=added))


def _record_testing(ctx: Ctx) -> None:
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
        # the user gives the first and last day of testing; a pause counts the days after
        # its start, so it starts the day before
        paused_from=start - timedelta(days=1),
        resumed_on=end,
        limits=ctx.limits,
        cal=ctx.cal,
        tz=ctx.tz,
        testing=True,
    )
    ctx.notes.append(
        notes.part("action.testing", start=start.isoformat(), end=end.isoformat(), days=added)
    )


def _result(ctx: Ctx) -> None:
    """Record the handling result; an empty one (closing without a word) keeps the result
    recorded by the outcome before (`RESULT_REQUIRED`)."""
    if ctx.data.result is not None and ctx.data.result.strip():
        ctx.item.result = ctx.data.result
    if ctx.data.amount_recovered_cents is not None:
        ctx.item.amount_recovered_cents = ctx.data.amount_recovered_cents


def _agree(ctx: Ctx) -> None:
    ctx.item.agreed_at = ctx.now
    ctx.meet(ClockKind.mediation)
    _result(ctx)


def _check_limit_reached(ctx: Ctx) -> None:
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
            type="mediation_limit_running",
            ctx={"due_on": due_on.isoformat()},
        )


def _terminate(ctx: Ctx) -> None:
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
    ctx.notes.append(notes.part("action.termination_reason", reason=reason))


def _close(ctx: Ctx) -> None:
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
    # closing does not resolve the item's incident (it may stand for several items): the
    # history says it was still open
    if item.incident_id is not None:
        incident = ctx.session.get(Incident, item.incident_id)
        if incident is not None and incident.status is not IncidentStatus.resolved:
            ctx.notes.append(notes.part("action.incident_open", incident=item.incident_id))
    _result(ctx)


def _return(ctx: Ctx) -> None:
    item = ctx.item
    if not ctx.data.reason.strip():
        raise ValidationFailed("reason", "a return needs a reason")
    refusals.check(ctx, Action.return_to_intake)
    for kind in (ClockKind.sign_for, ClockKind.reply):
        if item.workflow is Workflow.order_12345:
            timers.cancel(ctx.session, item, kind)
    item.returned_at = ctx.now
    item.returned_count += 1
    item.return_reason = ctx.data.reason[:300]
    item.signed_for_at = None
    ctx.notes.append(notes.part("action.return_reason", reason=ctx.data.reason))
    item.unit_id = None
    ctx.start(ClockKind.distribution)


REPORT_RECOVERS_NOTHING = "a report's decision on a case records no consumer losses recovered"


def _decide_case(filed: bool) -> Callable[[Ctx], None]:
    def effect(ctx: Ctx) -> None:
        # losses recovered are a complaint's (mediation's) figure: a report's would count in
        # the statistics of recovered losses
        if ctx.data.amount_recovered_cents is not None:
            raise ValidationFailed("amount_recovered_cents", REPORT_RECOVERS_NOTHING)
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


def _count_conversion(ctx: Ctx) -> None:
    """A report made from a mediation clue is filed: its complaint counts as 诉转案."""
    complaint = handover.mark_filed(ctx.session, ctx.item)
    if complaint is None:
        return
    before = history.summary(complaint)
    note = [notes.part("converted.filed", ref=ctx.item.ref)]
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
    ctx.notes.append(notes.part("action.clue_converted", ref=complaint.ref))


def _convert_to_case(ctx: Ctx) -> None:
    """Art. 27: the clue found in mediation goes to verification as a linked report."""
    report = handover.hand_over(
        ctx.session, ctx.item, clue=ctx.data.clue, actor=ctx.actor, now=ctx.now, tz=ctx.tz
    )
    ctx.notes.append(notes.part("action.clue_handed_over", ref=report.ref))


def _extend_verification(ctx: Ctx) -> None:
    refusals.check(ctx, Action.extend_verification)
    if not ctx.data.approved_by.strip():
        raise ValidationFailed("approved_by", "an extension needs the head's approval")
    ctx.extend(ClockKind.verification, ctx.limits.verification_extension_wd)
    ctx.item.verification_extended = True
    ctx.notes.append(notes.part("action.verification_extended", approved_by=ctx.data.approved_by))


def _reply(ctx: Ctx) -> None:
    item = ctx.item
    item.replied_at = ctx.now
    ctx.meet(ClockKind.distribution)  # answered at intake (即时办结): nothing left to distribute
    ctx.meet(ClockKind.reply)  # a 12345 order was signed for first (`workflow.TRANSITIONS`)
    _result(ctx)


def _extend_reply(ctx: Ctx) -> None:
    refusals.check(ctx, Action.extend_reply)
    ctx.extend(ClockKind.reply, ctx.limits.order_reply_extension_wd)
    ctx.item.reply_extended = True


def _flag(name: str, key: str) -> Callable[[Ctx], None]:
    label = notes.part(key)

    def effect(ctx: Ctx) -> None:
        if getattr(ctx.item, name):
            raise Conflict(f"the item is already marked: {notes.text([label])}")
        setattr(ctx.item, name, True)
        ctx.notes.append(label)

    return effect


def _take_over(ctx: Ctx) -> None:
    if ctx.data.unit_id is None:
        raise ValidationFailed("unit_id", "name the superior unit that takes the item over")
    if not ctx.data.reason.strip():
        raise ValidationFailed("reason", "a take-over needs a reason")
    held_by = ctx.item.unit_id
    if held_by is not None and ctx.data.unit_id not in {
        u.id for u in jurisdiction.superiors(ctx.session, unit_id=held_by)
    }:
        raise ValidationFailed("unit_id", jurisdiction.NOT_SUPERIOR)
    _set_unit(ctx, ctx.data.unit_id, handling=False)
    ctx.item.taken_over_by_superior = True
    ctx.notes.append(notes.part("action.take_over", reason=ctx.data.reason))


EFFECTS: dict[Action, Callable[[Ctx], None]] = {
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
    Action.refer_to_police: _flag("referred_to_police", "action.referred_to_police"),
    Action.take_over: _take_over,
}


# An agreement, a filing decision and a reply are the item's result and need its content;
# closing comes after such an outcome (or a rejection, termination or return) and may add to it.
RESULT_REQUIRED = frozenset({Action.agree, Action.file_case, Action.not_file, Action.reply})
