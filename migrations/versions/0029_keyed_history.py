"""every timeline entry, broken wish and repair note stored before keys gets one: the key
and values of an incident_event with key NULL, of a roster's "violations" item without a
key, and roster.repair_reason of a version whose note says "repair: …", derived once from
their English text by the phrases the pages recognised (migrations/frozen/*_0029.py), so
the pages no longer parse English; a text no phrase matches gets the key `note`

Revision ID: 0029_keyed_history
Revises: 0028_event_keys
Create Date: 2026-12-07
"""

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0029_keyed_history"
down_revision: str | None = "0028_event_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
ROSTER_BATCH = 50  # a roster's result_json holds its whole solution: fewer at a time

_event = sa.table(
    "incident_event",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("key", sa.String),
    sa.column("values", sa.JSON),
)
_roster = sa.table(
    "roster",
    sa.column("id", sa.Integer),
    sa.column("note", sa.String),
    sa.column("repair_reason", sa.String),
    sa.column("result_json", sa.Text),
)


def _frozen(name: str) -> ModuleType:
    """A module of migrations/frozen/ (not a package on the path: loaded from its file)."""
    path = Path(__file__).resolve().parents[1] / "frozen" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_dutydesk_migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _key_events(bind: sa.Connection, events: ModuleType) -> None:
    """Rows with key NULL only, a batch at a time by id (a row keyed here leaves the set)."""
    after = 0
    while True:
        rows = bind.execute(
            sa.select(_event.c.id, _event.c.text)
            .where(_event.c.key.is_(None), _event.c.id > after)
            .order_by(_event.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        keyed = [(row.id, *events.keyed(row.text)) for row in rows]
        bind.execute(
            _event.update()
            .where(_event.c.id == sa.bindparam("event_id"), _event.c.key.is_(None))
            .values(key=sa.bindparam("new_key"), values=sa.bindparam("new_values", type_=sa.JSON)),
            [{"event_id": i, "new_key": k, "new_values": v} for i, k, v in keyed],
        )
        after = rows[-1].id


def _key_rosters(bind: sa.Connection, rosters: ModuleType) -> None:
    after = 0
    while True:
        rows = bind.execute(
            sa.select(_roster.c.id, _roster.c.note, _roster.c.repair_reason, _roster.c.result_json)
            .where(_roster.c.id > after)
            .order_by(_roster.c.id)
            .limit(ROSTER_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            changes = _roster_changes(rosters, row)
            if changes:
                bind.execute(_roster.update().where(_roster.c.id == row.id).values(**changes))
        after = rows[-1].id


def _roster_changes(rosters: ModuleType, row: sa.Row) -> dict[str, str]:
    changes = {}
    if row.repair_reason is None and (reason := rosters.repair_reason(row.note or "")):
        changes["repair_reason"] = reason
    document = json.loads(row.result_json) if row.result_json else None
    if isinstance(document, dict) and isinstance(document.get("violations"), list):
        violations = rosters.keyed_violations(document["violations"])
        if violations is not None:
            document = document | {"violations": violations}
            changes["result_json"] = json.dumps(document, ensure_ascii=False)
    return changes


def upgrade() -> None:
    bind = op.get_bind()
    _key_events(bind, _frozen("event_keys_0029"))
    _key_rosters(bind, _frozen("roster_keys_0029"))


def downgrade() -> None:
    """Nothing to undo: the keys derived here say what the English text says, which stays;
    an older version reads the text as before."""
