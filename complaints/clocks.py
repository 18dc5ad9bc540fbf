"""Statutory clocks (pure): deadlines from a rule set and the working-day calendar.

Counting (DOMAIN.md §3, O121 Art. 45, docs/adr/0003): the start day is never counted.
Working-day limits use `WorkingCalendar.add_working_days` (holidays and 调休 make-up days
included); calendar-day limits use `add_calendar_days`, which rolls a deadline that ends on
a holiday (and, with `roll_weekends`, a weekend) forward. A deadline is a whole local day:
the clock is overdue from the local midnight after `due_on`.

Hour limits (DOMAIN.md §3, Beijing [U]): a rule set may give an urgent 12345 order's sign-for
and reply an hour limit, one for a risk to life or property (an emergency item, e.g. 2 h) and
one for utilities (water, power, gas, heating, e.g. 24 h). Such a clock counts elapsed hours
around the clock from the dispatch instant: nights, weekends and holidays count (the hotline
and the units' duty run 7×24), so `due_at` is exactly the start plus the limit, and it is
reminded (催办) when `due_soon_percent` of the limit is left, not a working day before.

Pauses (testing, recusal) extend a clock by the paused time in the clock's own unit:
calendar days, or working days, between the pause's start day and its end day. Pauses that
overlap (a testing period recorded inside a suspension, two overlapping testing periods)
count once: a clock is extended by the union of its pauses (`union_units`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from complaints.vocab import ClockKind, ClockStatus, ItemType, RejectionGround, Workflow
from core.workcal import WorkingCalendar

DayUnit = Literal["working", "calendar"]
Unit = Literal["working", "calendar", "hours"]
REMIND_LOCAL_TIME = time(9, 0)

ALL_GROUNDS = tuple(RejectionGround)
ORDER20_GROUNDS = tuple(
    g
    for g in RejectionGround
    if g not in {RejectionGround.false_materials, RejectionGround.impersonation}
)


class RuleLimits(BaseModel):
    """The limits of one rule set. [U] items (DOMAIN.md) are editable per locality."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    distribution_wd: int = Field(default=1, ge=1, le=30, description="intake → unit [U]")
    acceptance_wd: int = Field(default=7, ge=1, le=60, description="O121 Art. 15")
    mediation_limit: int = Field(default=60, ge=1, le=365, description="O121 Art. 23")
    mediation_unit: DayUnit = Field(default="calendar", description="O20: 45 working days")
    termination_notice_wd: int = Field(default=7, ge=1, le=60, description="O121 Art. 23")
    verification_wd: int = Field(default=15, ge=1, le=90, description="XCCX Art. 18")
    verification_extension_wd: int = Field(default=15, ge=0, le=90)
    order_sign_for_wd: int = Field(default=1, ge=1, le=30, description="12345 [U]")
    order_return_wd: int = Field(default=2, ge=0, le=30, description="12345 [U] Shandong")
    order_reply_wd: int = Field(default=5, ge=1, le=90, description="12345 [U]")
    order_reply_extension_wd: int = Field(default=10, ge=0, le=90, description="12345 [U]")
    order_reply_by_type: dict[ItemType, Annotated[int, Field(ge=1, le=90)]] = Field(
        default_factory=dict,
        description="12345 reply limit by type, else order_reply_wd [U] (Guangdong: "
        "consultation 2, help and suggestion 10, complaint and report 15)",
    )
    order_urgent_reply_wd: int | None = Field(
        default=0,
        ge=0,
        le=90,
        description="12345 urgent and emergency orders: sign for and reply within this many "
        "WD, 0 the day of dispatch (LB: same day); None: no separate limit [U]",
    )
    order_criticism_wd: int | None = Field(
        default=5,
        ge=1,
        le=30,
        description="12345: a reminder (催办) ignored this many WD brings written criticism "
        "(通报批评) [U] LB; None: no such stage",
    )
    order_risk_hours: int | None = Field(
        default=None,
        ge=1,
        le=720,
        description="12345 orders with a risk to life or property (emergency items): sign for "
        "and reply within this many elapsed hours (Beijing: 2); None: the working-day limits [U]",
    )
    order_utility_hours: int | None = Field(
        default=None,
        ge=1,
        le=720,
        description="12345 orders about utilities (water, power, gas, heating): sign for and "
        "reply within this many elapsed hours (Beijing: 24); None: the working-day limits [U]",
    )
    order_urgent_distribution_hours: int | None = Field(
        default=None,
        ge=1,
        le=72,
        description="12345 urgent and emergency orders, and orders with an hour limit: the "
        "centre distributes them within this many elapsed hours of receipt (nights and "
        "holidays count). A local rule: no national or Beijing figure is implied; None: "
        "distribution_wd, as for other items [U]",
    )
    due_soon_percent: int = Field(
        default=25,
        ge=0,
        le=90,
        description="hour limits: 催办 when this share of the limit is left (2 h: 30 min); 0 off",
    )
    consultation_reply_wd: int = Field(default=2, ge=1, le=90, description="[U] Guangdong")
    suggestion_reply_wd: int = Field(default=10, ge=1, le=90, description="[U] Guangdong")
    help_reply_wd: int = Field(default=10, ge=1, le=90, description="[U] Guangdong")
    roll_weekends: bool = Field(default=False, description="[U] weekend roll-over")
    due_soon_wd: int = Field(default=2, ge=0, le=30, description="催办 this many WD before due")
    cluster_window_days: int = Field(default=30, ge=1, le=3650)
    rejection_grounds: tuple[RejectionGround, ...] = Field(default=ALL_GROUNDS, min_length=1)


ORDER_121 = RuleLimits()
ORDER_20 = RuleLimits(
    mediation_limit=45, mediation_unit="working", rejection_grounds=ORDER20_GROUNDS
)
# Order 121 with Beijing's 12345 urgent limits (DOMAIN.md §3 [U] BJ): 2 h for a risk to life
# or property, 24 h for utilities
BEIJING_12345 = ORDER_121.model_copy(update={"order_risk_hours": 2, "order_utility_hours": 24})
PRESETS: dict[str, tuple[str, RuleLimits]] = {
    "order121": ("市场监督管理投诉举报处理办法（总局令第121号）", ORDER_121),
    "beijing_12345": (
        "总局令第121号 + 北京12345紧急诉求（生命财产2小时、水电气热24小时）",
        BEIJING_12345,
    ),
}


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the last day, the instant it ends and when to remind."""

    limit: int
    unit: Unit
    due_on: date
    due_at: datetime
    remind_at: datetime | None


def local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The instant a deadline ending on `day` (local) has passed: the next local midnight."""
    return datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)


def due_date(cal: WorkingCalendar, start: date, amount: int, unit: DayUnit) -> date:
    if unit == "working":
        return cal.add_working_days(start, amount)
    return cal.add_calendar_days(start, amount)


def remind_day(cal: WorkingCalendar, start: date, due_on: date, soon_wd: int) -> date | None:
    """The working day `soon_wd` working days before `due_on`, but not on or before the start
    day (a short clock is reminded on its due day); None when the reminder is switched off."""
    if soon_wd <= 0:
        return None
    day = due_on
    counted = 0
    while counted < soon_wd and day > start:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    if day <= start:
        day = start + timedelta(days=1)
        while day < due_on and not cal.is_working_day(day):
            day += timedelta(days=1)
    return min(day, due_on)


def deadline(
    cal: WorkingCalendar,
    *,
    start: date,
    limit: int,
    unit: DayUnit,
    tz: ZoneInfo,
    extension: int = 0,
    paused: int = 0,
    soon_wd: int = 0,
) -> Deadline:
    due_on = due_date(cal, start, limit + extension + paused, unit)
    remind_on = remind_day(cal, start, due_on, soon_wd)
    remind_at = (
        None
        if remind_on is None
        else datetime.combine(remind_on, REMIND_LOCAL_TIME, tz).astimezone(UTC)
    )
    return Deadline(limit, unit, due_on, end_of_day(due_on, tz), remind_at)


def order_hours(limits: RuleLimits, *, risk: bool, utility: bool) -> int | None:
    """The hour limit of a 12345 order's sign-for and reply: the shorter of the limits that
    apply (a risk to life or property, utilities); None when none applies (working days)."""
    applicable = [
        hours
        for applies, hours in (
            (risk, limits.order_risk_hours),
            (utility, limits.order_utility_hours),
        )
        if applies and hours is not None
    ]
    return min(applicable) if applicable else None


def hour_deadline(start_at: datetime, hours: int, tz: ZoneInfo, soon_percent: int) -> Deadline:
    """An hour clock: due exactly `hours` elapsed hours after `start_at` (the calendar is not
    consulted), reminded when `soon_percent` of the limit is left."""
    due_at = start_at.astimezone(UTC) + timedelta(hours=hours)
    remind_at = due_at - timedelta(hours=hours) * soon_percent / 100 if soon_percent > 0 else None
    return Deadline(hours, "hours", local_day(due_at, tz), due_at, remind_at)


def deadline_text(unit: str, due_at: datetime, due_on: date, tz: ZoneInfo) -> str:
    """A deadline as notices and notes name it: an hour clock's local day and time, a day
    clock's last day."""
    if unit == "hours":
        return f"{due_at.astimezone(tz):%Y-%m-%d %H:%M}"
    return due_on.isoformat()


def remaining_minutes(due_at: datetime, now: datetime) -> int:
    """Whole minutes left until `due_at` (negative once overdue: minutes since)."""
    return int((due_at - now).total_seconds() // 60)


def paused_units(cal: WorkingCalendar, paused_from: date, resumed_on: date, unit: DayUnit) -> int:
    """Days a pause adds: calendar days, or working days, after `paused_from` up to and
    including `resumed_on` (the start day is not counted, as everywhere)."""
    if resumed_on <= paused_from:
        return 0
    if unit == "working":
        return cal.working_days_between(paused_from, resumed_on)
    return (resumed_on - paused_from).days


Pause = tuple[date, date]


def merge_pauses(pauses: list[Pause]) -> list[Pause]:
    """The union of pauses `(from, to)` (days after `from` up to and including `to`), as
    disjoint pauses in order; empty pauses are dropped, touching ones joined."""
    merged: list[Pause] = []
    for start, end in sorted(p for p in pauses if p[1] > p[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def union_units(cal: WorkingCalendar, pauses: list[Pause], unit: DayUnit) -> int:
    """Days the union of `pauses` adds: each paused day counted once."""
    return sum(paused_units(cal, start, end, unit) for start, end in merge_pauses(pauses))


def limit_for(
    kind: ClockKind,
    limits: RuleLimits,
    item_type: ItemType,
    *,
    urgent_order: bool = False,
    hours: int | None = None,
) -> tuple[int, Unit]:
    """The base limit and unit of a clock under a rule set; `urgent_order`: an urgent or
    emergency 12345 order, whose sign-for and reply fall due by `order_urgent_reply_wd`;
    `hours`: the order's hour limit (`order_hours`), which wins over both. Signing for is due
    by the same hour as the reply, as a same-day reply also bounds the sign-for."""
    if hours is not None and kind in (ClockKind.sign_for, ClockKind.reply):
        return hours, "hours"
    urgent = limits.order_urgent_reply_wd if urgent_order else None
    if urgent is not None and kind in (ClockKind.sign_for, ClockKind.reply):
        base = limits.order_sign_for_wd if kind is ClockKind.sign_for else urgent
        return min(base, urgent), "working"
    if kind is ClockKind.distribution:
        return limits.distribution_wd, "working"
    if kind is ClockKind.acceptance:
        return limits.acceptance_wd, "working"
    if kind is ClockKind.mediation:
        return limits.mediation_limit, limits.mediation_unit
    if kind is ClockKind.termination_notice:
        return limits.termination_notice_wd, "working"
    if kind is ClockKind.verification:
        return limits.verification_wd, "working"
    if kind is ClockKind.sign_for:
        return limits.order_sign_for_wd, "working"
    return reply_limit(limits, item_type, order=True), "working"


def reply_limit(limits: RuleLimits, item_type: ItemType, *, order: bool) -> int:
    if order:
        return limits.order_reply_by_type.get(item_type, limits.order_reply_wd)
    if item_type is ItemType.consultation:
        return limits.consultation_reply_wd
    if item_type is ItemType.suggestion:
        return limits.suggestion_reply_wd
    return limits.help_reply_wd


def general_reply_limit(limits: RuleLimits, item_type: ItemType, workflow: Workflow) -> int:
    return reply_limit(limits, item_type, order=workflow is Workflow.order_12345)


def extension_for(kind: ClockKind, limits: RuleLimits) -> int:
    if kind is ClockKind.verification:
        return limits.verification_extension_wd
    if kind is ClockKind.reply:
        return limits.order_reply_extension_wd
    return 0


# internal process steps (distribute within 1 WD, sign for …), not a deadline owed the citizen
INTERNAL_CLOCKS = frozenset({ClockKind.distribution, ClockKind.sign_for})


class ClockState(Protocol):
    """What `closure_deadline` reads of a clock (a `complaint_clock` row has it)."""

    @property
    def kind(self) -> ClockKind: ...
    @property
    def status(self) -> ClockStatus: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def on_time(self) -> bool | None: ...


def closure_deadline(rows: Iterable[ClockState]) -> datetime | None:
    """The instant by which the item must be closed to count as 按期办结 (on-time closure),
    from its statutory clocks: every clock but cancelled ones (the step no longer applies)
    and the internal distribution and sign-for steps. An item is closed on time only when
    none of its statutory steps ran late, so:

    - a clock met late: the earliest such due instant (already past: the item can no longer
      close on time, and an open item counts as late in 按期办结率);
    - else running clocks: the earliest of their due instants (the step now owed; a later
      step restarts the count when this one is met in time);
    - else None: a paused clock (suspended mediation; the deadline moves with the pause), or
      every step met in time and nothing owed any more (agreed, rejected, replied: the close
      itself has no statutory limit).

    A met clock's own deadline does not hold the item open once the path moved on: a
    mediation terminated on day 20 of 60 owes the termination notice within 7 working days,
    not the rest of the 60 days."""
    live = [
        r for r in rows if r.kind not in INTERNAL_CLOCKS and r.status is not ClockStatus.cancelled
    ]
    missed = [r.due_at for r in live if r.status is ClockStatus.met and r.on_time is False]
    if missed:
        return min(missed)
    running = [r.due_at for r in live if r.status is ClockStatus.running]
    if running:
        return min(running)
    return None


def is_overdue(due_at: datetime, now: datetime) -> bool:
    return now >= due_at


def on_time(due_at: datetime, met_at: datetime) -> bool:
    return met_at < due_at


def remaining_days(today: date, due_on: date) -> int:
    """Calendar days left after today up to the due day (0 on the due day; negative once
    overdue): the countdown of a clock counted in calendar days (mediation under Order 121)."""
    return (due_on - today).days


def remaining_working_days(cal: WorkingCalendar, today: date, due_on: date) -> int:
    """Working days left after today up to the due day (0 on the due day; negative once
    overdue, counting the working days since)."""
    return cal.working_days_between(today, due_on)


def return_window_open(
    cal: WorkingCalendar, distributed_on: date, today: date, limits: RuleLimits
) -> bool:
    """12345: a unit may return a misrouted order within `order_return_wd` working days."""
    return cal.working_days_between(distributed_on, today) <= limits.order_return_wd
