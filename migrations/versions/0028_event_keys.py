"""incident_event.key and incident_event.values: the key of a timeline entry's phrase and
the values it says (escalation.timeline_keys), beside its English text; entries written
before have key NULL and values {}

Revision ID: 0028_event_keys
Revises: 0027_repair_reason
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0028_event_keys"
down_revision: str | None = "0027_repair_reason"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident_event") as batch:
        batch.add_column(
            sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
        batch.add_column(
            sa.Column("values", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_event") as batch:
        batch.drop_column("values")
        batch.drop_column("key")
