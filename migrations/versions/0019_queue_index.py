"""a handling unit's complaint queue read from one index: (unit_id, status, priority,
next_due_at, received_at, id) over the distributed items, so the count and the page's ids of
a unit's inbox no longer visit every open item of every unit (PostgreSQL: ~843 ms cold on
100,000 items)

Revision ID: 0019_queue_index
Revises: 0016_tz50
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_queue_index"
down_revision: str | None = "0018_hour_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["unit_id", "status", "priority", "next_due_at", "received_at", "id"]
WHERE = sa.text("distributed_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_complaint_unit_queue",
        "complaint",
        COLUMNS,
        unique=False,
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_complaint_unit_queue", table_name="complaint")
