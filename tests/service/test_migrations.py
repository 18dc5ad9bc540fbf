"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

import complaints.config_models  # noqa: F401
import complaints.insight_models  # noqa: F401
import complaints.io_models  # noqa: F401
import complaints.models  # noqa: F401
import escalation.models  # noqa: F401
from complaints.search import declared_by_models


def test_models_and_migrations_agree(connection: Connection) -> None:
    # the search's FTS table (SQLite) and trigram indexes (PostgreSQL) are the migration's,
    # by dialect, and not declared by the models
    include = {"include_name": lambda name, type_, _parent: declared_by_models(name, type_)}
    context = MigrationContext.configure(connection, opts={"compare_type": False} | include)
    differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
