"""SQLite writers of one process queue on the writer lock and are handed it as soon as the
holder's transaction ends (commit, rollback or close); readers never queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.db import _WriterQueue, make_engine, read_session, reading_from_here, write_session

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    yield engine
    engine.dispose()


def _count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.execute(text("SELECT n FROM counter")).scalar_one())


def test_a_second_writer_waits_for_the_first_and_gets_the_lock_when_it_commits(
    sqlite_engine: Engine,
) -> None:
    holding, events = threading.Event(), []

    def first() -> None:
        with write_session(sqlite_engine) as session:
            session.execute(text("UPDATE counter SET n = n + 1"))
            holding.set()
            time.sleep(0.3)
            events.append("first commits")
            session.commit()

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    with write_session(sqlite_engine) as session:
        session.execute(text("UPDATE counter SET n = n + 10"))
        events.append("second writes")
        session.commit()
    thread.join(5)

    assert events == ["first commits", "second writes"]
    assert _count(sqlite_engine) == 11


def test_many_writers_in_threads_all_commit_and_lose_nothing(sqlite_engine: Engine) -> None:
    errors: list[BaseException] = []

    def add(times: int) -> None:
        try:
            for _ in range(times):
                with write_session(sqlite_engine) as session:
                    session.execute(text("UPDATE counter SET n = n + 1"))
                    session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(25,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert _count(sqlite_engine) == 200


@pytest.mark.parametrize("ending", ["rollback", "exception", "close"])
def test_the_lock_is_given_back_however_the_transaction_ends(
    sqlite_engine: Engine, ending: str
) -> None:
    def write_and_end() -> None:
        with write_session(sqlite_engine) as session:
            session.execute(text("UPDATE counter SET n = n + 1"))
            if ending == "rollback":
                session.rollback()
            elif ending == "exception":
                raise RuntimeError("the use case failed")

    if ending == "exception":
        with pytest.raises(RuntimeError):
            write_and_end()
    else:
        write_and_end()

    def next_writer() -> None:  # another thread: it would wait the busy timeout on a leak
        with write_session(sqlite_engine) as session:
            session.execute(text("UPDATE counter SET n = 5"))
            session.commit()

    started = time.monotonic()
    thread = threading.Thread(target=next_writer)
    thread.start()
    thread.join(15)
    assert time.monotonic() - started < 1.0
    assert _count(sqlite_engine) == 5


def test_reading_back_after_a_commit_does_not_queue_behind_another_writer(
    sqlite_engine: Engine,
) -> None:
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with write_session(sqlite_engine) as session:
            session.execute(text("UPDATE counter SET n = 7"))
            holding.set()
            release.wait(5)
            session.commit()

    with write_session(sqlite_engine) as session:
        session.execute(text("UPDATE counter SET n = 3"))
        session.commit()
        thread = threading.Thread(target=other_writer)
        thread.start()
        holding.wait(5)
        reading_from_here(session)
        started = time.monotonic()
        value = session.execute(text("SELECT n FROM counter")).scalar_one()
        waited = time.monotonic() - started
        session.commit()
    release.set()
    thread.join(5)

    assert value == 3  # its own committed write, read while the other writer holds the lock
    assert waited < 1.0
    assert _count(sqlite_engine) == 7


def test_writers_are_served_in_the_order_they_arrived() -> None:
    queue = _WriterQueue()
    assert queue.acquire()
    served: list[str] = []

    def writer(name: str) -> None:
        assert queue.acquire()
        served.append(name)
        queue.release()

    threads = []
    for name in ("first", "second", "third"):
        arrived = queue.waiting() + 1
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while queue.waiting() < arrived and time.monotonic() < deadline:
            time.sleep(0.001)
    queue.release()
    for thread in threads:
        thread.join(5)

    assert served == ["first", "second", "third"]
