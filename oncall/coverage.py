"""Days of a unit that no published roster covers: nobody is on duty then (overrides aside),
and nothing else says so. The roster list flags them and suggests generating the first.

Invariants: pure arithmetic on periods (`uncovered`); only published versions count; days
before `since` (today) are history and are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

Period = tuple[date, date]


def uncovered(periods: Iterable[Period], *, since: date) -> list[Period]:
    """The gaps between `since` and the last day of `periods` that none of them covers, in
    order (the days after the last one are simply not planned yet, not a gap)."""
    gaps: list[Period] = []
    day = since
    for start, end in sorted(periods):
        if end < day:
            continue
        if start > day:
            gaps.append((day, start - timedelta(days=1)))
        day = end + timedelta(days=1)
    return gaps


def next_period(periods: Iterable[Period], *, since: date, days: int) -> Period:
    """The period to generate next: the first gap from `since` on (at most `days` long),
    else the `days` after the last covered day (or from `since`)."""
    spans = list(periods)
    gaps = uncovered(spans, since=since)
    if gaps:
        start, end = gaps[0]
        return start, min(end, start + timedelta(days=days - 1))
    last = max((end for _, end in spans), default=None)
    start = max(since, last + timedelta(days=1)) if last else since
    return start, start + timedelta(days=days - 1)
