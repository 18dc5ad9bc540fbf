"""Alembic environment. Imports every table module so autogenerate sees the whole schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import complaints.config_models  # noqa: F401  (table modules: imported for their metadata)
import complaints.insight_models  # noqa: F401
import complaints.io_models  # noqa: F401
import complaints.models  # noqa: F401
import core.accounts  # noqa: F401
import core.audit  # noqa: F401
import core.calendar_store  # noqa: F401
import escalation.models  # noqa: F401
import oncall.change_models  # noqa: F401
import oncall.dutylog_models  # noqa: F401
import oncall.feed_models  # noqa: F401
import oncall.models  # noqa: F401
import oncall.roster_models  # noqa: F401
from complaints.search import declared_by_models
from core.db import make_engine

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=lambda name, type_, _parent: declared_by_models(name, type_),
    )
    with context.begin_transaction():
        context.run_migrations()


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite: foreign keys off while migrating, set before the transaction begins (SQLite
    ignores the pragma inside one). A batch operation copies a table, drops the original and
    renames the copy; with foreign keys on, SQLite refuses to drop a table that other rows
    reference (a roster with assignments), so such a migration failed on a database in use."""
    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
    )


def _check_foreign_keys(connection: Connection) -> None:
    """What the pragma would have refused is refused here, before the migration commits."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(
            f"migration left {len(broken)} rows referencing missing rows, "
            f"the first {table} rowid {rowid} referencing {parent}"
        )


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=lambda name, type_, _parent: declared_by_models(name, type_),
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _foreign_keys(connection, on=True)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
