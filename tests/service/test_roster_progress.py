"""Roster generation stores the solver's progress on the roster row while it solves, and its
result by the shift types it was solved with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from api import demo
from oncall import planning, rosters
from oncall.models import Unit
from oncall.roster_models import (
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
    ShiftTypeUpdate,
)
from scheduler.roster_problem import Progress
from tests.conftest import T0, _session_on


def _opener(connection: Connection) -> rosters.SessionOpener:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with _session_on(connection) as session:
            yield session

    return open_session


def _generating(session: Session) -> int:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    roster = rosters.start_generation(
        session,
        unit_id=unit.id,
        start=date(2026, 11, 30),
        end=date(2026, 12, 6),
        time_limit_s=4,
        note="",
        actor="planner",
        now=T0,
    )
    assert roster.id is not None
    return roster.id


def _stored(connection: Connection, roster_id: int) -> tuple[int | None, int | None, float | None]:
    with _session_on(connection) as session:
        roster = session.get(Roster, roster_id)
        assert roster is not None
        session.refresh(roster)
        return roster.objective, roster.bound, roster.solver_seconds


def test_progress_is_stored_throttled_and_only_while_generating(
    session: Session, connection: Connection
) -> None:
    roster_id = _generating(session)
    write = rosters.progress_writer(_opener(connection), roster_id=roster_id, interval_s=1.0)
    write(Progress(objective=900, bound=100, elapsed_s=0.2))
    assert _stored(connection, roster_id) == (900, 100, 0.2)
    write(Progress(objective=800, bound=150, elapsed_s=0.7))  # within a second: skipped
    assert _stored(connection, roster_id) == (900, 100, 0.2)
    write(Progress(objective=700, bound=200, elapsed_s=1.3))
    assert _stored(connection, roster_id) == (700, 200, 1.3)
    with _session_on(connection) as other:
        roster = other.get(Roster, roster_id)
        assert roster is not None
        roster.status = RosterStatus.failed
        other.add(roster)
        other.commit()
    write(Progress(objective=600, bound=300, elapsed_s=5.0))  # no longer generating
    assert _stored(connection, roster_id) == (700, 200, 1.3)


def test_generation_reports_progress_then_the_final_result(
    session: Session, connection: Connection
) -> None:
    roster_id = _generating(session)
    rosters.run_generation(_opener(connection), roster_id=roster_id, now=lambda: T0)
    objective, bound, seconds = _stored(connection, roster_id)
    with _session_on(connection) as other:
        roster = other.get(Roster, roster_id)
        assert roster is not None and roster.status is RosterStatus.draft
    assert objective is not None and bound is not None and bound <= objective
    assert seconds is not None and 0 < seconds <= 4 + 1


def test_a_shift_type_recoded_while_the_solver_runs_keeps_its_assignments(
    session: Session, connection: Connection
) -> None:
    roster_id = _generating(session)
    opened = 0

    @contextmanager
    def open_session() -> Iterator[Session]:
        nonlocal opened
        opened += 1
        with _session_on(connection) as inside:
            yield inside
        if opened == 1:  # the problem is built; a planner recodes the night shift meanwhile
            with _session_on(connection) as planner:
                night = next(s for s in planning.list_shift_types(planner) if s.code == "night")
                planning.update_shift_type(
                    planner,
                    shift_type_id=night.id or 0,
                    data=ShiftTypeUpdate(code="nights"),
                    actor="planner",
                    now=T0,
                )

    rosters.run_generation(open_session, roster_id=roster_id, now=lambda: T0)
    with _session_on(connection) as other:
        roster = other.get(Roster, roster_id)
        assert roster is not None and roster.status is RosterStatus.draft
        codes = {
            shift.code
            for _, shift in other.exec(
                select(RosterAssignment, ShiftType)
                .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
                .where(RosterAssignment.roster_id == roster_id)
            ).all()
        }
    assert "nights" in codes, codes
