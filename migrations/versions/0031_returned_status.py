"""complaint.status 'returned' for every workflow: a complaint, report or consultation its
unit returned to intake waited there as 'registered', like a fresh item; those not yet
distributed again (registered with a return counted) become 'returned', as 12345 orders
already were. Downgrade: they are 'registered' again (12345 orders stay 'returned').

Revision ID: 0031_returned_status
Revises: 0030_warning_keys
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031_returned_status"
down_revision: str | None = "0030_warning_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # only a return leads back to 'registered', and distributing or re-routing leaves it
    op.execute(
        "UPDATE complaint SET status = 'returned' "
        "WHERE status = 'registered' AND returned_count > 0"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE complaint SET status = 'registered' "
        "WHERE status = 'returned' AND workflow <> 'order_12345'"
    )
