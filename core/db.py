"""Database engine and sessions for SQLite (embedded default) and PostgreSQL (production).

SQLite runs in WAL mode with a busy timeout; a session opened for writing starts its
transaction with `BEGIN IMMEDIATE` so two writers queue instead of failing on upgrade.
Writers of one process queue on a lock per database file before `BEGIN IMMEDIATE` and are
handed it as soon as the holder commits or rolls back. SQLite's own busy handler only polls,
sleeping up to 100 ms between tries, which under load leaves the database idle while
writers sleep; it stays as the arbiter between processes.
PostgreSQL uses psycopg 3. The schema is created by Alembic migrations only.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _WriterQueue:
    """One process's SQLite writers, one at a time, first come first served: a writer that
    just finished cannot jump the queue again, so a busy sender cannot starve a request,
    and each release wakes only the next writer (a hand-over, not a scramble).
    Not re-entrant: a thread that already writes and opens a second write transaction goes
    straight to SQLite (as before), and so does a writer that waited longer than the busy
    timeout, so nothing can deadlock here that SQLite would not have refused on its own."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._busy = False
        self._waiters: deque[threading.Lock] = deque()
        self._owner: int | None = None

    def acquire(self) -> bool:
        me = threading.get_ident()
        if self._owner == me:
            return False
        with self._mutex:
            if not self._busy:
                self._busy, self._owner = True, me
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if not turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            with self._mutex:
                if turn in self._waiters:  # still waiting: give up the place
                    self._waiters.remove(turn)
                    return False
            # handed over just as the wait timed out: the turn is ours
        self._owner = me
        return True

    def waiting(self) -> int:
        """Writers waiting for their turn (not counting the one writing)."""
        with self._mutex:
            return len(self._waiters)

    def release(self) -> None:
        with self._mutex:
            self._owner = None
            if self._waiters:
                self._waiters.popleft().release()  # the next writer's turn; still busy
            else:
                self._busy = False


_writer_queues: dict[str, _WriterQueue] = {}
_writer_queues_lock = threading.Lock()


def _writer_queue(database: str) -> _WriterQueue:
    with _writer_queues_lock:
        return _writer_queues.setdefault(database, _WriterQueue())


class _QueuedConnection(sqlite3.Connection):
    """A pysqlite connection that gives the writer queue back once its transaction ends
    (after COMMIT or ROLLBACK has run, so the next writer's BEGIN IMMEDIATE succeeds)."""

    writer_queue: _WriterQueue | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()

    def _leave_queue(self) -> None:
        queue, self.writer_queue = self.writer_queue, None
        if queue is not None:
            queue.release()


def _configure_sqlite(engine: Engine) -> None:
    database = engine.url.database
    if not database or database == ":memory:":
        database = f"memory:{id(engine)}"
    queue = _writer_queue(database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        dbapi_connection = connection.connection.dbapi_connection
        if mode == "IMMEDIATE" and isinstance(dbapi_connection, _QueuedConnection):
            if queue.acquire():
                dbapi_connection.writer_queue = queue
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            if isinstance(dbapi_connection, _QueuedConnection):
                dbapi_connection._leave_queue()
            raise


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine whose errors never carry the statement's parameters (`hide_parameters`): they
    hold phone numbers, complaint texts and password hashes, and errors reach the logs."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={
                "check_same_thread": False,
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "factory": _QueuedConnection,
            },
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=20
    )


def writer(engine: Engine) -> Engine:
    """The same engine, but transactions start with BEGIN IMMEDIATE on SQLite."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="IMMEDIATE")
    return engine


def reading_from_here(session: Session) -> None:
    """Start the session's next transaction as a reader (BEGIN DEFERRED on SQLite): a request
    that has committed its write and only reads back its result must not queue behind the
    other writers again. A no-op on PostgreSQL and inside a transaction."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "DEFERRED"})


def writing_from_here(session: Session) -> None:
    """End the session's transaction and start the next one as a writer (BEGIN IMMEDIATE on
    SQLite, in the writer queue): a read request that then records something (an audit entry
    of what it read) must not upgrade its read transaction, which SQLite refuses at once, with
    no busy wait, when another writer committed since that transaction began. A commit alone
    on PostgreSQL."""
    session.commit()
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def advisory_lock(session: Session, name: str) -> None:
    """Hold the lock called `name` until this transaction ends (PostgreSQL
    `pg_advisory_xact_lock`): for a look-then-write that no row lock can guard, because what
    it looks for may not exist yet (a duplicate incident, a related complaint). Statements
    after it see what the previous holder committed (READ COMMITTED). A no-op on SQLite,
    where a write transaction already holds the database (BEGIN IMMEDIATE).

    Lock order: such a lock first, then rows, then the audit chain's lock (`core.audit`)."""
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(name.encode("utf-8")).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    with Session(writer(engine), expire_on_commit=False) as session:
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
