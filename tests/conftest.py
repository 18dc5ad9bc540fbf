"""Shared fixtures.

The database is SQLite (a temporary file) unless DUTYDESK_DATABASE_URL names another one
(CI points it at a PostgreSQL database it created). The schema is built once per run with
the real Alembic migrations; every test then runs inside a transaction that is rolled back,
and the app under test uses that same connection, so committed service calls become
savepoints and nothing leaks between tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlmodel import Session

from api.app import create_app
from core import accounts
from core import users as user_service
from core.clock import FakeClock
from core.config import RunMode, Settings
from core.db import make_engine
from core.migrate import upgrade
from core.users import Role, User

TEST_PASSWORD = "correct-horse-battery"
T0 = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Asia/Shanghai


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("DUTYDESK_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


def _session_on(connection: Connection) -> Session:
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@contextmanager
def savepoint_session(connection: Connection, *, write: bool = True) -> Iterator[Session]:
    """A session on the test's connection whose commits are savepoints, so what a service or a
    dispatcher commits is rolled back with the test. `write` is accepted and ignored, so that
    `partial(savepoint_session, connection)` serves as the app's session factory too."""
    with _session_on(connection) as session:
        yield session


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with _session_on(connection) as session:
        yield session


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env=RunMode.test, database_url=database_url)


@pytest.fixture
def app(connection: Connection, clock: FakeClock, settings: Settings) -> FastAPI:
    return create_app(settings, clock=clock, session_factory=partial(savepoint_session, connection))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def make_user(
    session: Session,
    *,
    role: Role = Role.viewer,
    username: str | None = None,
    password: str = TEST_PASSWORD,
    now: datetime = T0,
) -> User:
    return user_service.create_user(
        session,
        username=username or f"{role.value}-user",
        password=password,
        role=role,
        full_name=f"Test {role.value}",
        actor="test",
        now=now,
    )


def make_token(session: Session, user: User, *, now: datetime = T0) -> str:
    token, _ = user_service.issue_token(session, user=user, now=now, ttl=timedelta(hours=8))
    return token


@pytest.fixture
def auth_headers(session: Session) -> Callable[[Role], dict[str, str]]:
    """Headers with a bearer token for a (cached) user of the given role."""
    users: dict[Role, User] = {}

    def headers(role: Role) -> dict[str, str]:
        if role not in users:
            users[role] = make_user(session, role=role)
        return {"Authorization": f"Bearer {make_token(session, users[role])}"}

    return headers


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 at its minimum cost: the tests check behaviour, not hashing strength."""
    from argon2 import PasswordHasher

    original = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    accounts._hasher = original


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests import fuzz_stats

    if fuzz_stats.cases:
        total = sum(fuzz_stats.cases.values())
        server_errors = sum(n for status, n in fuzz_stats.statuses.items() if status >= 500)
        terminalreporter.write_line(
            f"schemathesis: {total} cases over {len(fuzz_stats.cases)} operations, "
            f"{server_errors} server errors; statuses {dict(sorted(fuzz_stats.statuses.items()))}"
        )
