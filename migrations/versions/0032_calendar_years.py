"""calendar_year: a year whose State Council holiday notice an administrator confirmed as
entered in the calendar overrides (who and when); only such a year, or one the packaged
official data covers, counts as having official data (ADR 0003)

Revision ID: 0032_calendar_years
Revises: 0031_returned_status
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.db import UTCDateTime

revision: str = "0032_calendar_years"
down_revision: str | None = "0031_returned_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("calendar_year")
