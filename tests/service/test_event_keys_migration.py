"""Migration 0028 gives incident_event the key of an entry's phrase and its values: an entry
stored before has key NULL and values {} (until 0029 derives them from its English text), and
a downgrade removes both."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Table, inspect, select

from core.db import make_engine
from core.migrate import downgrade, upgrade
from tests.conftest import T0

PREVIOUS = "0027_repair_reason"
REVISION = "0028_event_keys"


def _filled(table: Table) -> dict[str, Any]:
    """A value for each required column (a row of the previous revision, written raw)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.nullable or column.primary_key or column.server_default is not None:
            continue
        if isinstance(column.type, Boolean):
            values[column.name] = False
        elif isinstance(column.type, Integer):
            values[column.name] = 0
        elif isinstance(column.type, DateTime):
            values[column.name] = T0
        elif isinstance(column.type, String):
            values[column.name] = "x"
        else:
            values[column.name] = "{}"
    return values


def _event_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("incident_event")}
    finally:
        engine.dispose()


def test_an_entry_stored_before_has_no_key_and_empty_values(fresh_url: str) -> None:
    upgrade(fresh_url, PREVIOUS)
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=["incident", "incident_event"])
        incident, event = meta.tables["incident"], meta.tables["incident_event"]
        with engine.begin() as connection:
            connection.execute(incident.insert().values(_filled(incident) | {"id": 1}))
            connection.execute(
                event.insert().values(
                    id=1,
                    incident_id=1,
                    at=T0,
                    kind="note",
                    text="step 1: no acknowledgement, climbing",
                    actor="system",
                )
            )
    finally:
        engine.dispose()

    upgrade(fresh_url, REVISION)  # 0029 then keys it (tests/service/test_keyed_history_migration)
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=["incident_event"])
        table = meta.tables["incident_event"]
        with engine.connect() as connection:
            row = connection.execute(select(table.c["key"], table.c["values"])).one()
    finally:
        engine.dispose()
    assert tuple(row) == (None, {})

    downgrade(fresh_url, PREVIOUS)
    assert {"key", "values"}.isdisjoint(_event_columns(fresh_url))
