"""Which clocks a classification decides, and how a reclassification moves them (pure).

A 12345 order's sign-for and reply limits depend on its urgency and utilities flag (working
days, the same-day urgent limit, or an hour limit: `clocks.limit_for`), and so, under a rule
set with `order_urgent_distribution_hours`, does the centre's distribution step. When staff
change the classification of an item whose clocks are already running, each running or
paused clock whose limit the change alters is recomputed from its ORIGINAL start under the
new limit (`moves`): an hour clock counts from the instant it started, a day clock from the
day it started; pauses already counted are kept, and so is an approved extension (it counts
in working days, so an hour clock does not count it, but it applies again should the clock
go back to working days). A met or cancelled clock never changes: it was judged against the
deadline it had.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from complaints import clocks
from complaints.clocks import Deadline, RuleLimits, Unit
from complaints.vocab import ClockKind, ClockStatus, ItemType, Urgency, Workflow
from core.workcal import WorkingCalendar


@dataclass(frozen=True)
class Classification:
    """What of an item decides its clocks' limits."""

    workflow: Workflow
    item_type: ItemType
    urgency: Urgency
    utility: bool

    @property
    def order(self) -> bool:
        return self.workflow is Workflow.order_12345


def order_hours(limits: RuleLimits, c: Classification) -> int | None:
    """The hour limit of an order's sign-for and reply (None: working days)."""
    if not c.order:
        return None
    return clocks.order_hours(limits, risk=c.urgency is Urgency.emergency, utility=c.utility)


def distribution_hours(limits: RuleLimits, c: Classification) -> int | None:
    """The centre's own hour limit for distributing an urgent or emergency 12345 order, or
    one whose sign-for and reply have an hour limit (`order_urgent_distribution_hours`, a
    local rule); None: the working-day limit (`distribution_wd`)."""
    urgent = c.urgency is not Urgency.normal or order_hours(limits, c) is not None
    return limits.order_urgent_distribution_hours if c.order and urgent else None


def limit_of(kind: ClockKind, limits: RuleLimits, c: Classification) -> tuple[int, Unit]:
    """The limit and unit of an item's `kind` clock under `limits` and its classification."""
    if kind is ClockKind.distribution:
        hours = distribution_hours(limits, c)
        if hours is not None:
            return hours, "hours"
    urgent_order = c.order and c.urgency is not Urgency.normal
    base, unit = clocks.limit_for(
        kind, limits, c.item_type, urgent_order=urgent_order, hours=order_hours(limits, c)
    )
    day_urgent = urgent_order and limits.order_urgent_reply_wd is not None
    if kind is ClockKind.reply and unit != "hours" and not day_urgent:
        base = clocks.general_reply_limit(limits, c.item_type, c.workflow)
    return base, unit


class ClockRow(Protocol):
    """What `moves` reads of a clock (a `complaint_clock` row has it)."""

    @property
    def kind(self) -> ClockKind: ...
    @property
    def status(self) -> ClockStatus: ...
    @property
    def started_on(self) -> date: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def limit(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def extension(self) -> int: ...
    @property
    def paused_units(self) -> int: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def due_on(self) -> date: ...


@dataclass(frozen=True)
class Move:
    """One clock's new limit and deadline; `started_at`: the instant an hour clock counts
    from (None for a day clock)."""

    kind: ClockKind
    before_limit: int
    before_unit: str
    before_due_at: datetime
    before_due_on: date
    limit: int
    unit: Unit
    started_at: datetime | None
    deadline: Deadline


def deadline_of(
    *,
    started_on: date,
    started_at: datetime | None,
    limit: int,
    unit: Unit,
    extension: int,
    paused_units: int,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
) -> Deadline:
    """A clock's deadline from its start, limit, extension and counted pauses. Extensions
    and pauses are days: an hour clock (no pause, no extension in its loop) counts neither."""
    if unit == "hours":
        assert started_at is not None
        return clocks.hour_deadline(started_at, limit, tz, limits.due_soon_percent)
    return clocks.deadline(
        cal,
        start=started_on,
        limit=limit,
        unit=unit,
        tz=tz,
        extension=extension,
        paused=paused_units,
        soon_wd=limits.due_soon_wd,
    )


def moves(
    rows: Iterable[ClockRow],
    *,
    before: Classification,
    after: Classification,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
    start_instants: Mapping[ClockKind, datetime],
) -> list[Move]:
    """The running and paused clocks whose limit changes from `before` to `after`, each with
    its new limit and deadline from its original start. `start_instants`: the instant each
    clock kind started (dispatch for sign-for and reply, receipt or the last return for
    distribution), used when a day clock becomes an hour clock (day clocks keep no instant)."""
    result: list[Move] = []
    for row in rows:
        if row.status not in (ClockStatus.running, ClockStatus.paused):
            continue
        old = limit_of(row.kind, limits, before)
        new = limit_of(row.kind, limits, after)
        if old == new:
            continue
        limit, unit = new
        started_at = None
        if unit == "hours":
            started_at = row.started_at or start_instants.get(row.kind)
            if started_at is None:
                continue  # no known start instant: leave the clock as it is
        deadline = deadline_of(
            started_on=row.started_on,
            started_at=started_at,
            limit=limit,
            unit=unit,
            extension=row.extension,
            paused_units=row.paused_units,
            limits=limits,
            cal=cal,
            tz=tz,
        )
        result.append(
            Move(
                row.kind,
                row.limit,
                row.unit,
                row.due_at,
                row.due_on,
                limit,
                unit,
                started_at,
                deadline,
            )
        )
    return result
