"""The item's statutory clocks as rows (`complaint_clock`): start, meet, cancel, pause,
resume, extend, and the item's `next_due_at` / `overdue` summary. The caller commits."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from complaints import clocks, reclassify
from complaints.clocks import RuleLimits
from complaints.models import Complaint, ComplaintClock
from complaints.vocab import ClockKind, ClockStatus, Status
from core.workcal import WorkingCalendar

# built once: every detail reads an item's clocks (building and keying a statement costs
# about as much as running it)
_CLOCKS_OF = (
    select(ComplaintClock)
    .where(ComplaintClock.complaint_id == bindparam("complaint_id"))
    .order_by(col(ComplaintClock.id))
)


def clocks_of(session: Session, complaint_id: int) -> list[ComplaintClock]:
    return list(session.exec(_CLOCKS_OF, params={"complaint_id": complaint_id}).all())


def find(session: Session, complaint_id: int, kind: ClockKind) -> ComplaintClock | None:
    return session.exec(
        select(ComplaintClock).where(
            ComplaintClock.complaint_id == complaint_id, ComplaintClock.kind == kind
        )
    ).first()


def _day_unit(clock: ComplaintClock) -> clocks.DayUnit:
    return "working" if clock.unit == "working" else "calendar"


def _apply(clock: ComplaintClock, cal: WorkingCalendar, tz: ZoneInfo, limits: RuleLimits) -> None:
    computed = reclassify.deadline_of(
        started_on=clock.started_on,
        started_at=clock.started_at,
        limit=clock.limit,
        unit="hours" if clock.unit == "hours" else _day_unit(clock),
        extension=clock.extension,
        paused_units=clock.paused_units,
        limits=limits,
        cal=cal,
        tz=tz,
    )
    clock.due_on, clock.due_at, clock.remind_at = (
        computed.due_on,
        computed.due_at,
        computed.remind_at,
    )


def classification(item: Complaint) -> reclassify.Classification:
    return reclassify.Classification(item.workflow, item.item_type, item.urgency, item.utility)


def new_clock(
    item: Complaint,
    kind: ClockKind,
    *,
    start_day: date,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
    start_at: datetime,
    limit: int | None = None,
) -> ComplaintClock:
    """A running clock row for `item` (not added to any session); `start_at`: the instant it
    starts (an hour clock counts from it; a day clock from the day after `start_day`)."""
    assert item.id is not None
    base, unit = reclassify.limit_of(kind, limits, classification(item))
    clock = ComplaintClock(
        complaint_id=item.id,
        kind=kind,
        status=ClockStatus.running,
        started_on=start_day,
        started_at=start_at if unit == "hours" else None,
        limit=base if limit is None else limit,
        unit=unit,
        due_on=start_day,
        due_at=item.received_at,
    )
    _apply(clock, cal, tz, limits)
    return clock


def start(
    session: Session,
    item: Complaint,
    kind: ClockKind,
    *,
    start_day: date,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
    start_at: datetime,
    limit: int | None = None,
) -> ComplaintClock:
    """Start (or restart) the item's `kind` clock from `start_day` (not counted), or for an
    hour clock from the instant `start_at`."""
    assert item.id is not None
    fresh = new_clock(
        item,
        kind,
        start_day=start_day,
        limits=limits,
        cal=cal,
        tz=tz,
        start_at=start_at,
        limit=limit,
    )
    clock = find(session, item.id, kind)
    if clock is None:
        clock = fresh
    else:
        for name in (
            "status",
            "started_on",
            "started_at",
            "limit",
            "unit",
            "due_on",
            "due_at",
            "remind_at",
        ):
            setattr(clock, name, getattr(fresh, name))
        clock.extension = clock.paused_units = 0
        clock.pauses_json = "[]"
        clock.paused_since = clock.met_at = clock.on_time = None
        clock.reminded_at = clock.overdue_at = None
        clock.criticise_at = clock.criticised_at = None
    session.add(clock)
    session.flush()
    return clock


def meet(session: Session, item: Complaint, kind: ClockKind, *, now: datetime) -> None:
    assert item.id is not None
    clock = find(session, item.id, kind)
    if clock is None or clock.status in (ClockStatus.met, ClockStatus.cancelled):
        return
    clock.status = ClockStatus.met
    clock.met_at = now
    clock.on_time = clocks.on_time(clock.due_at, now)
    clock.paused_since = None
    session.add(clock)


def cancel(session: Session, item: Complaint, kind: ClockKind) -> None:
    assert item.id is not None
    clock = find(session, item.id, kind)
    if clock is not None and clock.status in (ClockStatus.running, ClockStatus.paused):
        clock.status = ClockStatus.cancelled
        session.add(clock)


def pause(session: Session, item: Complaint, kind: ClockKind, *, now: datetime) -> None:
    assert item.id is not None
    clock = find(session, item.id, kind)
    if clock is not None and clock.status is ClockStatus.running:
        clock.status = ClockStatus.paused
        clock.paused_since = now
        session.add(clock)


def add_pause(
    session: Session,
    item: Complaint,
    kind: ClockKind,
    *,
    paused_from: date,
    resumed_on: date,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
    testing: bool = False,
) -> int:
    """Extend a clock by a finished pause; returns the days (in the clock's unit) added:
    only the days that no pause recorded before already covers. A testing period
    (`testing`) is kept apart from suspensions, so the clock can say which excluded what."""
    assert item.id is not None
    clock = find(session, item.id, kind)
    if clock is None or clock.status in (ClockStatus.met, ClockStatus.cancelled):
        return 0
    if clock.unit == "hours":  # 12345 orders do not pause (no suspension in their loop)
        return 0
    unit = _day_unit(clock)
    known = _pauses(clock)
    pause = (max(paused_from, clock.started_on), resumed_on)  # the start day is never counted
    merged = clocks.merge_pauses([*known, pause])
    added = clocks.union_units(cal, merged, unit) - clocks.union_units(cal, known, unit)
    tested = clocks.merge_pauses([*_pauses(clock, TESTING), *([pause] if testing else [])])
    clock.pauses_json = json.dumps(
        [[a.isoformat(), b.isoformat()] for a, b in merged]
        + [[a.isoformat(), b.isoformat(), TESTING] for a, b in tested]
    )
    clock.paused_units += added
    _apply(clock, cal, tz, limits)
    if added:  # a new deadline: remind and supervise it afresh
        clock.reminded_at = clock.overdue_at = None
        clock.criticise_at = clock.criticised_at = None
    session.add(clock)
    return added


def recompute(
    clock: ComplaintClock, *, limits: RuleLimits, cal: WorkingCalendar, tz: ZoneInfo
) -> bool:
    """Recompute a clock's deadline from its own start, limit, extension and finished pauses
    under `cal` (after a calendar change); True when its due day or reminder moved."""
    before = (clock.due_on, clock.due_at, clock.remind_at)
    pauses = _pauses(clock)
    if pauses and clock.unit != "hours":  # rows from before 0013 carry paused_units alone
        clock.paused_units = clocks.union_units(cal, pauses, _day_unit(clock))
    _apply(clock, cal, tz, limits)
    return (clock.due_on, clock.due_at, clock.remind_at) != before


def due_on_if_resumed(
    clock: ComplaintClock, *, now: datetime, cal: WorkingCalendar, tz: ZoneInfo
) -> date:
    """The clock's last day as it would be were a running pause ended at `now` (nothing is
    changed): a paused clock does not run out while it is paused."""
    if clock.status is not ClockStatus.paused or clock.paused_since is None:
        return clock.due_on
    if clock.unit == "hours":
        return clock.due_on
    unit = _day_unit(clock)
    known = _pauses(clock)
    ongoing = (clocks.local_day(clock.paused_since, tz), clocks.local_day(now, tz))
    merged = clocks.merge_pauses([*known, ongoing])
    added = clocks.union_units(cal, merged, unit) - clocks.union_units(cal, known, unit)
    extra = clock.extension + clock.paused_units + added
    return clocks.due_date(cal, clock.started_on, clock.limit + extra, unit)


TESTING = "testing"


def _pauses(clock: ComplaintClock, tag: str | None = None) -> list[clocks.Pause]:
    """The clock's finished pauses (`tag` None: all of them, merged), or its testing
    periods alone (`TESTING`), stored beside them as [from, to, "testing"]."""
    return [
        (date.fromisoformat(a), date.fromisoformat(b))
        for a, b, *rest in json.loads(clock.pauses_json)
        if (rest[0] if rest else None) == tag
    ]


def tested_units(clock: ComplaintClock, cal: WorkingCalendar) -> int:
    """Of the clock's paused days, those a testing period excluded (O121 Art. 22)."""
    if clock.unit == "hours":
        return 0
    tested = clocks.union_units(cal, _pauses(clock, TESTING), _day_unit(clock))
    return min(tested, clock.paused_units)


def resume(
    session: Session,
    item: Complaint,
    kind: ClockKind,
    *,
    now: datetime,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
) -> int:
    assert item.id is not None
    clock = find(session, item.id, kind)
    if clock is None or clock.status is not ClockStatus.paused or clock.paused_since is None:
        return 0
    paused_from = clocks.local_day(clock.paused_since, tz)
    clock.status = ClockStatus.running
    clock.paused_since = None
    return add_pause(
        session,
        item,
        kind,
        paused_from=paused_from,
        resumed_on=clocks.local_day(now, tz),
        limits=limits,
        cal=cal,
        tz=tz,
    )


def extend(
    session: Session,
    item: Complaint,
    kind: ClockKind,
    *,
    extra: int,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
) -> ComplaintClock | None:
    assert item.id is not None
    clock = find(session, item.id, kind)
    if clock is None or clock.status in (ClockStatus.met, ClockStatus.cancelled):
        return None
    clock.extension += extra
    _apply(clock, cal, tz, limits)
    clock.reminded_at = clock.overdue_at = None
    clock.criticise_at = clock.criticised_at = None
    session.add(clock)
    return clock


def refresh(
    session: Session,
    item: Complaint,
    *,
    now: datetime,
    rows: list[ComplaintClock] | None = None,
) -> None:
    """Recompute the item's next deadline, overdue flag and closure deadline
    (`clocks.closure_deadline`; kept once the item is closed) from `rows` when the caller has
    all of the item's clocks at hand, else from the database."""
    assert item.id is not None
    if rows is None:
        session.flush()
        rows = clocks_of(session, item.id)
    running = [c for c in rows if c.status is ClockStatus.running]
    if running:
        first = min(running, key=lambda c: c.due_at)
        item.next_due_at, item.next_due_clock = first.due_at, first.kind
        item.next_due_unit = first.unit
    else:
        item.next_due_at = item.next_due_clock = item.next_due_unit = None
    late = [c for c in running if clocks.is_overdue(c.due_at, now)]
    item.overdue = bool(late)
    if not late:
        item.overdue_since = None
    elif item.overdue_since is None:
        item.overdue_since = min(c.due_at for c in late)
    if item.status is not Status.closed:  # a closed item keeps the deadline it closed against
        item.closure_due_at = clocks.closure_deadline(rows)
    session.add(item)
