"""complaint clocks remember their pauses (overlaps count once); items keep the respondent's
name key beside the credit-code key (clusters find both)

Revision ID: 0013_complaint_fixes
Revises: 0012_emergency_plans
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from complaints import keys

revision: str = '0013_complaint_fixes'
down_revision: str | None = '0012_emergency_plans'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('complaint_clock', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pauses_json', sa.Text(), nullable=False, server_default='[]')
        )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'respondent_name_key',
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=True,
            )
        )
        batch_op.create_index(
            'ix_complaint_respondent_name_key_id', ['respondent_name_key', 'id'], unique=False
        )
    # existing items: the name key is the respondent key unless that is a credit code
    op.execute(
        "UPDATE complaint SET respondent_name_key = respondent_key "
        "WHERE respondent_key LIKE 'name:%'"
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, respondent_name FROM complaint WHERE respondent_key LIKE 'usc:%'")
    ).all()
    for row_id, name in rows:
        bind.execute(
            sa.text("UPDATE complaint SET respondent_name_key = :key WHERE id = :id"),
            {"key": keys.respondent_key(name or ""), "id": row_id},
        )


def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_respondent_name_key_id')
        batch_op.drop_column('respondent_name_key')
    with op.batch_alter_table('complaint_clock', schema=None) as batch_op:
        batch_op.drop_column('pauses_json')
