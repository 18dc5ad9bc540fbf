"""hour limits for urgent 12345 orders (DOMAIN.md §3, Beijing 2 h / 24 h [U]): an hour
clock's start instant, the item's utilities flag (水电气热) and its next deadline's unit; a
dictionary already in use gets the utility terms (an empty one is seeded from the code)

Revision ID: 0018_hour_limits
Revises: 0016_tz50
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.db

revision: str = "0018_hour_limits"
down_revision: str | None = "0017_agents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# complaints.classify._UTILITY_TERMS as of this revision (later edits are the admins')
UTILITY_TERMS = (
    "停水",
    "断水",
    "自来水",
    "水压",
    "停电",
    "断电",
    "供电",
    "停气",
    "断气",
    "燃气",
    "天然气",
    "煤气",
    "供暖",
    "暖气",
    "供热",
)


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("utility", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("next_due_unit", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
        )
    with op.batch_alter_table("complaint_clock", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("started_at", core.db.UTCDateTime(timezone=True), nullable=True)
        )
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT id FROM complaint_term LIMIT 1")).first() is None:
        return
    term = sa.table(
        "complaint_term",
        sa.column("term", sa.String),
        sa.column("kind", sa.String),
        sa.column("domain", sa.String),
        sa.column("weight", sa.Integer),
        sa.column("is_active", sa.Boolean),
    )
    known = {
        row[0]
        for row in bind.execute(
            sa.select(term.c.term).where(term.c.kind == "utility", term.c.domain.is_(None))
        )
    }
    rows = [
        {"term": t, "kind": "utility", "domain": None, "weight": 1, "is_active": True}
        for t in UTILITY_TERMS
        if t not in known
    ]
    if rows:
        op.bulk_insert(term, rows)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM complaint_term WHERE kind = 'utility'"))
    with op.batch_alter_table("complaint_clock", schema=None) as batch_op:
        batch_op.drop_column("started_at")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("next_due_unit")
        batch_op.drop_column("utility")
