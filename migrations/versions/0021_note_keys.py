"""system-written complaint notes as message keys and arguments beside their Chinese text:
complaint_event.note_parts, complaint_supervision.note_parts and complaint.routing_note_parts
(JSON, NULL on older rows, which keep showing their text)

Revision ID: 0021_note_keys
Revises: 0019_queue_index
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_note_keys"
down_revision: str | None = "0019_queue_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = ("complaint_event", "complaint_supervision")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("note_parts", sa.JSON(), nullable=True))
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("routing_note_parts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("routing_note_parts")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("note_parts")
