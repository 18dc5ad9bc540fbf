"""login_pair: per username and client, the last successful sign-in (a known client is not
refused when a username's failures from all clients reach their ceiling) and the refusals
(the first in each lock window is audited, the rest counted); login_failure is counted per
username too, so failures from one client no longer lock the username for every client
(ADR 0010)

Revision ID: 0024_login_pairs
Revises: 0023_security
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.db import UTCDateTime

revision: str = "0024_login_pairs"
down_revision: str | None = "0023_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_login_failure_username_at", "login_failure", ["username", "at"])
    op.create_table(
        "login_pair",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_success_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("refusal_audited_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("refused_unaudited", sa.Integer(), nullable=False),
        sa.UniqueConstraint("username", "client"),
    )


def downgrade() -> None:
    op.drop_table("login_pair")
    op.drop_index("ix_login_failure_username_at", table_name="login_failure")
