"""complaint text search from an index instead of a full scan (the queue's `q`: ~200-640 ms on
100,000 items), and the incident list's keyset order (opened_at, id) from an index

- PostgreSQL: pg_trgm GIN indexes on the five searched columns; LIKE '%…%' of 3+ characters
  is answered from them. Where the extension cannot be created the indexes are left out and
  the search stays a scan (the migration does not fail).
- SQLite (3.34+ with FTS5): `complaint_search`, an external-content FTS5 table with the
  trigram tokenizer over the same columns, kept in step by triggers on `complaint`
  (`complaints.search` narrows a 3+ character search with it). A later migration that
  rebuilds `complaint` on SQLite (batch_alter_table with recreate) drops these triggers and
  must create them again (tests/service/test_search_migration.py checks they exist at head).

Revision ID: 0022_search
Revises: 0021_note_keys
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_search"
down_revision: str | None = "0021_note_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# complaints.search as of this revision
COLUMNS = ("ref", "title", "description", "respondent_name", "external_ref")
FTS = "complaint_search"
TRIGGERS = ("complaint_search_ai", "complaint_search_ad", "complaint_search_au")
INCIDENT_INDEX = "ix_incident_opened_at_id"


def _trgm_index(column: str) -> str:
    return f"ix_complaint_trgm_{column}"


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{c}" for c in COLUMNS)


def _postgresql_upgrade(bind: sa.Connection) -> None:
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    if available is None:
        return
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the migration
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return
    for column in COLUMNS:
        bind.execute(
            sa.text(
                f"CREATE INDEX IF NOT EXISTS {_trgm_index(column)} "
                f"ON complaint USING gin ({column} gin_trgm_ops)"
            )
        )


def _sqlite_supports_trigram(bind: sa.Connection) -> bool:
    version = str(bind.execute(sa.text("SELECT sqlite_version()")).scalar_one())
    if tuple(int(p) for p in version.split(".")[:2]) < (3, 34):
        return False
    options = {str(r[0]) for r in bind.execute(sa.text("PRAGMA compile_options"))}
    return "ENABLE_FTS5" in options


def _sqlite_upgrade(bind: sa.Connection) -> None:
    if not _sqlite_supports_trigram(bind):
        return
    columns = ", ".join(COLUMNS)
    ai, ad, au = TRIGGERS
    add = f"INSERT INTO {FTS}(rowid, {columns}) VALUES (new.id, {_values('new')});"
    remove = (
        f"INSERT INTO {FTS}({FTS}, rowid, {columns}) VALUES ('delete', old.id, {_values('old')});"
    )
    for statement in (
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({columns}, content='complaint', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {ai} AFTER INSERT ON complaint BEGIN {add} END",
        f"CREATE TRIGGER {ad} AFTER DELETE ON complaint BEGIN {remove} END",
        f"CREATE TRIGGER {au} AFTER UPDATE OF id, {columns} ON complaint BEGIN {remove} {add} END",
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    ):
        bind.execute(sa.text(statement))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _postgresql_upgrade(bind)
    elif bind.dialect.name == "sqlite":
        _sqlite_upgrade(bind)
    op.create_index(INCIDENT_INDEX, "incident", ["opened_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(INCIDENT_INDEX, table_name="incident")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for column in COLUMNS:
            bind.execute(sa.text(f"DROP INDEX IF EXISTS {_trgm_index(column)}"))
    elif bind.dialect.name == "sqlite":
        for trigger in TRIGGERS:
            bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
        bind.execute(sa.text(f"DROP TABLE IF EXISTS {FTS}"))
