"""webhook_receipt.received_at indexed: the retention job deletes the receipts older than
DUTYDESK_WEBHOOK_RECEIPT_RETENTION_DAYS, oldest first, without scanning the table

Revision ID: 0026_receipt_retention
Revises: 0025_feed_fetches
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026_receipt_retention"
down_revision: str | None = "0025_feed_fetches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_webhook_receipt_received_at", "webhook_receipt", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_receipt_received_at", table_name="webhook_receipt")
