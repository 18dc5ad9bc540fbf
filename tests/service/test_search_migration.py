"""Migration 0022 gives a database of the previous revision the search's index (SQLite: the
FTS5 trigram table filled from the items already stored, and its triggers; PostgreSQL: the
pg_trgm indexes) and the incident list's (opened_at, id) index; a downgrade removes them. A
later migration that rebuilds `complaint` on SQLite would drop the triggers: this test then
fails at head."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import inspect, text

from complaints import queue, search
from core.db import make_engine, write_session
from core.migrate import downgrade, upgrade
from tests.complaint_rows import Item, insert_items
from tests.conftest import T0
from tests.e2e.conftest import is_postgres
from tests.insight_rows import rule_set_id

PREVIOUS = "0021_note_keys"
INCIDENT_INDEX = "ix_incident_opened_at_id"


def _search_objects(url: str) -> set[str]:
    """The search's tables, triggers and indexes, and the incident list's index, present."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                names = conn.execute(text("SELECT name FROM sqlite_master")).scalars()
            else:
                names = conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'complaint'")
                ).scalars()
            found = set(names)
        incident = {i["name"] for i in inspect(engine).get_indexes("incident")}
    finally:
        engine.dispose()
    wanted = {search.FTS_TABLE, *search.TRIGGERS, *map(search.trgm_index, search.COLUMNS)}
    return (found & wanted) | (incident & {INCIDENT_INDEX})


def _expected(url: str) -> set[str]:
    if is_postgres(url):
        return {INCIDENT_INDEX, *map(search.trgm_index, search.COLUMNS)}
    return {INCIDENT_INDEX, search.FTS_TABLE, *search.TRIGGERS}


def _found(url: str, needle: str) -> list[int]:
    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            filters = queue.QueueFilter(state="all", text=needle)
            return queue.ordered_ids(session, filters=filters, unit_ids=None, limit=10)
    finally:
        engine.dispose()


def test_an_older_database_gets_the_search_index_and_can_go_back(fresh_url: str) -> None:
    upgrade(fresh_url, PREVIOUS)
    assert _search_objects(fresh_url) == set()
    engine = make_engine(fresh_url)
    try:
        with write_session(engine) as session:
            item = Item(T0 - timedelta(hours=1))
            item.values |= {"description": "小区电梯突然停运，有人被困", "title": "电梯困人"}
            insert_items(session, [item], rule_set_id=rule_set_id(session, now=T0), first_id=42)
            session.commit()
    finally:
        engine.dispose()

    upgrade(fresh_url)
    assert _search_objects(fresh_url) == _expected(fresh_url)
    assert _found(fresh_url, "电梯突然停运") == [42]  # stored before the index: found from it
    assert _found(fresh_url, "电梯突然停止") == []

    downgrade(fresh_url, PREVIOUS)
    assert _search_objects(fresh_url) == set()
    assert _found(fresh_url, "电梯突然停运") == [42]  # the scan again


def test_without_pg_trgm_the_migration_passes_and_the_search_stays_a_scan(fresh_url: str) -> None:
    """PostgreSQL: a role that may not create extensions in the database (pg_trgm is a trusted
    extension: it needs CREATE on the database) migrates to head without the trigram indexes,
    and the search still finds what it should."""
    if not is_postgres(fresh_url):
        pytest.skip("PostgreSQL's extensions")
    import psycopg
    from sqlalchemy.engine import make_url

    role = f"dd_noext_{uuid.uuid4().hex[:8]}"
    admin = make_url(fresh_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")  # names are ours
        conn.execute(f"ALTER SCHEMA public OWNER TO {role}")
    try:
        url = make_url(fresh_url).set(username=role).render_as_string(False)
        upgrade(url)
        assert _search_objects(url) == {INCIDENT_INDEX}
        engine = make_engine(url)
        try:
            with write_session(engine) as session:
                item = Item(T0 - timedelta(hours=1))
                item.values |= {"description": "小区电梯突然停运"}
                rule_set = rule_set_id(session, now=T0)
                insert_items(session, [item], rule_set_id=rule_set, first_id=7)
                session.commit()
        finally:
            engine.dispose()
        assert _found(url, "电梯突然") == [7]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("ALTER SCHEMA public OWNER TO pg_database_owner")
            conn.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")
