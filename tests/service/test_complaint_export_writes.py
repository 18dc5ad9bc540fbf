"""An export, or a look at an item's identity, is a GET (a read transaction) that must append
its audit entry: on SQLite the
entry is written in a write transaction of its own (BEGIN IMMEDIATE), because upgrading the
read transaction is refused at once, with no busy wait, when another writer (a tick) has
committed since the read began ("database is locked": a 503 on the benchmark's 100,000-item
export while the supervision tick ran)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from api.routers.complaints import viewer_for
from complaints import export, queue, service
from complaints.models import Complaint
from core import audit
from core.db import make_engine, read_session, write_session
from core.migrate import upgrade
from core.users import Role
from tests.complaint_helpers import complaint_data, make_centre

NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'export.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_an_export_is_audited_although_a_writer_committed_since_its_read_began(
    sqlite_engine: Engine,
) -> None:
    with read_session(sqlite_engine) as session:
        viewer = viewer_for(session, role=Role.coordinator, user_id=1, name="coord")
        session.exec(select(col(Complaint.id))).all()  # the request's reads have begun
        with write_session(sqlite_engine) as tick:
            audit.record(tick, at=NOW, actor="tick", action="tick", entity_type="tick", entity_id=1)
            tick.commit()
        started = export.start(
            session,
            filters=queue.QueueFilter(state="all"),
            viewer=viewer,
            export_format=export.ExportFormat.csv,
            actor="coord",
            now=NOW,
        )
    with read_session(sqlite_engine) as session:
        (entry,) = audit.list_entries(session, entity_type="complaint_export")
        assert entry.entity_id == started.id and entry.actor == "coord"
        assert audit.verify_chain(session).ok


def test_a_look_at_the_identity_is_audited_although_a_writer_committed_since_its_read_began(
    sqlite_engine: Engine,
) -> None:
    with write_session(sqlite_engine) as session:
        make_centre(session)
        item_id = service.register(session, data=complaint_data(), actor="coord", now=NOW)[0].id
    assert item_id is not None
    with read_session(sqlite_engine) as session:
        session.exec(select(col(Complaint.id))).all()  # the request's sign-in read
        with write_session(sqlite_engine) as tick:
            audit.record(tick, at=NOW, actor="tick", action="tick", entity_type="tick", entity_id=1)
            tick.commit()
        shown = service.view_identity(session, complaint_id=item_id, actor="auditor", now=NOW)
        session.commit()
        assert shown.id == item_id
    with read_session(sqlite_engine) as session:
        entries = audit.list_entries(session, entity_type="complaint", entity_id=str(item_id))
        assert [e.actor for e in entries if e.action == "complaint.identity.view"] == ["auditor"]
