"""login_failure: one row per failed sign-in with the client's address, so repeated failures
from one client (password spraying over many usernames) are throttled on every instance;
webhook_receipt: the signed Twilio callbacks acted on, so a replayed one changes nothing

Revision ID: 0023_security
Revises: 0022_search
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.db import UTCDateTime

revision: str = "0023_security"
down_revision: str | None = "0022_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    )
    op.create_index("ix_login_failure_client_at", "login_failure", ["client", "at"])
    op.create_table(
        "webhook_receipt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("digest"),
    )


def downgrade() -> None:
    op.drop_table("webhook_receipt")
    op.drop_index("ix_login_failure_client_at", table_name="login_failure")
    op.drop_table("login_failure")
