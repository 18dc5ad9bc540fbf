"""Runs roster generation off the request path. `ThreadRosterRunner` solves in a worker thread
with its own sessions; `InlineRosterRunner` solves before returning (used where the caller
shares one connection, e.g. the per-test transaction)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from oncall import rosters

log = logging.getLogger("dutydesk.roster_runner")


class RosterRunner(Protocol):
    def submit(self, roster_id: int) -> None: ...

    def running(self) -> frozenset[int]:
        """The rosters submitted here and not finished yet (queued or solving)."""
        ...


def _opener(factory: Callable[..., AbstractContextManager[Session]]) -> rosters.SessionOpener:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with factory(write=True) as session:
            yield session

    return open_session


class ThreadRosterRunner:
    def __init__(
        self,
        factory: Callable[..., AbstractContextManager[Session]],
        now: Callable[[], datetime],
        *,
        tz: ZoneInfo,
        workers: int = 2,
    ) -> None:
        self._open = _opener(factory)
        self._now = now
        self._tz = tz
        self._workers = workers
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-solver")
        self._lock = threading.Lock()
        self._running: set[int] = set()

    def submit(self, roster_id: int) -> None:
        with self._lock:
            self._running.add(roster_id)
        self._pool.submit(self._run, roster_id)

    def running(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._running)

    def _run(self, roster_id: int) -> None:
        try:
            rosters.run_generation(
                self._open, roster_id=roster_id, now=self._now, workers=self._workers, tz=self._tz
            )
        except Exception:
            log.exception("roster %s generation failed", roster_id)
        finally:
            with self._lock:
                self._running.discard(roster_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class InlineRosterRunner:
    def __init__(
        self,
        factory: Callable[..., AbstractContextManager[Session]],
        now: Callable[[], datetime],
        *,
        tz: ZoneInfo,
    ) -> None:
        self._open = _opener(factory)
        self._now = now
        self._tz = tz

    def submit(self, roster_id: int) -> None:
        rosters.run_generation(self._open, roster_id=roster_id, now=self._now, tz=self._tz)

    def running(self) -> frozenset[int]:
        return frozenset()  # solved before submit returns
