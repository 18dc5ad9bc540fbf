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

Recipients: the reminder goes to the handling unit's complaint contact (`UnitProfile`, else
the unit's first handler); 督办 goes to the unit's supervisor (profile, else the unit's first
leader) and, when the profile names one, to the supervisor group. Distribution clocks (and items
with no unit) remind the `intake` group and escalate to the `leadership` group.
"""

from __future__ import annotations

import hashlib
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
from complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintRuleSet,
    Supervision,
    UnitProfile,
)
from complaints.vocab import ClockKind, ClockStatus, SupervisionKind, Workflow
from core.calendar_store import load_calendar
from core.clock import Clock
from escalation import notices
from escalation.models import NoticeTopic, Notification
from oncall.models import DutyRole, Person, PersonDutyRole, Unit

log = logging.getLogger("dutydesk.supervision")
INTAKE_GROUP = "intake"
LEADERSHIP_GROUP = "leadership"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the ticks count local working days
CLOCK_ZH = {
    ClockKind.distribution: "分送",
    ClockKind.acceptance: "受理",
    ClockKind.mediation: "调解",
    ClockKind.termination_notice: "终止调解告知",
    ClockKind.verification: "核查",
    ClockKind.sign_for: "签收",
    ClockKind.reply: "办理回复",
}


@dataclass(frozen=True)
class TickResult:
    reminded: int
    supervised: int
    criticised: int = 0


def _first_with_role(session: Session, unit_id: int, role: DutyRole) -> int | None:
    return session.exec(
        select(Person.id)
        .join(PersonDutyRole, col(PersonDutyRole.person_id) == col(Person.id))
        .where(
            Person.unit_id == unit_id,
            col(Person.is_active).is_(True),
            PersonDutyRole.role == role,
        )
        .order_by(col(Person.id))
    ).first()


def recipients(
    session: Session, unit_id: int | None, kind: SupervisionKind
) -> tuple[int | None, str | None]:
    """(person, group) to notify about an item of `unit_id`. Written criticism (通报批评) goes
    to the unit's supervisor and always to the leadership group."""
    if kind is SupervisionKind.criticism:
        profile = session.get(UnitProfile, unit_id) if unit_id is not None else None
        person = profile.supervisor_person_id if profile else None
        if person is None and unit_id is not None:
            person = _first_with_role(session, unit_id, DutyRole.leader)
        return person, LEADERSHIP_GROUP
    if unit_id is None:
        return None, INTAKE_GROUP if kind is SupervisionKind.reminder else LEADERSHIP_GROUP
    profile = session.get(UnitProfile, unit_id)
    if kind is SupervisionKind.reminder:
        person = profile.contact_person_id if profile else None
        return person or _first_with_role(session, unit_id, DutyRole.handler), None
    person = profile.supervisor_person_id if profile else None
    group = profile.supervisor_group if profile else None
    person = person or _first_with_role(session, unit_id, DutyRole.leader)
    return person, group if (group or person) else LEADERSHIP_GROUP


def _body(kind: SupervisionKind, item: Complaint, clock: ComplaintClock, unit: str) -> str:
    what = CLOCK_ZH[clock.kind]
    title = item.title[:30]
    if kind is SupervisionKind.criticism:
        reminded = clock.reminded_at or clock.overdue_at
        since = f"（催办于{reminded:%m月%d日}）" if reminded else ""
        return (
            f"【DutyDesk】通报批评：{item.ref}「{title}」{what}经催办仍未办理{since}，"
            f"承办单位：{unit}。"
        )
    if kind is SupervisionKind.reminder:
        return (
            f"【DutyDesk】催办：{item.ref}「{title}」{what}期限为{clock.due_on:%m月%d日}，"
            "请按时办理。"
        )
    return (
        f"【DutyDesk】督办：{item.ref}「{title}」{what}已逾期（期限{clock.due_on:%m月%d日}），"
        f"承办单位：{unit}，请督促办理并反馈。"
    )


def notify(
    session: Session,
    *,
    kind: SupervisionKind,
    item: Complaint,
    clock: ComplaintClock,
    now: datetime,
) -> Supervision:
    assert item.id is not None and clock.id is not None
    at_intake = clock.kind is ClockKind.distribution  # distributing is the intake's job
    at_intake = at_intake and kind is not SupervisionKind.criticism
    unit_id = None if at_intake else item.unit_id
    person_id, group = recipients(session, unit_id, kind)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    body = _body(kind, item, clock, unit.name if unit else "受理科（待分送）")
    # short keys: the outbox channel stores "outbox:<key>" as the provider id (64 characters)
    base = f"cmp:{clock.id}:{clock.due_at:%Y%m%d%H}:{kind.value[0]}"
    sent: list[Notification] = []
    if person_id is not None:
        row = notices.queue_person_notice(
            session,
            key=f"{base}:p{person_id}",
            topic=NoticeTopic.complaint,
            subject_ref=f"complaint:{item.ref}",
            person_id=person_id,
            body=body,
            now=now,
        )
        sent += [row] if row else []
    if group is not None:
        row = notices.queue_group_notice(
            session,
            key=f"{base}:g{hashlib.sha1(group.encode()).hexdigest()[:8]}",
            topic=NoticeTopic.complaint,
            subject_ref=f"complaint:{item.ref}",
            group=group,
            body=body,
            now=now,
        )
        sent += [row] if row else []
    note = body if sent else body + "（无可通知的联系人，请配置承办单位联系人）"
    record = Supervision(
        complaint_id=item.id,
        clock_id=clock.id,
        kind=kind,
        clock_kind=clock.kind,
        due_at=clock.due_at,
        at=now,
        unit_id=unit_id,
        person_id=person_id,
        group=group,
        notification_id=sent[0].id if sent else None,
        note=note,
    )
    session.add(record)
    action = {
        SupervisionKind.reminder: "remind",
        SupervisionKind.supervision: "supervise",
        SupervisionKind.criticism: "criticise",
    }[kind]
    history.add(session, item, at=now, actor="supervision", action=action, note=note)
    return record


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
        notify(session, kind=SupervisionKind.reminder, item=item, clock=clock, now=now)
        history.audit_change(
            session,
            item,
            at=now,
            actor="supervision",
            action="complaint.remind",
            before=None,
            extra={"clock": clock.kind.value, "due_on": clock.due_on.isoformat()},
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
        notify(session, kind=SupervisionKind.supervision, item=item, clock=clock, now=now)
        history.audit_change(
            session,
            item,
            at=now,
            actor="supervision",
            action="complaint.supervise",
            before=before,
            extra={"clock": clock.kind.value, "due_on": clock.due_on.isoformat()},
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
