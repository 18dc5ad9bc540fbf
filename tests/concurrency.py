"""Two writers interleaved by hand, on a database whose commits are real (the per-test
rollback of tests/conftest.py cannot show what one connection sees of another's work).

`committed_engine` builds a fresh migrated database: a SQLite file, or a throwaway
PostgreSQL database beside DUTYDESK_DATABASE_URL (dropped at the end). `Writer` runs one
service call in a thread of its own while the test holds a transaction open in another
session; `Writer.start` returns once that call is waiting for a lock or has finished, so a
test can then commit its own transaction and see what the other call made of it: on the old
code the second call ran straight through on what it could see, on the new one it waited.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from core.db import _writer_queue, make_engine, write_session
from core.migrate import upgrade
from tests.e2e.conftest import create_postgres_database, drop_postgres_database, is_postgres

WAIT_S = 15.0  # the longest a test waits for a thread to block or finish


@contextmanager
def committed_engine(tmp_dir: Path) -> Iterator[Engine]:
    base = os.environ.get("DUTYDESK_DATABASE_URL")
    name = f"dutydesk_race_{uuid.uuid4().hex[:10]}"
    url = (
        create_postgres_database(base, name)
        if base and is_postgres(base)
        else f"sqlite:///{tmp_dir / 'race.db'}"
    )
    try:
        upgrade(url)
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        if base and is_postgres(base):
            drop_postgres_database(base, name)


def _waiting_for_a_lock(engine: Engine) -> bool:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        return bool(waiting)
    return _writer_queue(make_url(engine.url).database or "").waiting() > 0


class Writer:
    """`call(session)` in a write session of its own, in a thread; its result or error."""

    def __init__(self, engine: Engine, call: Callable[[Session], Any]) -> None:
        self.engine = engine
        self.call = call
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with write_session(self.engine) as session:
                self.result = self.call(session)
        except BaseException as exc:  # handed to the test by `join`
            self.error = exc

    def start(self) -> Writer:
        """Start and return once the call waits for a lock or has finished (bounded)."""
        self._thread.start()
        deadline = time.monotonic() + WAIT_S
        while self._thread.is_alive() and not _waiting_for_a_lock(self.engine):
            if time.monotonic() > deadline:
                raise AssertionError("the second writer neither finished nor waited for a lock")
            time.sleep(0.01)
        return self

    def join(self) -> Any:
        """The call's result (its exception is raised here)."""
        self._thread.join(WAIT_S)
        assert not self._thread.is_alive(), "the second writer did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def before_commit(session: Session, then: Callable[[], object]) -> None:
    """Call `then()` once, when `session` is about to commit its next transaction: everything
    the call under test wrote and locked is in place, nothing is visible to others yet."""
    event.listen(session, "before_commit", lambda _session: then(), once=True)


def at_once(engine: Engine, first: Callable[[Session], object], second: Any) -> Writer:
    """Run `first(session)` to its commit with `second` started just before it; the second
    writer, to be joined."""
    other = Writer(engine, second)
    with write_session(engine) as session:
        before_commit(session, other.start)
        first(session)
    return other
