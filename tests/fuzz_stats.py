"""Counts the schemathesis cases run, reported at the end of the pytest session."""

from __future__ import annotations

from collections import Counter

cases: Counter[str] = Counter()
statuses: Counter[int] = Counter()


def record(operation: str, status: int) -> None:
    cases[operation] += 1
    statuses[status] += 1
