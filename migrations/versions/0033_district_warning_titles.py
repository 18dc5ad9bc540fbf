"""early_warning.title of district warnings stored before the wording changed said 区域
「…」 where the pages, filters, reports and new warnings say 区县: they say 区县 too. Only
the leading dimension word of a district warning's generated title changes. Downgrade:
区域 again.

Revision ID: 0033_district_warning_titles
Revises: 0032_calendar_years
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0033_district_warning_titles"
down_revision: str | None = "0032_calendar_years"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rename(old: str, new: str) -> None:
    # substr counts characters on SQLite and PostgreSQL alike
    op.execute(
        f"UPDATE early_warning SET title = '{new}' || substr(title, 3) "
        f"WHERE dimension = 'district' AND title LIKE '{old}「%'"
    )


def upgrade() -> None:
    _rename("区域", "区县")


def downgrade() -> None:
    _rename("区县", "区域")
