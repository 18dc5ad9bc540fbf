"""Migration 0030 gives early_warning the key of its title's and summary's wording and the
values it says: a warning stored before has wording_key NULL and values {} (shown by its
stored text), and a downgrade removes both."""

from __future__ import annotations

from sqlalchemy import MetaData, inspect, select

from core.db import make_engine
from core.migrate import downgrade, upgrade
from tests.conftest import T0
from tests.service.test_event_keys_migration import _filled

PREVIOUS = "0029_keyed_history"


def _warning_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("early_warning")}
    finally:
        engine.dispose()


def test_a_warning_stored_before_has_no_key_and_empty_values(fresh_url: str) -> None:
    upgrade(fresh_url, PREVIOUS)
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=["early_warning"])
        table = meta.tables["early_warning"]
        row = _filled(table) | {"id": 1, "level": "red", "status": "open", "title": "旧预警"}
        with engine.begin() as connection:
            connection.execute(table.insert().values(row | {"first_detected_at": T0}))
    finally:
        engine.dispose()

    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=["early_warning"])
        table = meta.tables["early_warning"]
        with engine.connect() as connection:
            found = connection.execute(
                select(table.c["title"], table.c["wording_key"], table.c["values"])
            ).one()
    finally:
        engine.dispose()
    assert tuple(found) == ("旧预警", None, {})

    downgrade(fresh_url, PREVIOUS)
    assert {"wording_key", "values"}.isdisjoint(_warning_columns(fresh_url))
