"""ical_feed.last_fetched_at: when a calendar last fetched the feed (noted at most every
15 minutes), so its owner sees whether the link is in use

Revision ID: 0025_feed_fetches
Revises: 0024_login_pairs
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision: str = "0025_feed_fetches"
down_revision: str | None = "0024_login_pairs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ical_feed") as batch:
        batch.add_column(sa.Column("last_fetched_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ical_feed") as batch:
        batch.drop_column("last_fetched_at")
