"""Statutory clocks with the official calendar: the start day never counts, holidays and 调休
make-up days, calendar-day roll-over, Order 20 vs Order 121, pauses and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from complaints import clocks
from complaints.clocks import ORDER_20, ORDER_121, Unit, deadline
from complaints.service import SHANGHAI
from complaints.vocab import ClockKind, ItemType, RejectionGround
from core.workcal import CalendarOverride, WorkingCalendar

CAL = WorkingCalendar()
ROLL = WorkingCalendar(roll_weekends=True)


@pytest.mark.parametrize(
    ("why", "start", "limit", "unit", "calendar", "due"),
    [
        (
            "acceptance: 7 WD, start day not counted",
            date(2026, 11, 23),
            7,
            "working",
            CAL,
            date(2026, 12, 2),
        ),
        (
            "acceptance over the Spring Festival with make-up days 02-14 and 02-28",
            date(2026, 2, 13),
            7,
            "working",
            CAL,
            date(2026, 3, 2),
        ),
        (
            "a make-up Saturday (调休) is a working day",
            date(2026, 2, 13),
            1,
            "working",
            CAL,
            date(2026, 2, 14),
        ),
        ("acceptance over National Day", date(2026, 9, 30), 7, "working", CAL, date(2026, 10, 15)),
        ("verification 15 WD", date(2026, 11, 23), 15, "working", CAL, date(2026, 12, 14)),
        ("verification 15 + 15 WD", date(2026, 11, 23), 30, "working", CAL, date(2027, 1, 5)),
        ("Order 20 mediation 45 WD", date(2026, 11, 23), 45, "working", CAL, date(2027, 1, 26)),
        ("mediation 60 D", date(2026, 11, 23), 60, "calendar", CAL, date(2027, 1, 22)),
        (
            "60 D ending on National Day rolls past the holiday",
            date(2026, 8, 2),
            60,
            "calendar",
            CAL,
            date(2026, 10, 8),
        ),
        (
            "a calendar deadline on a Saturday stays by default",
            date(2026, 11, 23),
            12,
            "calendar",
            CAL,
            date(2026, 12, 5),
        ),
        (
            "… and rolls to Monday with weekend roll-over",
            date(2026, 11, 23),
            12,
            "calendar",
            ROLL,
            date(2026, 12, 7),
        ),
    ],
)
def test_due_dates(
    why: str, start: date, limit: int, unit: Unit, calendar: WorkingCalendar, due: date
) -> None:
    assert clocks.due_date(calendar, start, limit, unit) == due, why


def test_an_admin_rest_day_override_moves_a_working_day_deadline() -> None:
    local = WorkingCalendar([CalendarOverride(date(2026, 12, 2), False, "本地停工")])
    assert clocks.due_date(local, date(2026, 11, 23), 7, "working") == date(2026, 12, 3)


def test_deadline_instant_is_local_midnight_after_the_due_day() -> None:
    computed = deadline(
        CAL, start=date(2026, 11, 23), limit=7, unit="working", tz=SHANGHAI, soon_wd=2
    )
    assert computed.due_on == date(2026, 12, 2)
    assert computed.due_at == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    # reminded at 09:00 local two working days before (Monday 11-30)
    assert computed.remind_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert not clocks.is_overdue(computed.due_at, datetime(2026, 12, 2, 15, 59, tzinfo=UTC))
    assert clocks.is_overdue(computed.due_at, datetime(2026, 12, 2, 16, 0, tzinfo=UTC))


def test_a_one_day_clock_is_reminded_on_its_due_day() -> None:
    computed = deadline(
        CAL, start=date(2026, 11, 23), limit=1, unit="working", tz=SHANGHAI, soon_wd=2
    )
    assert computed.due_on == date(2026, 11, 24)
    assert computed.remind_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    off = deadline(CAL, start=date(2026, 11, 23), limit=1, unit="working", tz=SHANGHAI)
    assert off.remind_at is None


def test_a_testing_pause_extends_by_its_days_in_the_clocks_unit() -> None:
    assert clocks.paused_units(CAL, date(2026, 12, 1), date(2026, 12, 11), "calendar") == 10
    assert clocks.paused_units(CAL, date(2026, 12, 1), date(2026, 12, 11), "working") == 8
    assert clocks.paused_units(CAL, date(2026, 12, 1), date(2026, 12, 1), "calendar") == 0
    paused = deadline(
        CAL, start=date(2026, 11, 23), limit=60, unit="calendar", tz=SHANGHAI, paused=10
    )
    assert paused.due_on == date(2027, 2, 1)


def test_rule_sets_differ_where_the_orders_differ() -> None:
    assert clocks.limit_for(ClockKind.mediation, ORDER_121, ItemType.complaint) == (60, "calendar")
    assert clocks.limit_for(ClockKind.mediation, ORDER_20, ItemType.complaint) == (45, "working")
    assert RejectionGround.impersonation in ORDER_121.rejection_grounds
    assert RejectionGround.impersonation not in ORDER_20.rejection_grounds
    assert clocks.limit_for(ClockKind.acceptance, ORDER_20, ItemType.complaint) == (7, "working")


@pytest.mark.parametrize(
    ("item_type", "order", "limit"),
    [
        (ItemType.consultation, False, 2),
        (ItemType.suggestion, False, 10),
        (ItemType.help, False, 10),
        (ItemType.complaint, True, 5),
    ],
)
def test_reply_limits(item_type: ItemType, order: bool, limit: int) -> None:
    assert clocks.reply_limit(ORDER_121, item_type, order=order) == limit


def test_12345_return_window() -> None:
    distributed = date(2026, 11, 23)
    assert clocks.return_window_open(CAL, distributed, date(2026, 11, 25), ORDER_121)
    assert not clocks.return_window_open(CAL, distributed, date(2026, 11, 26), ORDER_121)


def test_remaining_working_days_count_down_and_go_negative() -> None:
    assert clocks.remaining_working_days(CAL, date(2026, 11, 23), date(2026, 12, 2)) == 7
    assert clocks.remaining_working_days(CAL, date(2026, 12, 2), date(2026, 12, 2)) == 0
    assert clocks.remaining_working_days(CAL, date(2026, 12, 4), date(2026, 12, 2)) == -2


D = date(2026, 12, 1)


def _d(n: int) -> date:
    return date.fromordinal(D.toordinal() + n)


@pytest.mark.parametrize(
    ("why", "pauses", "unit", "merged", "units"),
    [
        ("no pause", [], "calendar", [], 0),
        ("one pause", [(0, 10)], "calendar", [(0, 10)], 10),
        ("an empty pause is dropped", [(3, 3)], "calendar", [], 0),
        ("a nested pause counts once", [(0, 10), (2, 5)], "calendar", [(0, 10)], 10),
        ("the same pause twice counts once", [(6, 16), (6, 16)], "calendar", [(6, 16)], 10),
        ("overlapping pauses: their union", [(4, 9), (0, 6)], "calendar", [(0, 9)], 9),
        ("touching pauses join", [(0, 3), (3, 5)], "calendar", [(0, 5)], 5),
        ("separate pauses add up", [(0, 3), (5, 7)], "calendar", [(0, 3), (5, 7)], 5),
        # 12-01 is a Tuesday: 12-02 … 12-11 holds eight working days
        ("working days of the union", [(0, 7), (3, 10)], "working", [(0, 10)], 8),
    ],
)
def test_overlapping_pauses_count_once(
    why: str,
    pauses: list[tuple[int, int]],
    unit: Unit,
    merged: list[tuple[int, int]],
    units: int,
) -> None:
    days = [(_d(a), _d(b)) for a, b in pauses]
    assert clocks.merge_pauses(days) == [(_d(a), _d(b)) for a, b in merged], why
    assert clocks.union_units(CAL, days, unit) == units, why
