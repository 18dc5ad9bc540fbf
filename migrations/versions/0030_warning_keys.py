"""early_warning.wording_key and early_warning.values: the key of a warning's title and
summary wording and the values it says (complaints.warning_keys), beside its Chinese text;
warnings written before have wording_key NULL and values {}

Revision ID: 0030_warning_keys
Revises: 0029_keyed_history
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0030_warning_keys"
down_revision: str | None = "0029_keyed_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("early_warning") as batch:
        batch.add_column(
            sa.Column("wording_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch.add_column(
            sa.Column("values", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("early_warning") as batch:
        batch.drop_column("values")
        batch.drop_column("wording_key")
