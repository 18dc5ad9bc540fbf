"""Migration 0014 recomputes open items' closure deadlines in SQL; it must agree with
`complaints.clocks.closure_deadline`, which new writes use."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

from sqlalchemy import update
from sqlmodel import Session, col, select

from complaints import config
from complaints.models import Complaint
from complaints.vocab import ClockKind, ClockStatus, Status
from tests.complaint_rows import Clock, Item, insert_items

MIGRATION = Path(__file__).parents[2] / "migrations/versions/0014_closure_deadlines.py"
T0 = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("closure_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 2, 0, tzinfo=UTC)


def test_the_migration_gives_each_open_item_the_deadline_of_its_path(session: Session) -> None:
    config.ensure_default_rule_sets(session, now=T0)
    rule_set = config.rule_set_for(session, day=date(2026, 11, 1), now=T0)
    assert rule_set.id is not None
    received = at(10, 1)
    cases = [
        # (clocks, closure deadline expected)
        ([Clock(ClockKind.acceptance, at(10, 12))], at(10, 12)),  # running
        (  # mediation met in time, termination notice late: the late step
            [
                Clock(ClockKind.acceptance, at(10, 12), met_at=at(10, 5)),
                Clock(ClockKind.mediation, at(12, 4), met_at=at(10, 25)),
                Clock(ClockKind.termination_notice, at(11, 3), met_at=at(11, 10)),
            ],
            at(11, 3),
        ),
        (  # every step met in time: no deadline (the close has no statutory limit)
            [Clock(ClockKind.acceptance, at(10, 12), met_at=at(10, 5))],
            None,
        ),
        (  # internal steps and cancelled ones do not count
            [
                Clock(ClockKind.distribution, at(10, 2), met_at=at(10, 9)),
                Clock(ClockKind.acceptance, at(10, 12), status=ClockStatus.cancelled),
                Clock(ClockKind.reply, at(10, 20)),
            ],
            at(10, 20),
        ),
        (  # paused mediation: none until it runs again
            [
                Clock(ClockKind.acceptance, at(10, 12), met_at=at(10, 5)),
                Clock(ClockKind.mediation, at(12, 4), status=ClockStatus.paused),
            ],
            None,
        ),
    ]
    items = [Item(received, clocks=clocks) for clocks, _ in cases]
    closed = Item(received, status=Status.closed, values={"closed_at": at(10, 30)})
    closed.clocks = [Clock(ClockKind.acceptance, at(10, 12), status=ClockStatus.cancelled)]
    ids = insert_items(session, [*items, closed], rule_set_id=rule_set.id, first_id=950_001)
    stale = at(12, 31)  # what the old rule (latest due instant of any clock) left behind
    session.execute(update(Complaint).values(closure_due_at=stale))

    session.execute(_migration().closure_update())

    found = dict(
        session.exec(
            select(Complaint.id, Complaint.closure_due_at).where(col(Complaint.id).in_(ids))
        ).all()
    )
    assert [found[i] for i in ids[:-1]] == [expected for _, expected in cases]
    assert found[ids[-1]] == stale  # a closed item keeps what it was closed with
