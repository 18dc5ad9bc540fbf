"""Rosters whose generation was cut off by a stopped process (kill -9, crash, restart).

A `generating` roster is solved by a runner thread of the instance that took the request;
nothing else ever finishes it. So a roster still `generating` well past its time limit
(`time_limit_s` + `grace_s` after it was created) is taken to be orphaned and becomes
`failed` ("interrupted by a restart; generate again"), audited once. Every instance sweeps
at start-up and then periodically (api.ticker), so a restart within the grace period no
longer leaves the roster `generating` for ever. An instance passes the rosters its own
runner still holds (`running`), which are never touched however long they wait; the flip
is a compare-and-set on the status, so two instances sweeping at once audit it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import audit
from oncall.roster_models import Roster, RosterStatus

GRACE_S = 300.0
INTERRUPTED = "interrupted by a restart; generate again"


def overdue(
    session: Session, *, now: datetime, grace_s: float = GRACE_S, running: Collection[int] = ()
) -> list[int]:
    """Ids of `generating` rosters past their time limit plus `grace_s`, not in `running`."""
    rows = session.exec(
        select(Roster.id, Roster.created_at, Roster.time_limit_s).where(
            Roster.status == RosterStatus.generating
        )
    ).all()
    return [
        roster_id
        for roster_id, created_at, limit in rows
        if roster_id is not None
        and roster_id not in running
        and created_at + timedelta(seconds=limit + grace_s) < now
    ]


def mark_interrupted(
    session: Session, *, now: datetime, grace_s: float = GRACE_S, running: Collection[int] = ()
) -> int:
    """Mark the overdue `generating` rosters `failed`; returns how many this call flipped."""
    flipped = 0
    for roster_id in overdue(session, now=now, grace_s=grace_s, running=running):
        result = session.execute(
            update(Roster)
            .where(col(Roster.id) == roster_id, col(Roster.status) == RosterStatus.generating)
            .values(
                status=RosterStatus.failed,
                finished_at=now,
                result_json=json.dumps({"error": INTERRUPTED}),
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue  # finished, or another instance flipped it a moment ago
        flipped += 1
        audit.record(
            session,
            at=now,
            actor="system",
            action="roster.interrupted",
            entity_type="roster",
            entity_id=roster_id,
            after={"status": RosterStatus.failed.value, "error": INTERRUPTED},
        )
    session.commit()
    return flipped


def sweep(
    open_session: Callable[..., AbstractContextManager[Session]],
    *,
    now: datetime,
    running: Collection[int] = (),
) -> int:
    """Look in a read session first (the usual answer is "nothing"), write only when a
    roster is overdue, so the periodic sweep never takes SQLite's write lock for nothing."""
    with open_session(write=False) as session:
        if not overdue(session, now=now, running=running):
            return 0
    with open_session(write=True) as session:
        return mark_interrupted(session, now=now, running=running)
