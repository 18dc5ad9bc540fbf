"""special-equipment accident details on incidents (TZ50 Art. 10): equipment type, the unit
using it, casualties, people at risk, the estimated direct loss, measures taken, and whether
a boiler or pressure vessel exploded or a crane overturned (TZR Art. 63)

Revision ID: 0016_tz50
Revises: 0015_gaps
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016_tz50"
down_revision: str | None = "0015_gaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EQUIPMENT_TYPES = (
    "boiler",
    "pressure_vessel",
    "pressure_piping",
    "lift",
    "crane",
    "passenger_ropeway",
    "amusement_ride",
    "in_plant_vehicle",
)


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "equipment_type",
                sa.Enum(*EQUIPMENT_TYPES, name="equipmenttype", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "equipment_user",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("deaths", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("serious_injuries", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("people_at_risk", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("direct_loss_yuan", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("measures_taken", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "explosion_or_overturn", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("explosion_or_overturn")
        batch_op.drop_column("measures_taken")
        batch_op.drop_column("direct_loss_yuan")
        batch_op.drop_column("people_at_risk")
        batch_op.drop_column("serious_injuries")
        batch_op.drop_column("deaths")
        batch_op.drop_column("equipment_user")
        batch_op.drop_column("equipment_type")
