"""complaint agents (O121 Art. 11: name, phone, ID, power of attorney received and when) and
group complaints (Art. 12: the number of complainants and up to two representatives)

Revision ID: 0017_agents
Revises: 0016_tz50
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017_agents"
down_revision: str | None = "0016_tz50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(
        name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False, server_default=""
    )


def _optional(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(_text("agent_name", 100))
        batch_op.add_column(_optional("agent_phone", 32))
        batch_op.add_column(_optional("agent_id_type", 20))
        batch_op.add_column(_optional("agent_id_number", 40))
        batch_op.add_column(
            sa.Column(
                "agent_poa_received", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("agent_poa_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("group_size", sa.Integer(), nullable=True))
        batch_op.add_column(_text("representative1_name", 100))
        batch_op.add_column(_optional("representative1_phone", 32))
        batch_op.add_column(_text("representative2_name", 100))
        batch_op.add_column(_optional("representative2_phone", 32))


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        for name in (
            "representative2_phone",
            "representative2_name",
            "representative1_phone",
            "representative1_name",
            "group_size",
            "agent_poa_date",
            "agent_poa_received",
            "agent_id_number",
            "agent_id_type",
            "agent_phone",
            "agent_name",
        ):
            batch_op.drop_column(name)
