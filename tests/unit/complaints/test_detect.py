"""Detection on synthetic series with fixed seeds: a doubling sustained three days is flagged,
plain series stay quiet, holidays and make-up days are not mistaken for rises, and the
negative-binomial tail matches known values."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from complaints.detect import (
    DEFAULT_PROFILE,
    DayClass,
    DetectionConfig,
    Series,
    SeriesKey,
    WarningLevel,
    day_class,
    detect,
    detect_all,
    estimate_profile,
    grade,
    upper_tail,
)
from core.workcal import WorkingCalendar
from tests.insight_synthetic import TRUE_FACTORS, Spike, draw, expected_counts

CAL = WorkingCalendar()
CONFIG = DetectionConfig()
HISTORY_START = date(2025, 1, 1)
HISTORY_DAYS = 700  # to 2026-12-01


def _profile(seed: int = 1) -> object:
    rng = np.random.default_rng(seed)
    means = expected_counts(HISTORY_START, 365, CAL, base=300.0)
    return estimate_profile(HISTORY_START, draw(rng, means, start=HISTORY_START), CAL)


PROFILE = _profile()


def _series(seed: int, base: float, spikes: tuple[Spike, ...] = ()) -> Series:
    rng = np.random.default_rng(seed)
    means = expected_counts(HISTORY_START, HISTORY_DAYS, CAL, base=base, rng=rng, jitter=0.05)
    counts = draw(rng, means, spikes, start=HISTORY_START)
    return Series(SeriesKey("domain", f"d{seed}"), HISTORY_START, counts)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), DayClass.mon),
        (date(2026, 11, 28), DayClass.sat),
        (date(2026, 10, 1), DayClass.holiday),  # National Day
        (date(2026, 10, 8), DayClass.after_break),  # first working day after the golden week
        (date(2026, 10, 9), DayClass.fri),
        (date(2026, 9, 20), DayClass.makeup),  # Sunday worked (调休)
        (date(2026, 2, 14), DayClass.makeup),
        (date(2026, 2, 24), DayClass.after_break),  # after the Spring Festival
    ],
)
def test_day_classes_follow_the_official_calendar(day: date, expected: DayClass) -> None:
    assert day_class(CAL, day) is expected


def test_profile_recovers_the_weekday_and_holiday_pattern() -> None:
    factors = PROFILE.factors  # type: ignore[attr-defined]
    norm = sum(TRUE_FACTORS[c] for c in list(DayClass)[:5]) / 5
    for cls in (DayClass.mon, DayClass.fri, DayClass.sat, DayClass.sun, DayClass.holiday):
        assert factors[cls] == pytest.approx(TRUE_FACTORS[cls] / norm, rel=0.12), cls


def test_tiny_history_keeps_the_default_profile() -> None:
    assert estimate_profile(date(2026, 11, 1), [1, 0, 2, 1], CAL) == DEFAULT_PROFILE


def test_upper_tail_matches_known_values() -> None:
    # Poisson(10): P(X >= 20) = 0.003454
    assert upper_tail(20, 10.0, 10.0) == pytest.approx(0.0034543, rel=1e-4)
    # geometric (NB r=1) with mean 1: P(X >= 3) = (1/2)^3
    assert upper_tail(3, 1.0, 2.0) == pytest.approx(0.125, rel=1e-9)
    assert upper_tail(0, 5.0, 5.0) == 1.0
    assert upper_tail(2, 5.0, 5.0) == pytest.approx(1 - math.exp(-5) * 6, rel=1e-9)


def test_grade_by_ratio_and_excess() -> None:
    assert grade(60, 15.0) is WarningLevel.red
    assert grade(40, 15.0) is WarningLevel.orange
    assert grade(24, 15.0) is WarningLevel.yellow
    assert grade(9, 2.0) is WarningLevel.yellow  # a large ratio on few items
    assert grade(7, 4.5) is WarningLevel.blue
    assert WarningLevel.red.rank > WarningLevel.orange.rank > WarningLevel.blue.rank


def test_a_doubling_sustained_three_days_is_flagged() -> None:
    found = 0
    spike_days = [date(2026, 6, 2), date(2026, 6, 17), date(2026, 11, 10), date(2026, 11, 18)]
    for seed, start in enumerate(spike_days * 5):
        series = _series(100 + seed, base=25.0, spikes=(Spike(start, 3, 2.0),))
        alarm = detect(
            series, as_of=start + timedelta(days=2), profile=PROFILE, calendar=CAL, config=CONFIG
        )  # type: ignore[arg-type]
        if alarm is not None:
            found += 1
            assert alarm.ratio > 1.5
            assert alarm.window_start >= start - timedelta(days=4)
            assert alarm.days[-1].in_window and alarm.days[-1].day == start + timedelta(days=2)
            assert len(alarm.days) == CONFIG.span_days
    assert found >= 18  # of 20


def test_plain_series_stay_quiet_over_a_quarter() -> None:
    episodes = 0  # runs of alarming days: one warning each, as duplicates are suppressed
    for seed in range(12):
        series = _series(500 + seed, base=float(10 + 8 * seed))
        day, alarming = date(2026, 7, 1), False
        while day <= date(2026, 9, 30):
            alarm = detect(series, as_of=day, profile=PROFILE, calendar=CAL, config=CONFIG)  # type: ignore[arg-type]
            episodes += alarm is not None and not alarming
            alarming = alarm is not None
            day += timedelta(days=1)
    assert episodes <= 12  # 12 series-quarters: the target is at most one per series


def test_national_day_and_its_rebound_are_not_rises() -> None:
    quiet = 0
    for seed in range(10):
        series = _series(900 + seed, base=40.0)
        hits = [
            detect(series, as_of=d, profile=PROFILE, calendar=CAL, config=CONFIG)  # type: ignore[arg-type]
            for d in (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 12))
        ]
        quiet += all(h is None for h in hits)
    assert quiet >= 9


def test_a_business_with_no_history_and_a_burst_is_flagged() -> None:
    counts = [0] * 60 + [2, 3, 4]
    series = Series(SeriesKey("business", "好再来超市"), date(2026, 9, 1), tuple(counts))
    as_of = date(2026, 9, 1) + timedelta(days=62)
    alarm = detect(series, as_of=as_of, profile=DEFAULT_PROFILE, calendar=CAL, config=CONFIG)
    assert alarm is not None and alarm.observed == 9 and alarm.baseline_items == 0
    few = Series(SeriesKey("business", "x"), date(2026, 9, 1), tuple([0] * 62 + [3]))
    assert detect(few, as_of=as_of, profile=DEFAULT_PROFILE, calendar=CAL, config=CONFIG) is None


def test_detect_all_orders_by_strength() -> None:
    start = date(2026, 11, 16)
    strong = _series(7, base=30.0, spikes=(Spike(start, 3, 3.0),))
    weak = _series(8, base=30.0, spikes=(Spike(start, 3, 2.0),))
    plain = _series(9, base=30.0)
    alarms = detect_all(
        [plain, weak, strong],
        as_of=start + timedelta(days=2),
        profile=PROFILE,  # type: ignore[arg-type]
        calendar=CAL,
        config=CONFIG,
    )
    assert [a.key.value for a in alarms][:2] == ["d7", "d8"]
