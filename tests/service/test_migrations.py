"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

import complaints.insight_models  # noqa: F401
import complaints.io_models  # noqa: F401
import complaints.models  # noqa: F401
import escalation.models  # noqa: F401


def test_models_and_migrations_agree(connection: Connection) -> None:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
