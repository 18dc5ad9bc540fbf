"""Weekly incident figures: Monday weeks in the centre's zone, medians and percentiles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from escalation.stats import IncidentFact, acknowledgement, per_category, week_starts

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # Wednesday 12:00 local


def _fact(local: datetime, category: str, ack_minutes: float | None) -> IncidentFact:
    opened = local.replace(tzinfo=TZ).astimezone(UTC)
    acked = opened + timedelta(minutes=ack_minutes) if ack_minutes is not None else None
    return IncidentFact(opened, category, acked)


def test_weeks_start_on_local_monday() -> None:
    assert week_starts(NOW, TZ, 3) == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def test_counts_per_category_and_week() -> None:
    facts = [
        _fact(datetime(2026, 11, 23, 0, 30), "food_safety", 3),  # Monday 00:30 local: this week
        _fact(datetime(2026, 11, 22, 23, 59), "food_safety", None),  # Sunday: last week
        _fact(datetime(2026, 11, 24, 9, 0), "special_equipment", 10),
        _fact(datetime(2026, 10, 1, 9, 0), "other", 1),  # outside the window
    ]
    weeks = per_category(facts, now=NOW, tz=TZ, weeks=2)
    assert [w.week_start for w in weeks] == [date(2026, 11, 16), date(2026, 11, 23)]
    assert weeks[0].counts["food_safety"] == 1 and weeks[0].total == 1
    assert weeks[1].counts == {
        "special_equipment": 1,
        "food_safety": 1,
        "drug_safety": 0,
        "mass_event": 0,
        "other": 0,
    }


def test_acknowledgement_median_and_p90() -> None:
    minutes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 30]
    facts = [_fact(datetime(2026, 11, 24, 9, m), "other", a) for m, a in enumerate(minutes)]
    facts.append(_fact(datetime(2026, 11, 24, 10, 0), "other", None))
    [week] = acknowledgement(facts, now=NOW, tz=TZ, weeks=1)
    assert (week.opened, week.acknowledged) == (11, 10)
    assert week.median_minutes == 5.5 and week.p90_minutes == 9
    [empty] = acknowledgement([], now=NOW, tz=TZ, weeks=1)
    assert empty.median_minutes is None and empty.opened == 0
