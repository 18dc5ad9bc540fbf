"""The dispatcher's senders drain the outbox side by side on a real database (a seeded copy
of the demo centre; SQLite file or PostgreSQL): every row is sent exactly once, sends
overlap, one pass stops at its batch, and a tick makes passes while they fill it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.clock import FakeClock
from core.db import make_engine, write_session
from escalation import notices
from escalation.dispatch import MAX_PASSES_PER_TICK, Dispatcher
from escalation.models import NoticeTopic, Notification, NotificationStatus
from escalation.ports import NotificationChannel, OutboundMessage, SendReceipt
from oncall.models import Person
from tests.e2e.conftest import Database

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
WORKERS = 3


class OverlapChannel:
    """Records every send; the first `WORKERS` sends wait for each other at a barrier, so
    the test fails (barrier timeout → transient error, rows left pending) unless that many
    sends are in flight at once."""

    name = "overlap"

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(WORKERS, timeout=20)
        self.threads: set[str] = set()

    def send(self, message: OutboundMessage) -> SendReceipt:
        with self._lock:
            self.sent[message.idempotency_key] += 1
            self.threads.add(threading.current_thread().name)
            first = sum(self.sent.values()) <= WORKERS + 1  # the pass's first row + WORKERS
        if first and threading.current_thread() is not threading.main_thread():
            self._barrier.wait()
        return SendReceipt(provider_id=f"SM{message.idempotency_key}", status="queued")


def _queue_notices(engine: Engine, count: int, prefix: str = "pool-test") -> list[str]:
    with write_session(engine) as session:
        people = session.exec(select(Person.id).where(col(Person.is_active))).all()
        keys = []
        for n in range(count):
            person_id = people[n % len(people)]
            assert person_id is not None
            key = f"{prefix}:{n}"
            row = notices.queue_person_notice(
                session,
                key=key,
                topic=NoticeTopic.roster,
                subject_ref=prefix,
                person_id=person_id,
                body=f"通知 {n}",
                now=NOW,
            )
            if row is not None:
                keys.append(key)
        session.commit()
    return keys


def _dispatcher(engine: Engine, channel: NotificationChannel, batch: int) -> Dispatcher:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with write_session(engine) as session:
            yield session

    return Dispatcher(
        open_session=open_session,
        clock=FakeClock(NOW),
        channel=channel,
        tz=ZoneInfo("Asia/Shanghai"),
        batch=batch,
        send_workers=WORKERS,
    )


def test_senders_drain_the_outbox_side_by_side_exactly_once(e2e_database: Database) -> None:
    engine = make_engine(e2e_database.url)
    try:
        keys = _queue_notices(engine, 40)
        assert len(keys) >= 30  # demo people have mobiles
        channel = OverlapChannel()
        dispatcher = _dispatcher(engine, channel, batch=25)

        assert dispatcher.send_pending() == 25  # one pass stops at its batch
        assert dispatcher.send_pending() == len(keys) - 25
        assert dispatcher.send_pending() == 0

        assert set(channel.sent) == set(keys)
        assert set(channel.sent.values()) == {1}  # no row claimed twice
        assert len(channel.threads) >= WORKERS  # the barrier passed: sends overlapped
        with write_session(engine) as session:
            statuses = session.exec(
                select(Notification.status).where(Notification.subject_ref == "pool-test")
            ).all()
        assert set(statuses) == {NotificationStatus.sent}
    finally:
        engine.dispose()


class WakingChannel:
    """Sending the first message commits another notice and wakes the dispatcher, as an
    incident opened during a tick would."""

    name = "waking"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dispatcher: Dispatcher | None = None
        self.sent: list[str] = []

    def send(self, message: OutboundMessage) -> SendReceipt:
        self.sent.append(message.idempotency_key)
        if len(self.sent) == 1:
            _queue_notices(self.engine, 1, prefix="woken")
            assert self.dispatcher is not None
            self.dispatcher.wake()
        return SendReceipt(provider_id=f"SM{len(self.sent)}", status="queued")


def test_a_wake_during_a_tick_runs_another_pass(e2e_database: Database) -> None:
    engine = make_engine(e2e_database.url)
    try:
        first = _queue_notices(engine, 1)
        channel = WakingChannel(engine)
        dispatcher = _dispatcher(engine, channel, batch=1)  # one row per pass
        channel.dispatcher = dispatcher
        started: list[str] = []
        dispatcher.start_tick_now = lambda: started.append("now")

        dispatcher.tick()
        assert channel.sent == [*first, "woken:0"]  # the second pass sent the new notice
        assert started == []  # a running tick is not started again

        dispatcher.wake()
        assert started == ["now"]  # idle: the ticker is asked for a tick now
    finally:
        engine.dispose()


def test_a_tick_makes_passes_while_they_fill_their_batch(e2e_database: Database) -> None:
    engine = make_engine(e2e_database.url)
    try:
        keys = _queue_notices(engine, MAX_PASSES_PER_TICK + 3)
        channel = OverlapChannel()
        dispatcher = _dispatcher(engine, channel, batch=WORKERS + 1)  # a pass fills the barrier

        dispatcher.tick()
        assert set(channel.sent) == set(keys)  # one tick, several full passes, nothing left
        assert set(channel.sent.values()) == {1}
        channel.sent.clear()
        dispatcher.tick()
        assert not channel.sent
    finally:
        engine.dispose()


def test_a_tick_stops_after_its_last_pass(e2e_database: Database) -> None:
    engine = make_engine(e2e_database.url)
    try:
        keys = _queue_notices(engine, MAX_PASSES_PER_TICK + 2)
        channel = OverlapChannel()  # one-row passes: the pass's own thread sends, no barrier
        dispatcher = _dispatcher(engine, channel, batch=1)

        dispatcher.tick()
        assert sum(channel.sent.values()) == MAX_PASSES_PER_TICK  # bounded, the rest waits
        dispatcher.tick()
        assert set(channel.sent) == set(keys)
        assert set(channel.sent.values()) == {1}
    finally:
        engine.dispose()


class ThreadRecordingChannel:
    """Keeps the thread of every send (the objects themselves, so none is mistaken for an
    earlier one whose id was reused)."""

    name = "threads"

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> SendReceipt:
        with self._lock:
            self.threads.append(threading.current_thread())
        return SendReceipt(provider_id=f"SM{message.idempotency_key}", status="queued")


def test_the_senders_threads_are_kept_from_pass_to_pass(e2e_database: Database) -> None:
    engine = make_engine(e2e_database.url)
    try:
        channel = ThreadRecordingChannel()
        dispatcher = _dispatcher(engine, channel, batch=50)
        for n in range(3):
            keys = _queue_notices(engine, 2 * WORKERS, prefix=f"threads-{n}")
            assert dispatcher.send_pending() == len(keys)
        senders = {t for t in channel.threads if t is not threading.current_thread()}
        assert 1 <= len(senders) <= WORKERS  # three passes, one set of sender threads
        dispatcher.close()
        assert not any(t.is_alive() for t in senders)
    finally:
        engine.dispose()
