"""Which running clocks a reclassification moves, and to what (pure): from the clock's original
start under the new limit, pauses and extensions kept, met and cancelled clocks never."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from complaints.clocks import BEIJING_12345, ORDER_121, RuleLimits
from complaints.reclassify import Classification, Move, limit_of, moves
from complaints.service import SHANGHAI
from complaints.vocab import ClockKind, ClockStatus, ItemType, Urgency, Workflow
from core.workcal import WorkingCalendar

CAL = WorkingCalendar()
DISPATCHED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 local
RECEIVED = DISPATCHED - timedelta(hours=1)
NORMAL = Classification(Workflow.order_12345, ItemType.help, Urgency.normal, utility=False)
EMERGENCY = replace(NORMAL, urgency=Urgency.emergency)
URGENT = replace(NORMAL, urgency=Urgency.urgent)
UTILITY = replace(NORMAL, utility=True)
STARTS = {ClockKind.sign_for: DISPATCHED, ClockKind.reply: DISPATCHED}


@dataclass
class Row:
    kind: ClockKind
    limit: int
    unit: str
    due_at: datetime
    status: ClockStatus = ClockStatus.running
    started_on: date = date(2026, 11, 23)
    started_at: datetime | None = None
    extension: int = 0
    paused_units: int = 0

    @property
    def due_on(self) -> date:  # a day clock's last day: its due_at is the midnight after it
        return (self.due_at.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()


def _normal_rows() -> list[Row]:
    return [
        Row(ClockKind.sign_for, 1, "working", datetime(2026, 11, 24, 16, 0, tzinfo=UTC)),
        Row(ClockKind.reply, 5, "working", datetime(2026, 11, 30, 16, 0, tzinfo=UTC)),
    ]


def _moves(
    rows: list[Row], before: Classification, after: Classification, limits: RuleLimits
) -> list[Move]:
    return moves(
        rows,
        before=before,
        after=after,
        limits=limits,
        cal=CAL,
        tz=SHANGHAI,
        start_instants=STARTS,
    )


def test_an_emergency_shortens_both_order_clocks_to_two_hours_from_dispatch() -> None:
    found = _moves(_normal_rows(), NORMAL, EMERGENCY, BEIJING_12345)
    assert [m.kind for m in found] == [ClockKind.sign_for, ClockKind.reply]
    for m in found:
        assert (m.limit, m.unit, m.started_at) == (2, "hours", DISPATCHED)
        assert m.deadline.due_at == DISPATCHED + timedelta(hours=2)
        assert m.deadline.remind_at == DISPATCHED + timedelta(minutes=90)
    assert found[1].before_due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert (found[1].before_limit, found[1].before_unit) == (5, "working")


def test_a_downgrade_lengthens_the_clock_back_from_its_original_start() -> None:
    hour_rows = [
        Row(k, 2, "hours", DISPATCHED + timedelta(hours=2), started_at=DISPATCHED)
        for k in (ClockKind.sign_for, ClockKind.reply)
    ]
    found = _moves(hour_rows, EMERGENCY, NORMAL, BEIJING_12345)
    by_kind = {m.kind: m for m in found}
    assert by_kind[ClockKind.reply].deadline.due_on == date(2026, 11, 30)  # 5 WD after Monday
    assert by_kind[ClockKind.sign_for].deadline.due_on == date(2026, 11, 24)
    assert all(m.unit == "working" and m.started_at is None for m in found)


def test_the_utilities_flag_gives_24_hours_and_an_emergency_the_shorter_limit() -> None:
    (sign, reply) = _moves(_normal_rows(), NORMAL, UTILITY, BEIJING_12345)
    assert reply.deadline.due_at == DISPATCHED + timedelta(hours=24)
    utility_rows = [
        Row(k, 24, "hours", DISPATCHED + timedelta(hours=24), started_at=DISPATCHED)
        for k in (ClockKind.sign_for, ClockKind.reply)
    ]
    both = replace(UTILITY, urgency=Urgency.emergency)
    found = _moves(utility_rows, UTILITY, both, BEIJING_12345)
    assert [m.deadline.due_at for m in found] == [DISPATCHED + timedelta(hours=2)] * 2


def test_urgent_without_hour_limits_is_due_the_same_day() -> None:
    found = _moves(_normal_rows(), NORMAL, URGENT, ORDER_121)
    assert [(m.limit, m.unit, m.deadline.due_on) for m in found] == [
        (0, "working", date(2026, 11, 23)),
        (0, "working", date(2026, 11, 23)),
    ]


def test_met_and_cancelled_clocks_and_unchanged_limits_stay() -> None:
    rows = _normal_rows()
    rows[0].status = ClockStatus.met
    rows[1].status = ClockStatus.cancelled
    assert _moves(rows, NORMAL, EMERGENCY, BEIJING_12345) == []
    # urgent → emergency under Order 121: the same-day limit either way
    assert _moves(_normal_rows(), URGENT, EMERGENCY, ORDER_121) == []
    complaint = replace(NORMAL, workflow=Workflow.complaint, item_type=ItemType.complaint)
    acceptance = [Row(ClockKind.acceptance, 7, "working", DISPATCHED)]
    assert (
        _moves(acceptance, complaint, replace(complaint, urgency=Urgency.emergency), BEIJING_12345)
        == []
    )


def test_an_extension_already_granted_is_kept_in_working_days() -> None:
    reply = Row(ClockKind.reply, 5, "working", DISPATCHED, extension=10)
    (to_hours,) = _moves([reply], NORMAL, EMERGENCY, BEIJING_12345)
    assert to_hours.deadline.due_at == DISPATCHED + timedelta(hours=2)  # hours count no days
    hours = Row(ClockKind.reply, 2, "hours", DISPATCHED, started_at=DISPATCHED, extension=10)
    (back,) = _moves([hours], EMERGENCY, NORMAL, BEIJING_12345)
    assert back.deadline.due_on == date(2026, 12, 14)  # 5 + 10 WD after Monday 11-23


def test_without_a_start_instant_a_day_clock_is_left_alone() -> None:
    rows = [Row(ClockKind.reply, 5, "working", DISPATCHED)]
    assert (
        moves(
            rows,
            before=NORMAL,
            after=EMERGENCY,
            limits=BEIJING_12345,
            cal=CAL,
            tz=SHANGHAI,
            start_instants={},
        )
        == []
    )


LOCAL = BEIJING_12345.model_copy(update={"order_urgent_distribution_hours": 1})


def test_the_centres_distribution_limit_for_urgent_orders() -> None:
    assert limit_of(ClockKind.distribution, BEIJING_12345, EMERGENCY) == (1, "working")  # None
    assert limit_of(ClockKind.distribution, LOCAL, EMERGENCY) == (1, "hours")
    assert limit_of(ClockKind.distribution, LOCAL, URGENT) == (1, "hours")
    assert limit_of(ClockKind.distribution, LOCAL, UTILITY) == (1, "hours")  # 24 h order
    assert limit_of(ClockKind.distribution, LOCAL, NORMAL) == (1, "working")
    complaint = replace(EMERGENCY, workflow=Workflow.complaint, item_type=ItemType.complaint)
    assert limit_of(ClockKind.distribution, LOCAL, complaint) == (1, "working")
    rows = [Row(ClockKind.distribution, 1, "working", RECEIVED + timedelta(days=2))]
    (m,) = moves(
        rows,
        before=NORMAL,
        after=EMERGENCY,
        limits=LOCAL,
        cal=CAL,
        tz=SHANGHAI,
        start_instants={ClockKind.distribution: RECEIVED},
    )
    assert (m.unit, m.deadline.due_at) == ("hours", RECEIVED + timedelta(hours=1))


@pytest.mark.parametrize("value", [0, -1, 73])
def test_the_distribution_limit_is_bounded(value: int) -> None:
    with pytest.raises(ValidationError) as raised:
        RuleLimits(order_urgent_distribution_hours=value)
    assert raised.value.errors()[0]["loc"] == ("order_urgent_distribution_hours",)
