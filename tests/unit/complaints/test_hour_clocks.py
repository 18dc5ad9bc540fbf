"""Hour limits of urgent 12345 orders (DOMAIN.md §3, Beijing 2 h / 24 h [U]), pure: elapsed
hours around the clock, a reminder at a share of the limit, and which limit applies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from complaints import clocks
from complaints.clocks import BEIJING_12345, ORDER_20, ORDER_121, RuleLimits
from complaints.service import SHANGHAI
from complaints.vocab import ClockKind, ItemType


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # 23:00 local on the eve of National Day → 01:00 on the holiday
        (datetime(2026, 9, 30, 15, 0, tzinfo=UTC), 2, datetime(2026, 9, 30, 17, 0, tzinfo=UTC)),
        # Friday 18:00 local → Saturday 18:00 (a weekend counts)
        (datetime(2026, 11, 27, 10, 0, tzinfo=UTC), 24, datetime(2026, 11, 28, 10, 0, tzinfo=UTC)),
        # 22:00 local → exactly local midnight
        (datetime(2026, 11, 23, 14, 0, tzinfo=UTC), 2, datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
    ],
)
def test_an_hour_clock_is_due_the_elapsed_hours_later(
    start: datetime, hours: int, due: datetime
) -> None:
    found = clocks.hour_deadline(start, hours, SHANGHAI, 25)
    assert found.due_at == due and found.unit == "hours" and found.limit == hours
    assert found.due_on == due.astimezone(SHANGHAI).date()
    assert found.remind_at == due - timedelta(hours=hours) / 4


def test_the_reminder_is_a_share_of_the_limit_or_off() -> None:
    start = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert clocks.hour_deadline(start, 2, SHANGHAI, 25).remind_at == start + timedelta(minutes=90)
    assert clocks.hour_deadline(start, 24, SHANGHAI, 50).remind_at == start + timedelta(hours=12)
    assert clocks.hour_deadline(start, 2, SHANGHAI, 0).remind_at is None


def test_which_hour_limit_applies() -> None:
    assert clocks.order_hours(BEIJING_12345, risk=True, utility=False) == 2
    assert clocks.order_hours(BEIJING_12345, risk=False, utility=True) == 24
    assert clocks.order_hours(BEIJING_12345, risk=True, utility=True) == 2  # the shorter
    assert clocks.order_hours(BEIJING_12345, risk=False, utility=False) is None
    for default in (ORDER_121, ORDER_20):
        assert clocks.order_hours(default, risk=True, utility=True) is None
    only_utilities = ORDER_121.model_copy(update={"order_utility_hours": 12})
    assert clocks.order_hours(only_utilities, risk=True, utility=True) == 12


def test_an_hour_limit_wins_for_sign_for_and_reply_only() -> None:
    for kind in (ClockKind.sign_for, ClockKind.reply):
        assert clocks.limit_for(kind, BEIJING_12345, ItemType.help, urgent_order=True, hours=2) == (
            2,
            "hours",
        )
    assert clocks.limit_for(ClockKind.distribution, BEIJING_12345, ItemType.help, hours=2) == (
        1,
        "working",
    )


def test_the_default_rule_sets_keep_working_day_limits() -> None:
    assert ORDER_121.order_risk_hours is None and ORDER_121.order_utility_hours is None
    assert clocks.limit_for(ClockKind.reply, ORDER_121, ItemType.help, urgent_order=True) == (
        0,
        "working",
    )
    assert (
        BEIJING_12345.model_copy(update={"order_risk_hours": None, "order_utility_hours": None})
        == ORDER_121
    )
    assert set(clocks.PRESETS) == {"order121", "beijing_12345"}


@pytest.mark.parametrize("field", ["order_risk_hours", "order_utility_hours"])
@pytest.mark.parametrize("value", [0, -2])
def test_hour_limits_must_be_positive(field: str, value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        RuleLimits.model_validate({field: value})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_mediation_limit_cannot_be_counted_in_hours() -> None:
    with pytest.raises(ValidationError):
        RuleLimits.model_validate({"mediation_unit": "hours"})
