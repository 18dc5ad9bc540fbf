"""The 12345 supervision chain's last stage: written criticism (通报批评) of a unit that
ignored a reminder (DOMAIN.md §3: "reminder ignored: 5 WD past the reminder → written
criticism" [U], `RuleLimits.order_criticism_wd`).

Chain: 催办 (reminder, before the deadline) → 督办 (overdue) → 通报批评. The count starts when
the order's first reminder goes out (`supervision.schedule_criticism` sets the clock's
`criticise_at`: the end of the Nth working day after the day it was sent, that day not
counted); the overdue notice starts it when no reminder came first. The step done (signed
for, replied), returned or re-dispatched (the clock met, cancelled or restarted) or its
deadline moved (an extension) ends the count. Like the other passes, a tick claims due rows,
writes the supervision record, history, audit and notices in one transaction and commits;
running it twice does nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from complaints import history, supervision
from complaints.models import Complaint, ComplaintClock
from complaints.vocab import ClockStatus, SupervisionKind

log = logging.getLogger("dutydesk.supervision")


def criticise_ignored(session: Session, *, now: datetime, batch: int = 100) -> int:
    """Claim running clocks whose reminder was ignored past `criticise_at`, criticise, commit."""
    rows = supervision.claim(
        session,
        select(ComplaintClock)
        .where(
            ComplaintClock.status == ClockStatus.running,
            col(ComplaintClock.criticise_at) <= now,
            col(ComplaintClock.criticised_at).is_(None),
        )
        .order_by(col(ComplaintClock.criticise_at), col(ComplaintClock.id)),
        batch,
    )
    for clock in rows:
        item = session.get(Complaint, clock.complaint_id)
        assert item is not None
        before = history.summary(item)
        clock.criticised_at = now
        session.add(clock)
        item.criticism_count += 1
        session.add(item)
        supervision.notify(session, kind=SupervisionKind.criticism, item=item, clock=clock, now=now)
        history.audit_change(
            session,
            item,
            at=now,
            actor="supervision",
            action="complaint.criticise",
            before=before,
            extra={
                "clock": clock.kind.value,
                "reminded_at": (clock.reminded_at or clock.overdue_at or now).isoformat(),
            },
        )
    session.commit()
    if rows:
        log.info("supervision: %d ignored 12345 reminders criticised", len(rows))
    return len(rows)
