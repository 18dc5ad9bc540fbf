"""Fixtures of the service tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import create_postgres_database, drop_postgres_database, is_postgres


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's kind for a migration test: a SQLite file, or a
    PostgreSQL database made beside DUTYDESK_DATABASE_URL's and dropped afterwards."""
    base = os.environ.get("DUTYDESK_DATABASE_URL")
    if not (base and is_postgres(base)):
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    name = f"dutydesk_mig_{uuid.uuid4().hex[:10]}"
    url = create_postgres_database(base, name)
    try:
        yield url
    finally:
        drop_postgres_database(base, name)
