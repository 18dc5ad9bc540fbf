"""Synthetic daily complaint counts with a realistic calendar (weekday pattern, statutory
holidays, make-up working days, a post-holiday rebound, a slow annual swing) and
negative-binomial noise, with optional injected spikes. Shared by the detection tests and
`bench/insight_benchmark.py`; every draw comes from a seeded numpy generator."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from complaints.detect import DayClass, day_class
from core.workcal import WorkingCalendar

TRUE_FACTORS = {
    DayClass.mon: 1.18,
    DayClass.tue: 1.08,
    DayClass.wed: 1.0,
    DayClass.thu: 0.97,
    DayClass.fri: 0.9,
    DayClass.sat: 0.55,
    DayClass.sun: 0.45,
    DayClass.holiday: 0.35,
    DayClass.makeup: 0.95,
    DayClass.after_break: 1.45,
}
NB_SHAPE = 25.0  # variance = mean + mean² / 25


@dataclass(frozen=True)
class Spike:
    start: date
    days: int
    factor: float


def expected_counts(
    start: date,
    n_days: int,
    calendar: WorkingCalendar,
    *,
    base: float,
    rng: np.random.Generator | None = None,
    jitter: float = 0.0,
) -> list[float]:
    """The noise-free mean per day: base × day-class factor × annual swing; `jitter` perturbs
    each series' weekday factors (a domain's own habits the shared profile does not know)."""
    factors = dict(TRUE_FACTORS)
    if rng is not None and jitter:
        factors = {c: f * float(rng.uniform(1 - jitter, 1 + jitter)) for c, f in factors.items()}
    phase = float(rng.uniform(0, 2 * math.pi)) if rng is not None else 0.0
    means = []
    for i in range(n_days):
        day = start + timedelta(days=i)
        swing = 1 + 0.12 * math.sin(2 * math.pi * day.timetuple().tm_yday / 365.25 + phase)
        means.append(base * factors[day_class(calendar, day)] * swing)
    return means


def draw(
    rng: np.random.Generator, means: list[float], spikes: tuple[Spike, ...] = (), *, start: date
) -> tuple[int, ...]:
    scaled = list(means)
    for spike in spikes:
        for i in range(spike.days):
            index = (spike.start - start).days + i
            if 0 <= index < len(scaled):
                scaled[index] *= spike.factor
    lam = rng.gamma(NB_SHAPE, np.array(scaled) / NB_SHAPE)
    return tuple(int(x) for x in rng.poisson(lam))
