"""Migration 0019 gives a handling unit's queue its own index (`ix_complaint_unit_queue`): a
database of the previous revision gets it on upgrade and loses it on downgrade, and the
unit's inbox statements are planned on it (they visited every open item of every unit through
the status index: ~843 ms cold on 100,000 items on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from complaints import queue
from core.db import make_engine
from core.migrate import downgrade, upgrade
from tests.statements import statements_run
from web.complaints import INBOX_STATUSES

PREVIOUS = "0016_tz50"
INDEX = "ix_complaint_unit_queue"


def _indexes(url: str) -> dict[str, list[str | None]]:
    engine = make_engine(url)
    try:
        return {
            i["name"] or "": i["column_names"] for i in inspect(engine).get_indexes("complaint")
        }
    finally:
        engine.dispose()


def test_an_older_database_gets_the_unit_queue_index_and_can_go_back(fresh_url: str) -> None:
    upgrade(fresh_url, PREVIOUS)
    assert INDEX not in _indexes(fresh_url)
    upgrade(fresh_url)
    assert _indexes(fresh_url)[INDEX] == [
        "unit_id", "status", "priority", "next_due_at", "received_at", "id",
    ]  # fmt: skip
    downgrade(fresh_url, PREVIOUS)
    assert INDEX not in _indexes(fresh_url)


def test_a_units_inbox_is_planned_on_its_index(engine: Engine, session: Session) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics: see the EXPLAIN of a seeded database")
    with statements_run(session) as statements:
        queue.list_items(
            session,
            filters=queue.QueueFilter(statuses=INBOX_STATUSES, state="open"),
            unit_ids=frozenset({1}),
        )
    connection = session.connection()
    assert len(statements) == 2  # the count and the page's ids (no rows: no third)
    for statement, params in statements:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()  # type: ignore[arg-type]
        assert any(INDEX in str(row[-1]) for row in plan), plan
