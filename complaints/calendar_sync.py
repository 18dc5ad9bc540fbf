"""Calendar overrides and the deadlines already running (docs/adr/0003).

An admin enters next year's holidays and 调休 days as overrides, often while deadlines run
into them. `set_override` / `delete_override` change the day (core.calendar_store) and, in
the same transaction, recompute every running or paused clock whose window contains the day
(`started_on` < day ≤ `due_on`; any paused one that started before it): each from its own
start, limit, extension and finished pauses, under its rule set's roll-over and reminder
settings. Met and cancelled clocks keep the deadline they were judged against. The items'
next deadline, overdue flag and closure deadline follow (`timers.refresh`), and one audit
entry on the day lists the clocks that moved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from complaints import clocks, config, timers
from complaints.clocks import RuleLimits
from complaints.config_models import ComplaintRuleSet
from complaints.models import Complaint, ComplaintClock
from complaints.vocab import ClockStatus
from core import audit, calendar_store
from core.calendar_store import CalendarOverrideRow, load_calendar
from core.workcal import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUDIT_LISTED = 200  # clocks named in the audit entry; the count is always complete


def set_override(
    session: Session,
    *,
    day: date,
    working: bool,
    note: str,
    actor: str,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
) -> tuple[CalendarOverrideRow, int]:
    """Declare `day` working or rest and move the running deadlines; commits. Returns the
    override and how many clocks moved."""
    row = calendar_store.put_override(
        session, day=day, working=working, note=note, actor=actor, now=now
    )
    moved = recompute_clocks(session, day=day, actor=actor, now=now, tz=tz)
    session.commit()
    return row, moved


def set_override_range(
    session: Session,
    *,
    start: date,
    end: date,
    working: bool,
    note: str,
    actor: str,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
) -> tuple[list[CalendarOverrideRow], int]:
    """Declare every day from `start` to `end` (inclusive) working or rest, as one change:
    all days are set before any deadline is recomputed, so each running clock moves once,
    to where the whole range puts it; commits. Returns the overrides and how many clocks
    moved."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    rows = [
        calendar_store.put_override(
            session, day=day, working=working, note=note, actor=actor, now=now
        )
        for day in days
    ]
    moved = sum(recompute_clocks(session, day=day, actor=actor, now=now, tz=tz) for day in days)
    session.commit()
    return rows, moved


def delete_override(
    session: Session, *, day: date, actor: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> int:
    """Remove the override of `day` and move the running deadlines; commits. Returns how
    many clocks moved."""
    calendar_store.remove_override(session, day=day, actor=actor, now=now)
    moved = recompute_clocks(session, day=day, actor=actor, now=now, tz=tz)
    session.commit()
    return moved


def recompute_clocks(
    session: Session, *, day: date, actor: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> int:
    """Recompute the running and paused clocks that `day` can move (the caller commits);
    returns how many moved."""
    session.flush()
    rows = session.exec(
        select(ComplaintClock)
        .where(
            col(ComplaintClock.status).in_([ClockStatus.running, ClockStatus.paused]),
            col(ComplaintClock.started_on) < day,
            or_(
                col(ComplaintClock.due_on) >= day,
                col(ComplaintClock.status) == ClockStatus.paused,
            ),
        )
        .order_by(col(ComplaintClock.complaint_id), col(ComplaintClock.id))
    ).all()
    limits_of: dict[int, RuleLimits] = {}
    calendars: dict[bool, WorkingCalendar] = {}
    moved: list[dict[str, object]] = []
    touched: dict[int, Complaint] = {}
    for clock in rows:
        item = session.get(Complaint, clock.complaint_id)
        assert item is not None
        if item.rule_set_id not in limits_of:
            rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
            assert rule_set is not None
            limits_of[item.rule_set_id] = config.limits_of(rule_set)
        limits = limits_of[item.rule_set_id]
        if limits.roll_weekends not in calendars:
            calendars[limits.roll_weekends] = load_calendar(
                session, roll_weekends=limits.roll_weekends
            )
        was = clock.due_on
        if not timers.recompute(clock, limits=limits, cal=calendars[limits.roll_weekends], tz=tz):
            continue
        # a deadline or reminder still ahead is reminded and supervised afresh
        if clock.remind_at is not None and clock.remind_at > now:
            clock.reminded_at = None
        if not clocks.is_overdue(clock.due_at, now):
            clock.overdue_at = None
        session.add(clock)
        touched[item.id or 0] = item
        if clock.due_on != was:
            moved.append(
                {
                    "ref": item.ref,
                    "clock": clock.kind.value,
                    "from": was.isoformat(),
                    "to": clock.due_on.isoformat(),
                }
            )
    for item in touched.values():
        timers.refresh(session, item, now=now)
    if touched:
        audit.record(
            session,
            at=now,
            actor=actor,
            action="complaint.clocks.recompute",
            entity_type="calendar_day",
            entity_id=day.isoformat(),
            after={
                "moved": len(moved),
                "items": len(touched),
                "clocks": moved[:AUDIT_LISTED],
            },
        )
    return len(moved)
