"""emergency plans as configuration (category × severity → policy and reporting deadlines)

Revision ID: 0012_emergency_plans
Revises: 0011_person_notify_rules
Create Date: 2026-12-06

No rows are seeded: a category × severity with no stored plan keeps the built-in default
(escalation.default_plans), so behaviour is unchanged until an administrator stores one.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.db


revision: str = '0012_emergency_plans'
down_revision: str | None = '0011_person_notify_rules'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('emergency_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('special_equipment', 'food_safety', 'drug_safety', 'mass_event', 'other', name='category', native_enum=False, length=20), nullable=False),
    sa.Column('severity', sa.Enum('I', 'II', 'III', 'IV', name='severity', native_enum=False, length=4), nullable=False),
    sa.Column('policy_json', sa.Text(), nullable=False),
    sa.Column('initial_report_minutes', sa.Integer(), nullable=False),
    sa.Column('written_report_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('category', 'severity')
    )


def downgrade() -> None:
    op.drop_table('emergency_plan')
