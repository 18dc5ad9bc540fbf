"""people's own notification rules (SMS first, voice call after N minutes)

Revision ID: 0011_person_notify_rules
Revises: 0010_incident_reports
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011_person_notify_rules'
down_revision: str | None = '0010_incident_reports'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('person_notify_rule',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('after_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('after_minutes >= 0', name='ck_person_notify_rule_after_minutes'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id', 'position'),
    sa.UniqueConstraint('person_id', 'kind')
    )


def downgrade() -> None:
    op.drop_table('person_notify_rule')
