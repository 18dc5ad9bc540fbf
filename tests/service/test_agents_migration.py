"""Migration 0017_agents on a database at 0016 that already holds a complaint: the item keeps
its data and reads as filed by the complainant in person (no agent, no power of attorney,
not a group)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, create_engine, insert, types
from sqlmodel import Session, select

from complaints.models import Complaint
from core.migrate import upgrade


def _value(column_type: types.TypeEngine[Any]) -> object:
    """Some value of the type for a column the old schema requires."""
    if isinstance(column_type, Boolean):
        return False
    if isinstance(column_type, Integer):
        return 1
    if isinstance(column_type, DateTime):
        return datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    if isinstance(column_type, Date):
        return date(2026, 11, 20)
    return "complaint" if getattr(column_type, "enums", None) else "x"


def test_an_item_registered_before_the_migration_has_no_agent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0016_tz50")
    engine = create_engine(url)
    old = MetaData()
    old.reflect(engine, only=["complaint"])
    table = old.tables["complaint"]
    assert "agent_name" not in table.c
    row = {
        c.name: _value(c.type)
        for c in table.c
        if not c.nullable and c.server_default is None and not c.primary_key
    }
    row |= {"ref": "TS202611200000001", "submitter_name": "张三", "channel": "hotline_12315"}
    row |= {"workflow": "complaint", "status": "registered", "domain": "food"}
    row |= {"urgency": "normal", "sale_mode": "offline", "item_type": "complaint"}
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(insert(table).values(**row))
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with Session(engine) as session:
        (item,) = session.exec(select(Complaint)).all()
        assert item.submitter_name == "张三"
        assert (item.agent_name, item.agent_phone, item.agent_poa_received) == ("", None, False)
        assert item.agent_poa_date is None and item.group_size is None
        assert item.representative1_name == "" and item.representative2_phone is None
    engine.dispose()
