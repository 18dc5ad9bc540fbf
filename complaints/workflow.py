"""State machines of the four workflows (pure; DOMAIN.md §2).

One transition table: for each workflow and action, the states it may start from and the
state it leads to (`None`: the state stays, the action only records something or sets a
flag). `next_status` answers or raises `IllegalTransition` with a reason a person can read;
the API maps it to 409. Who may perform an action is `side_of`: the intake body
(distribute, re-route, and closing what a unit replied to), the handling unit (everything else
it does to its own items) or the superior (take over, Art. 13).

A unit's return (退单 / 退回, Art. 41) leaves an item of every workflow in `returned`: back at
intake, to be distributed or re-routed again, and never mistaken for a fresh registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from complaints.vocab import OPEN_STATUSES, Status, Workflow


class Action(StrEnum):
    distribute = "distribute"  # 分送 / 派单
    sign_for = "sign_for"  # 签收
    accept = "accept"  # 受理
    reject = "reject"  # 不予受理 (Art. 16 ground)
    start_mediation = "start_mediation"
    suspend = "suspend"  # 中止调解 (testing, recusal …)
    resume = "resume"
    record_testing = "record_testing"  # a finished testing period, excluded from the clock
    agree = "agree"  # 调解成功
    terminate = "terminate"  # 终止调解 (Art. 23 reason)
    close = "close"  # 办结
    return_to_intake = "return_to_intake"  # no authority: back to intake (Art. 41) / 12345 退单
    reroute = "reroute"  # intake sends it to another unit
    file_case = "file_case"  # 立案
    not_file = "not_file"  # 不予立案
    extend_verification = "extend_verification"  # +15 WD with the head's approval
    reply = "reply"  # 回复
    extend_reply = "extend_reply"  # 12345 extension
    convert_to_case = "convert_to_case"  # 诉转案
    refer_to_police = "refer_to_police"  # Art. 42
    take_over = "take_over"  # the superior takes the item over (Art. 13)


class Side(StrEnum):
    intake = "intake"
    unit = "unit"
    superior = "superior"


ACTION_SIDE: dict[Action, Side] = {
    Action.distribute: Side.intake,
    Action.reroute: Side.intake,
    Action.take_over: Side.superior,
} | {a: Side.unit for a in Action if a not in {Action.distribute, Action.reroute, Action.take_over}}

# A replied 12345 order or consultation is the centre's to close: the unit has answered and
# the centre checks the reply (回访) before 办结; a returned item is back at intake.
CLOSED_BY_INTAKE = frozenset({Status.replied, Status.returned})


def side_of(action: Action, status: Status) -> Side:
    """Who may perform `action` on an item in `status` (`ACTION_SIDE`, but closing a replied
    or returned item is the intake body's)."""
    if action is Action.close and status in CLOSED_BY_INTAKE:
        return Side.intake
    return ACTION_SIDE[action]


S = Status
STATES: dict[Workflow, frozenset[Status]] = {
    Workflow.complaint: frozenset(
        {
            S.registered,
            S.distributed,
            S.returned,
            S.pending_acceptance,
            S.accepted,
            S.rejected,
            S.mediating,
            S.suspended,
            S.agreed,
            S.terminated,
            S.closed,
        }
    ),
    Workflow.report: frozenset(
        {
            S.registered,
            S.distributed,
            S.returned,
            S.verifying,
            S.case_filed,
            S.not_filed,
            S.closed,
        }
    ),
    Workflow.order_12345: frozenset(
        {S.registered, S.distributed, S.signed_for, S.returned, S.replied, S.closed}
    ),
    Workflow.general: frozenset(
        {S.registered, S.distributed, S.returned, S.signed_for, S.replied, S.closed}
    ),
}


# What a handling unit still has to act on (its inbox and to-do count): every open state
# but those at intake (registered, returned) and `replied`, where the unit has answered and
# the centre checks the reply (回访) and closes the item.
AWAITING_UNIT = OPEN_STATUSES - {Status.registered, Status.returned, Status.replied}


def _open(workflow: Workflow) -> frozenset[Status]:
    return STATES[workflow] & OPEN_STATUSES


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: the state does not change


def _r(sources: set[Status] | frozenset[Status], target: Status | None) -> Rule:
    return Rule(frozenset(sources), target)


TRANSITIONS: dict[Workflow, dict[Action, Rule]] = {
    Workflow.complaint: {
        Action.distribute: _r({S.registered, S.returned}, S.distributed),
        Action.reroute: _r(
            {S.registered, S.distributed, S.returned, S.pending_acceptance}, S.distributed
        ),
        Action.sign_for: _r({S.distributed}, S.pending_acceptance),
        Action.accept: _r({S.distributed, S.pending_acceptance}, S.accepted),
        Action.reject: _r({S.distributed, S.pending_acceptance}, S.rejected),
        Action.return_to_intake: _r({S.distributed, S.pending_acceptance}, S.returned),
        Action.start_mediation: _r({S.accepted}, S.mediating),
        Action.suspend: _r({S.mediating}, S.suspended),
        Action.resume: _r({S.suspended}, S.mediating),
        Action.record_testing: _r({S.mediating, S.suspended}, None),
        Action.agree: _r({S.mediating}, S.agreed),
        Action.terminate: _r({S.accepted, S.mediating, S.suspended}, S.terminated),
        Action.close: _r({S.rejected, S.agreed, S.terminated}, S.closed),
        Action.convert_to_case: _r(
            {S.accepted, S.mediating, S.suspended, S.agreed, S.terminated}, None
        ),
        Action.refer_to_police: _r(
            {
                S.distributed,
                S.pending_acceptance,
                S.accepted,
                S.mediating,
                S.suspended,
                S.terminated,
            },
            None,
        ),
        Action.take_over: _r(_open(Workflow.complaint), None),
    },
    Workflow.report: {
        Action.distribute: _r({S.registered, S.returned}, S.distributed),
        Action.reroute: _r({S.registered, S.distributed, S.returned, S.verifying}, S.distributed),
        Action.sign_for: _r({S.distributed}, S.verifying),
        Action.return_to_intake: _r({S.distributed, S.verifying}, S.returned),
        Action.extend_verification: _r({S.verifying}, None),
        Action.record_testing: _r({S.verifying}, None),
        Action.file_case: _r({S.distributed, S.verifying}, S.case_filed),
        Action.not_file: _r({S.distributed, S.verifying}, S.not_filed),
        Action.close: _r({S.case_filed, S.not_filed}, S.closed),
        Action.refer_to_police: _r({S.verifying, S.case_filed}, None),
        Action.take_over: _r(_open(Workflow.report), None),
    },
    Workflow.order_12345: {
        Action.distribute: _r({S.registered, S.returned}, S.distributed),
        Action.reroute: _r({S.registered, S.distributed, S.signed_for, S.returned}, S.distributed),
        Action.sign_for: _r({S.distributed}, S.signed_for),
        Action.return_to_intake: _r({S.distributed, S.signed_for}, S.returned),
        Action.extend_reply: _r({S.signed_for}, None),
        # 12345 practice: a unit signs for an order (签收) before it replies; a reply straight
        # from dispatch met a sign-for nobody made
        Action.reply: _r({S.signed_for}, S.replied),
        Action.close: _r({S.replied, S.returned}, S.closed),
        Action.take_over: _r(_open(Workflow.order_12345), None),
    },
    Workflow.general: {
        Action.distribute: _r({S.registered, S.returned}, S.distributed),
        Action.reroute: _r({S.registered, S.distributed, S.returned, S.signed_for}, S.distributed),
        Action.sign_for: _r({S.distributed}, S.signed_for),
        Action.return_to_intake: _r({S.distributed, S.signed_for}, S.returned),
        Action.reply: _r({S.registered, S.distributed, S.signed_for}, S.replied),
        Action.close: _r({S.replied}, S.closed),
        Action.take_over: _r(_open(Workflow.general), None),
    },
}


class IllegalTransition(Exception):
    """An action that the item's workflow does not allow in its current state."""

    def __init__(self, workflow: Workflow, status: Status, action: Action, reason: str) -> None:
        super().__init__(reason)
        self.workflow = workflow
        self.status = status
        self.action = action
        self.reason = reason


def next_status(workflow: Workflow, status: Status, action: Action) -> Status:
    """The state after `action`, or IllegalTransition saying why not."""
    rules = TRANSITIONS[workflow]
    rule = rules.get(action)
    if rule is None:
        raise IllegalTransition(
            workflow, status, action, f"a {workflow.value} item has no action {action.value!r}"
        )
    if status not in rule.sources:
        allowed = ", ".join(sorted(s.value for s in rule.sources))
        raise IllegalTransition(
            workflow,
            status,
            action,
            f"{action.value!r} is not allowed on a {workflow.value} item in state "
            f"{status.value!r} (allowed from: {allowed})",
        )
    return rule.target if rule.target is not None else status


def allowed_actions(workflow: Workflow, status: Status) -> list[Action]:
    """Every action the workflow allows in `status`, in the table's order."""
    return [a for a, rule in TRANSITIONS[workflow].items() if status in rule.sources]
