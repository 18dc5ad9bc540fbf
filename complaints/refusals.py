"""Actions the state machine allows that the item's own record refuses now (a 409): a 12345
order's return after its window, a second extension, an extension of an hour limit. The
effects raise these refusals; the item's page and the unit inbox leave such actions out
rather than offer a button that fails.
"""

from __future__ import annotations

from collections.abc import Callable

from complaints import clocks, timers
from complaints.action_context import Ctx
from complaints.vocab import ClockKind, Workflow
from complaints.workflow import Action
from core.errors import Conflict


def _return(ctx: Ctx) -> str | None:
    item = ctx.item
    if item.workflow is not Workflow.order_12345 or item.distributed_at is None:
        return None
    distributed_on = clocks.local_day(item.distributed_at, ctx.tz)
    if clocks.return_window_open(ctx.cal, distributed_on, ctx.today, ctx.limits):
        return None
    return (
        f"the return window of {ctx.limits.order_return_wd} working days after "
        "dispatch has passed; ask the 12345 office to re-designate instead"
    )


def _extend_verification(ctx: Ctx) -> str | None:
    if ctx.item.verification_extended:
        return "verification was already extended once (+15 working days at most)"
    return None


def _extend_reply(ctx: Ctx) -> str | None:
    if ctx.item.reply_extended:
        return "the reply limit was already extended once"
    if ctx.limits.order_reply_extension_wd == 0:
        return "this rule set allows no extension"
    clock = timers.find(ctx.session, ctx.item.id or 0, ClockKind.reply)
    if clock is not None and clock.unit == "hours":
        # working days added to elapsed hours have no agreed meaning [U]
        return (
            f"an urgent order's {clock.limit}-hour limit cannot be extended; "
            "reply, or return it to the 12345 office"
        )
    return None


REFUSALS: dict[Action, Callable[[Ctx], str | None]] = {
    Action.return_to_intake: _return,
    Action.extend_verification: _extend_verification,
    Action.extend_reply: _extend_reply,
}


def refused(ctx: Ctx, action: Action) -> bool:
    check = REFUSALS.get(action)
    return check is not None and check(ctx) is not None


def check(ctx: Ctx, action: Action) -> None:
    """Conflict (409) when the item's record refuses `action` now."""
    reason = REFUSALS[action](ctx)
    if reason is not None:
        raise Conflict(reason)
