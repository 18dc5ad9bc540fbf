"""The supervision tick: reminders (催办) before a deadline, supervision (督办) after it, and
for 12345 orders written criticism (通报批评) of a unit that ignored a reminder.

The database is the truth (docs/adr/0001): each clock row carries `remind_at`, `due_at`,
`reminded_at` and `overdue_at`. A tick claims due rows (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; on SQLite the write transaction starts with BEGIN IMMEDIATE, so ticks are
serialised), and for each writes the supervision record, the item's history, the audit entry
and the notices (`escalation.notices`, idempotent by key) in one transaction, then commits.
The dispatcher tick sends the notices afterwards. Running a tick twice does nothing twice.

A pass takes its clocks' items with them, skipping an item someone has locked (a handler
acting on it: its clocks wait for the next tick), so that it never waits for an item's row
after its first audit entry (the lock order: rows, then the audit chain's lock); it used to
lock each item as it came to it, and deadlocked with a handler who had locked that item and
was about to audit.

Written criticism (DOMAIN.md §3: "reminder ignored: 5 WD past the reminder → written
criticism" [U], `RuleLimits.order_criticism_wd`): an order's first reminder starts the count
(`schedule_criticism` sets the clock's `criticise_at`: the end of the Nth working day after
the day it was sent, that day not counted); the overdue notice starts it when no reminder came
first. The step done (signed for, replied), returned or re-dispatched (the clock met,
cancelled or restarted) or its deadline moved (an extension) ends the count.

Hour clocks (urgent 12345 orders under a rule set with hour limits, `clocks.hour_deadline`)
are claimed like any other: their `remind_at` is a share of the limit before `due_at`, and
the notices name the deadline's day and time. Who is told, and what: `supervision_notices`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from complaints import clocks, config, history
from complaints.config_models import ComplaintRuleSet
from complaints.models import Complaint, ComplaintClock
from complaints.supervision_notices import notify
from complaints.vocab import ClockStatus, SupervisionKind, Workflow
from core.calendar_store import load_calendar
from core.clock import Clock

log = logging.getLogger("dutydesk.supervision")
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the ticks count local working days


@dataclass(frozen=True)
class TickResult:
    reminded: int
    supervised: int
    criticised: int = 0


def schedule_criticism(
    session: Session, item: Complaint, clock: ComplaintClock, *, now: datetime, tz: ZoneInfo
) -> None:
    """12345 orders: the first reminder (催办, or the overdue notice when no reminder came
    first) starts the count to written criticism (通报批评): `order_criticism_wd` working days
    after the day it was sent (not counted), unless the step is done or its deadline moves."""
    if item.workflow is not Workflow.order_12345 or clock.criticise_at is not None:
        return
    rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
    assert rule_set is not None
    limits = config.limits_of(rule_set)
    if limits.order_criticism_wd is None:
        return
    cal = load_calendar(session, roll_weekends=limits.roll_weekends)
    sent_on = clocks.local_day(now, tz)
    last_day = cal.add_working_days(sent_on, limits.order_criticism_wd)
    clock.criticise_at = clocks.end_of_day(last_day, tz)


def claim(
    session: Session,
    *,
    due: Any,
    done: Any,
    now: datetime,
    batch: int,
    also: Sequence[ColumnElement[bool]] = (),
) -> list[tuple[ComplaintClock, Complaint]]:
    """Running clocks whose `due` instant has come and whose `done` mark is still empty (and
    that meet `also`), the earliest due first, with their items, both locked to the commit
    on PostgreSQL; a clock claimed by another pass or whose item is locked (someone acting
    on it) is left for later."""
    postgres = session.get_bind().dialect.name == "postgresql"
    query = (
        select(ComplaintClock)
        .where(
            ComplaintClock.status == ClockStatus.running,
            col(due) <= now,
            col(done).is_(None),
            *also,
        )
        .order_by(col(due), col(ComplaintClock.id))
        .limit(batch)
    )
    if postgres:
        query = query.with_for_update(skip_locked=True)
    clocks = list(session.exec(query).all())
    ids = sorted({c.complaint_id for c in clocks})
    items_query = (
        select(Complaint)
        .where(col(Complaint.id).in_(ids))
        .order_by(col(Complaint.id))
        .execution_options(populate_existing=True)
    )
    if postgres:
        items_query = items_query.with_for_update(skip_locked=True)
    items = {i.id: i for i in session.exec(items_query).all()} if ids else {}
    return [(c, items[c.complaint_id]) for c in clocks if c.complaint_id in items]


def remind_due(
    session: Session, *, now: datetime, batch: int = 100, tz: ZoneInfo = SHANGHAI
) -> int:
    """Claim clocks whose reminder time has come, remind, commit. Returns how many."""
    rows = claim(
        session,
        due=ComplaintClock.remind_at,
        done=ComplaintClock.reminded_at,
        now=now,
        batch=batch,
        also=[col(ComplaintClock.due_at) > now],
    )
    for clock, item in rows:
        clock.reminded_at = now
        schedule_criticism(session, item, clock, now=now, tz=tz)
        session.add(clock)
        notify(session, kind=SupervisionKind.reminder, item=item, clock=clock, now=now, tz=tz)
        history.audit_change(
            session,
            item,
            at=now,
            actor="supervision",
            action="complaint.remind",
            before=None,
            extra={
                "clock": clock.kind.value,
                "due_on": clock.due_on.isoformat(),
                "due_at": clock.due_at.isoformat(),
            },
        )
    session.commit()
    return len(rows)


def supervise_overdue(
    session: Session, *, now: datetime, batch: int = 100, tz: ZoneInfo = SHANGHAI
) -> int:
    """Claim running clocks past their deadline, mark and supervise, commit."""
    rows = claim(
        session, due=ComplaintClock.due_at, done=ComplaintClock.overdue_at, now=now, batch=batch
    )
    for clock, item in rows:
        before = history.summary(item)
        clock.overdue_at = now
        schedule_criticism(session, item, clock, now=now, tz=tz)  # an overdue notice reminds too
        session.add(clock)
        item.overdue = True
        item.overdue_since = item.overdue_since or clock.due_at
        item.supervision_count += 1
        session.add(item)
        notify(session, kind=SupervisionKind.supervision, item=item, clock=clock, now=now, tz=tz)
        history.audit_change(
            session,
            item,
            at=now,
            actor="supervision",
            action="complaint.supervise",
            before=before,
            extra={
                "clock": clock.kind.value,
                "due_on": clock.due_on.isoformat(),
                "due_at": clock.due_at.isoformat(),
            },
        )
    session.commit()
    if rows:
        log.info("supervision: %d overdue clocks marked", len(rows))
    return len(rows)


def criticise_ignored(session: Session, *, now: datetime, batch: int = 100) -> int:
    """Claim running clocks whose reminder was ignored past `criticise_at`, criticise, commit."""
    rows = claim(
        session,
        due=ComplaintClock.criticise_at,
        done=ComplaintClock.criticised_at,
        now=now,
        batch=batch,
    )
    for clock, item in rows:
        before = history.summary(item)
        clock.criticised_at = now
        session.add(clock)
        item.criticism_count += 1
        session.add(item)
        notify(session, kind=SupervisionKind.criticism, item=item, clock=clock, now=now)
        history.audit_change(
            session,
            item,
            at=now,
            actor="supervision",
            action="complaint.criticise",
            before=before,
            extra={
                "clock": clock.kind.value,
                "reminded_at": (clock.reminded_at or clock.overdue_at or now).isoformat(),
            },
        )
    session.commit()
    if rows:
        log.info("supervision: %d ignored 12345 reminders criticised", len(rows))
    return len(rows)


def run_once(
    session: Session, *, now: datetime, batch: int = 100, tz: ZoneInfo = SHANGHAI
) -> TickResult:
    """One full pass in the caller's session (each half commits)."""
    reminded = remind_due(session, now=now, batch=batch, tz=tz)
    supervised = supervise_overdue(session, now=now, batch=batch, tz=tz)
    criticised = criticise_ignored(session, now=now, batch=batch)
    return TickResult(reminded=reminded, supervised=supervised, criticised=criticised)


class Supervisor:
    """Runs reminder and supervision passes; every instance may tick (rows are claimed)."""

    def __init__(
        self,
        open_session: Callable[[], AbstractContextManager[Session]],
        clock: Clock,
        tz: ZoneInfo,
        *,
        batch: int = 100,
    ) -> None:
        self._open = open_session
        self._clock = clock
        self._tz = tz
        self._batch = batch

    def tick(self) -> TickResult:
        with self._open() as session:
            reminded = remind_due(session, now=self._clock.now(), batch=self._batch, tz=self._tz)
        with self._open() as session:
            supervised = supervise_overdue(
                session, now=self._clock.now(), batch=self._batch, tz=self._tz
            )
        with self._open() as session:
            criticised = criticise_ignored(session, now=self._clock.now(), batch=self._batch)
        return TickResult(reminded=reminded, supervised=supervised, criticised=criticised)
