"""Time source. Domain code asks a `Clock`; tests move a `FakeClock` instead of sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to. Thread-safe, so a server thread can read it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        with self._lock:
            self._now = instant.astimezone(UTC)


class FileClock:
    """Reads the current instant from a file on every call (ISO 8601 with an offset).

    A test seam for spawned processes: the test rewrites the file to move time forward.
    Settings refuse it in production.
    """

    def __init__(self, path: str) -> None:
        self._path = path

    def now(self) -> datetime:
        with open(self._path, encoding="utf-8") as handle:
            instant = datetime.fromisoformat(handle.read().strip())
        if instant.tzinfo is None:
            raise ValueError(f"{self._path} must hold an aware ISO 8601 instant")
        return instant.astimezone(UTC)
