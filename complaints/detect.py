"""Hotspot detection (pure): daily count series in, alarms out. No database, no clock.

Model. A series' expected count on day t is `level × factor(class(t))`. The day class comes
from the working-day calendar (`core.workcal`): Monday…Friday working days, Saturday and
Sunday rest days, statutory holidays, make-up working days (调休) and the first working day
after a break of three or more rest days (the post-holiday rebound). The factors (a
`Profile`) are estimated once from the aggregate of all items over up to a year
(`estimate_profile`), because a single domain or district has too few items for its own
weekday pattern; classes with too little history keep `DEFAULT_FACTORS`.

Test. For each window of the last `w` days (`windows`, default 1, 3 and 7 days ending on
`as_of`) the observed count O is compared with its expectation E from the baseline (the
`baseline_days` before the longest window). The level is the Poisson–Gamma posterior mean
`(C_b + prior_count) / (F_b + prior_days)` (C_b items over F_b factor-days), so a series
with an empty baseline (a business never complained about) still has a small, honest
expectation. The variance of O is `φ·E + φ·E²/(C_b + prior_count)`: over-dispersion φ
(Pearson's statistic over the baseline, at least 1) plus the uncertainty of the level. O is
flagged when the negative-binomial upper tail P(X ≥ O) is below `alpha / len(windows)`
(Bonferroni over the windows), O ≥ `min_count` and O / E ≥ `min_ratio`. The window with the
smallest tail probability is reported.

Levels (DOMAIN.md §5 colours; red is the highest): red when O/E ≥ 3 and O − E ≥ 20,
orange when O/E ≥ 2 and O − E ≥ 10, yellow when O/E ≥ 1.5 and O − E ≥ 5, blue otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from core.workcal import DayKind, WorkingCalendar

BREAK_DAYS = 3  # rest days in a row that make the next working day a post-break day


class DayClass(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"  # a Saturday rest day
    sun = "sun"  # a Sunday rest day
    holiday = "holiday"  # statutory holiday or overridden rest day
    makeup = "makeup"  # 调休: a weekend day worked
    after_break = "after_break"  # first working day after >= 3 rest days


WORKDAY_CLASSES = (DayClass.mon, DayClass.tue, DayClass.wed, DayClass.thu, DayClass.fri)
DEFAULT_FACTORS: Mapping[DayClass, float] = {
    **dict.fromkeys(WORKDAY_CLASSES, 1.0),
    DayClass.sat: 0.5,
    DayClass.sun: 0.5,
    DayClass.holiday: 0.4,
    DayClass.makeup: 1.0,
    DayClass.after_break: 1.0,
}


class WarningLevel(StrEnum):
    """Early-warning colours, lowest first (red = level 1, the most serious)."""

    blue = "blue"
    yellow = "yellow"
    orange = "orange"
    red = "red"

    @property
    def rank(self) -> int:
        return _LEVELS.index(self)


_LEVELS = (WarningLevel.blue, WarningLevel.yellow, WarningLevel.orange, WarningLevel.red)


def day_class(calendar: WorkingCalendar, day: date) -> DayClass:
    kind = calendar.day_kind(day)
    if kind is DayKind.HOLIDAY:
        return DayClass.holiday
    if kind is DayKind.MAKEUP_WORKDAY:
        return DayClass.makeup
    if kind is DayKind.WEEKEND:
        return DayClass.sat if day.weekday() == 5 else DayClass.sun
    rest = 0
    before = day - timedelta(days=1)
    while rest < BREAK_DAYS and not calendar.is_working_day(before):
        rest += 1
        before -= timedelta(days=1)
    return DayClass.after_break if rest >= BREAK_DAYS else WORKDAY_CLASSES[day.weekday()]


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ---- the day-class profile ---------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    factors: Mapping[DayClass, float]
    estimated: frozenset[DayClass] = frozenset()  # classes estimated from data (rest: default)

    def factor(self, cls: DayClass) -> float:
        return self.factors[cls]


DEFAULT_PROFILE = Profile(DEFAULT_FACTORS)


def estimate_profile(
    start: date,
    counts: Sequence[int],
    calendar: WorkingCalendar,
    *,
    min_days: int = 3,
    min_items: int = 30,
    smoothing_days: int = 28,
) -> Profile:
    """Day-class factors of an aggregate series (day i is `start + i`), normalised so that
    the five weekday classes average 1. A class seen on fewer than `min_days` days or with
    fewer than `min_items` items keeps its default. Two passes: local levels (a centred
    moving window) remove the trend, then each class's factor is Σ count / Σ local level."""
    classes = [day_class(calendar, start + timedelta(days=i)) for i in range(len(counts))]
    if sum(counts) < 5 * min_items:
        return DEFAULT_PROFILE
    factors = dict(DEFAULT_FACTORS)
    estimated: set[DayClass] = set()
    half = smoothing_days // 2
    for _ in range(2):
        weights = [factors[c] for c in classes]
        prefix_c, prefix_w = [0.0], [0.0]
        for c, w in zip(counts, weights, strict=True):
            prefix_c.append(prefix_c[-1] + c)
            prefix_w.append(prefix_w[-1] + w)
        sums: dict[DayClass, list[float]] = {}
        for i, cls in enumerate(classes):
            lo, hi = max(0, i - half), min(len(counts), i + half + 1)
            level = (prefix_c[hi] - prefix_c[lo]) / max(prefix_w[hi] - prefix_w[lo], 1e-9)
            acc = sums.setdefault(cls, [0.0, 0.0, 0.0])
            acc[0] += counts[i]
            acc[1] += level
            acc[2] += 1
        new = dict(DEFAULT_FACTORS)
        for cls, (observed, expected, n) in sums.items():
            if n >= min_days and observed >= min_items and expected > 0:
                new[cls] = observed / expected
                estimated.add(cls)
        norm = sum(new[c] for c in WORKDAY_CLASSES) / len(WORKDAY_CLASSES)
        factors = {cls: value / norm for cls, value in new.items()}
        for cls in DayClass:
            if cls not in estimated:
                factors[cls] = DEFAULT_FACTORS[cls]
    return Profile(factors, frozenset(estimated))


# ---- the test ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectionConfig:
    baseline_days: int = 56
    windows: tuple[int, ...] = (1, 3, 7)
    alpha: float = 0.005
    min_count: int = 5
    min_ratio: float = 1.5
    prior_count: float = 0.5
    prior_days: float = 1.0
    max_dispersion: float = 20.0
    dispersion_min_items: int = 30

    @property
    def span_days(self) -> int:
        """Days of data one test needs: the baseline and the longest window."""
        return self.baseline_days + max(self.windows)


@dataclass(frozen=True)
class SeriesKey:
    dimension: str  # domain, district, business, keyword, incident_category, total
    value: str
    label: str = ""


@dataclass(frozen=True)
class Series:
    key: SeriesKey
    start: date
    counts: tuple[int, ...]

    def count_on(self, day: date) -> int:
        index = (day - self.start).days
        return self.counts[index] if 0 <= index < len(self.counts) else 0


@dataclass(frozen=True)
class DayPoint:
    day: date
    count: int
    expected: float
    day_class: DayClass
    in_window: bool


@dataclass(frozen=True)
class Alarm:
    key: SeriesKey
    as_of: date
    window_days: int
    window_start: date
    observed: int
    expected: float
    ratio: float
    p_value: float
    level: WarningLevel
    baseline_items: int
    baseline_level: float  # expected items on an average working day
    dispersion: float
    baseline_days: int  # the days the level was estimated from (before the longest window)
    days: tuple[DayPoint, ...] = field(default=(), repr=False)


def _log_nb(k: int, r: float, log_p: float, log_q: float) -> float:
    return math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * log_p + k * log_q


def _log_poisson(k: int, mean: float) -> float:
    return -mean + k * math.log(mean) - math.lgamma(k + 1)


def upper_tail(observed: int, mean: float, variance: float) -> float:
    """P(X >= observed) for X negative binomial with this mean and variance (Poisson when
    the variance does not exceed the mean)."""
    if observed <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if variance > mean * (1 + 1e-9):
        r = mean * mean / (variance - mean)
        log_p, log_q = math.log(r / (r + mean)), math.log(mean / (r + mean))

        def log_pmf(k: int) -> float:
            return _log_nb(k, r, log_p, log_q)
    else:

        def log_pmf(k: int) -> float:
            return _log_poisson(k, mean)

    if observed <= mean:
        below = sum(math.exp(log_pmf(k)) for k in range(observed))
        return max(0.0, min(1.0, 1.0 - below))
    total, k = 0.0, observed
    while k < observed + 100_000:
        term = math.exp(log_pmf(k))
        total += term
        if term <= total * 1e-13:
            break
        k += 1
    return min(1.0, total)


def grade(observed: int, expected: float) -> WarningLevel:
    ratio = observed / expected if expected > 0 else math.inf
    excess = observed - expected
    if ratio >= 3 and excess >= 20:
        return WarningLevel.red
    if ratio >= 2 and excess >= 10:
        return WarningLevel.orange
    if ratio >= 1.5 and excess >= 5:
        return WarningLevel.yellow
    return WarningLevel.blue


def _classes(calendar: WorkingCalendar, days: Sequence[date]) -> dict[date, DayClass]:
    return {d: day_class(calendar, d) for d in days}


def detect(
    series: Series,
    *,
    as_of: date,
    profile: Profile,
    calendar: WorkingCalendar,
    config: DetectionConfig,
    classes: Mapping[date, DayClass] | None = None,
) -> Alarm | None:
    """The strongest significant rise of `series` in a window ending on `as_of`, or None.
    `classes` (optional) is a precomputed day → class map shared by many series."""
    longest = max(config.windows)
    first = as_of - timedelta(days=config.span_days - 1)
    baseline = days_between(first, as_of - timedelta(days=longest))
    shown = days_between(first, as_of)
    cls = classes if classes is not None else _classes(calendar, shown)
    f_b = sum(profile.factor(cls[d]) for d in baseline)
    c_b = sum(series.count_on(d) for d in baseline)
    shape = c_b + config.prior_count
    level = shape / (f_b + config.prior_days)
    dispersion = 1.0
    if c_b >= config.dispersion_min_items and len(baseline) > 1:
        pearson = sum(
            (series.count_on(d) - level * profile.factor(cls[d])) ** 2
            / (level * profile.factor(cls[d]))
            for d in baseline
        ) / (len(baseline) - 1)
        dispersion = min(max(pearson, 1.0), config.max_dispersion)
    threshold = config.alpha / len(config.windows)
    best: tuple[float, int, int, float] | None = None
    for w in sorted(config.windows):
        window = days_between(as_of - timedelta(days=w - 1), as_of)
        expected = level * sum(profile.factor(cls[d]) for d in window)
        observed = sum(series.count_on(d) for d in window)
        if observed < config.min_count or observed < config.min_ratio * expected:
            continue
        variance = dispersion * expected + dispersion * expected * expected / shape
        p = upper_tail(observed, expected, variance)
        if p < threshold and (best is None or p < best[0]):
            best = (p, w, observed, expected)
    if best is None:
        return None
    p, w, observed, expected = best
    window_start = as_of - timedelta(days=w - 1)
    points = tuple(
        DayPoint(
            d,
            series.count_on(d),
            round(level * profile.factor(cls[d]), 3),
            cls[d],
            d >= window_start,
        )
        for d in shown
    )
    return Alarm(
        key=series.key,
        as_of=as_of,
        window_days=w,
        window_start=window_start,
        observed=observed,
        expected=round(expected, 3),
        ratio=round(observed / expected, 3) if expected > 0 else math.inf,
        p_value=p,
        level=grade(observed, expected),
        baseline_items=c_b,
        baseline_level=round(level, 3),
        dispersion=round(dispersion, 3),
        baseline_days=len(baseline),
        days=points,
    )


def detect_all(
    series: Sequence[Series],
    *,
    as_of: date,
    profile: Profile,
    calendar: WorkingCalendar,
    config: DetectionConfig,
) -> list[Alarm]:
    """Every alarm among `series`, strongest (smallest tail probability) first."""
    first = as_of - timedelta(days=config.span_days - 1)
    classes = _classes(calendar, days_between(first, as_of))
    alarms = [
        alarm
        for s in series
        if (
            alarm := detect(
                s,
                as_of=as_of,
                profile=profile,
                calendar=calendar,
                config=config,
                classes=classes,
            )
        )
        is not None
    ]
    return sorted(alarms, key=lambda a: (a.p_value, a.key.dimension, a.key.value))
