"""open items' closure deadlines follow their path (complaints.clocks.closure_deadline)

The closure deadline of an open item was the latest due instant of all its clocks, met ones
included; it is now the earliest statutory step met late, else the earliest running step, else
none. Closed items keep the deadline and verdict they were closed with (their clocks were
cancelled at the close, so the path cannot be read back).

Revision ID: 0014_closure_deadlines
Revises: 0013_complaint_fixes
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_closure_deadlines"
down_revision: str | None = "0013_complaint_fixes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# complaints.clocks.INTERNAL_CLOCKS, spelt out: a migration must not change with the code
INTERNAL_CLOCKS = ("distribution", "sign_for")

complaint = sa.table(
    "complaint",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("closure_due_at"),
)
clock = sa.table(
    "complaint_clock",
    sa.column("complaint_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
    sa.column("on_time", sa.Boolean),
    sa.column("due_at"),
)


def _earliest(*conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect[object]:
    return (
        sa.select(sa.func.min(clock.c.due_at))
        .where(
            clock.c.complaint_id == complaint.c.id,
            clock.c.kind.not_in(INTERNAL_CLOCKS),
            *conditions,
        )
        .scalar_subquery()
    )


def closure_update() -> sa.Update:
    """Every open item's closure deadline, recomputed from its clocks (tested against
    complaints.clocks.closure_deadline)."""
    missed = _earliest(clock.c.status == "met", clock.c.on_time == sa.false())
    running = _earliest(clock.c.status == "running")
    return (
        complaint.update()
        .where(complaint.c.status != "closed")
        .values(closure_due_at=sa.func.coalesce(missed, running))
    )


def upgrade() -> None:
    op.execute(closure_update())


def downgrade() -> None:
    # the old deadlines are not kept; the new ones are as good a closure deadline for old code
    pass
