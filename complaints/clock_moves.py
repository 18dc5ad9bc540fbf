"""A reclassification moves the item's running clocks (`reclassify.moves` decides which and
to what); this writes the moves onto the clock rows and keeps their reminder, overdue and
criticism marks consistent with the new deadline. The caller writes the history and audit
(`describe`, `for_audit`) and commits, in the same transaction as the classification.

Overdue is stored: `timers.refresh` sets the item's flag at once, and the supervision tick
claims a running clock whose `due_at` has passed and whose `overdue_at` is empty, so a clock
whose new deadline is already past is supervised on the next tick like any overdue clock.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import actions, clocks, notes, reclassify, timers
from complaints.models import Complaint
from complaints.reclassify import Move
from complaints.service import SHANGHAI
from complaints.vocab import ClockKind
from core.calendar_store import load_calendar


def move_clocks(
    session: Session,
    item: Complaint,
    *,
    was: reclassify.Classification,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
) -> list[Move]:
    """Recompute the clocks whose limit the change from `was` to the item's classification
    alters; refreshes the item's next deadline and overdue flag. Returns the moves."""
    assert item.id is not None
    now_is = timers.classification(item)
    if now_is == was:
        return []
    limits = actions.limits_for(session, item)
    rows = timers.clocks_of(session, item.id)
    starts = {
        ClockKind.distribution: item.returned_at or item.received_at,
        **(
            {ClockKind.sign_for: item.distributed_at, ClockKind.reply: item.distributed_at}
            if item.distributed_at is not None
            else {}
        ),
    }
    found = reclassify.moves(
        rows,
        before=was,
        after=now_is,
        limits=limits,
        cal=load_calendar(session, roll_weekends=limits.roll_weekends),
        tz=tz,
        start_instants=starts,
    )
    by_kind = {r.kind: r for r in rows}
    for move in found:
        clock = by_kind[move.kind]
        clock.limit, clock.unit, clock.started_at = move.limit, move.unit, move.started_at
        clock.due_on, clock.due_at = move.deadline.due_on, move.deadline.due_at
        clock.remind_at = move.deadline.remind_at
        # a reminder or deadline still ahead is reminded and supervised afresh
        if clock.remind_at is None or clock.remind_at > now:
            clock.reminded_at = None
        if not clocks.is_overdue(clock.due_at, now):
            clock.overdue_at = None
        if clock.reminded_at is None and clock.overdue_at is None and not clock.criticised_at:
            clock.criticise_at = None  # nobody was told of this deadline: no count runs
        session.add(clock)
    if found:
        timers.refresh(session, item, now=now, rows=rows)
    return found


def describe(found: list[Move], *, tz: ZoneInfo) -> list[notes.Part]:
    """The history's note part for each moved clock (local times)."""
    return [
        notes.part(
            "classify.clock_moved",
            clock=m.kind,
            old_limit=m.before_limit,
            old_unit=m.before_unit,
            new_limit=m.limit,
            new_unit=m.unit,
            old_due=clocks.deadline_text(m.before_unit, m.before_due_at, m.before_due_on, tz),
            new_due=clocks.deadline_text(m.unit, m.deadline.due_at, m.deadline.due_on, tz),
        )
        for m in found
    ]


def for_audit(found: list[Move]) -> list[dict[str, object]]:
    return [
        {
            "clock": m.kind.value,
            "limit_before": m.before_limit,
            "unit_before": m.before_unit,
            "due_at_before": m.before_due_at.isoformat(),
            "limit_after": m.limit,
            "unit_after": m.unit,
            "due_at_after": m.deadline.due_at.isoformat(),
        }
        for m in found
    ]
