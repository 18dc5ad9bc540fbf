"""Rows written raw into a migrated schema (migration tests): a value for each column a row
must have, whatever the revision."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Table, Time

from tests.conftest import T0


def required_values(table: Table) -> dict[str, Any]:
    """A value for each column a row must have."""
    values: dict[str, Any] = {}
    for column in table.columns:
        generated = column.primary_key and len(table.primary_key.columns) == 1
        if column.nullable or generated or column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, Boolean):
            values[column.name] = False
        elif isinstance(kind, Integer):
            values[column.name] = 1
        elif isinstance(kind, Float):
            values[column.name] = 1.0
        elif isinstance(kind, DateTime):
            values[column.name] = T0
        elif isinstance(kind, Date):
            values[column.name] = date(2026, 12, 7)
        elif isinstance(kind, Time):
            values[column.name] = time(8, 30)
        elif isinstance(kind, String):
            values[column.name] = "x"
        else:
            values[column.name] = "{}"
    return values
