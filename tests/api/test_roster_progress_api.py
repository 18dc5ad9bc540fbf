"""Progress of a generating roster is visible through the API: the latest objective, bound
and solver seconds appear on `GET /api/v1/rosters/{id}` while the status is `generating`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlmodel import Session, select

from api import demo
from api.app import create_app
from core.clock import FakeClock
from core.config import Settings
from core.users import Role
from oncall import rosters
from oncall.models import Unit
from scheduler.roster_problem import Progress
from tests.conftest import T0, _session_on

Headers = Callable[[Role], dict[str, str]]


class DeferredRunner:
    """A RosterRunner that only queues: the test decides when generation runs."""

    def __init__(self) -> None:
        self.queued: list[int] = []

    def submit(self, roster_id: int) -> None:
        self.queued.append(roster_id)

    def running(self) -> frozenset[int]:
        return frozenset(self.queued)


@pytest.fixture
def opener(connection: Connection) -> rosters.SessionOpener:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with _session_on(connection) as session:
            yield session

    return open_session


def test_progress_shows_while_generating_then_the_final_result(
    connection: Connection,
    session: Session,
    clock: FakeClock,
    settings: Settings,
    auth_headers: Headers,
    opener: rosters.SessionOpener,
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    runner = DeferredRunner()

    @contextmanager
    def factory(*, write: bool) -> Iterator[Session]:
        with opener() as db:
            yield db

    app = create_app(settings, clock=clock, session_factory=factory, roster_runner=runner)
    planner = auth_headers(Role.planner)
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post(
            "/api/v1/rosters",
            json={
                "unit_id": unit.id,
                "period_start": "2026-11-30",
                "period_end": "2026-12-06",
                "time_limit_s": 4,
            },
            headers=planner,
        )
        assert created.status_code == 202, created.text
        roster_id = created.json()["id"]
        assert runner.queued == [roster_id]
        before = client.get(f"/api/v1/rosters/{roster_id}", headers=planner).json()
        assert before["status"] == "generating"
        assert (before["objective"], before["bound"], before["solver_seconds"]) == (None,) * 3

        rosters.progress_writer(opener, roster_id=roster_id)(
            Progress(objective=1234, bound=56, elapsed_s=1.5)
        )
        during = client.get(f"/api/v1/rosters/{roster_id}", headers=planner).json()
        assert during["status"] == "generating"
        assert (during["objective"], during["bound"], during["solver_seconds"]) == (1234, 56, 1.5)

        rosters.run_generation(opener, roster_id=roster_id, now=clock.now)
        after = client.get(f"/api/v1/rosters/{roster_id}", headers=planner).json()
        assert after["status"] == "draft" and after["progress"] == 1.0
        assert after["objective"] == sum(v["cost"] for v in after["violations"])
        assert after["bound"] <= after["objective"]
        assert 0 < after["solver_seconds"] <= 5
