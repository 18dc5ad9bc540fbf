"""Orphaned `generating` rosters (their process was killed) become `failed` once past their
time limit and the grace, audited once; a roster this instance's runner still holds is never
touched (oncall.roster_interrupts)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from core.audit import list_entries
from oncall import roster_interrupts
from oncall.roster_models import RosterStatus
from tests.conftest import T0
from tests.roster_helpers import JAN1, JAN31, make_intake, make_roster

PAST_GRACE = timedelta(seconds=4 + roster_interrupts.GRACE_S + 1)  # make_roster: 4 s limit


def test_only_overdue_rosters_not_held_here_are_failed_and_audited_once(
    session: Session,
) -> None:
    intake = make_intake(session)
    orphan = make_roster(session, intake, JAN1, JAN31, [], status=RosterStatus.generating)
    held = make_roster(session, intake, JAN1, JAN31, [], status=RosterStatus.generating)
    fresh = make_roster(
        session, intake, JAN1, JAN31, [], status=RosterStatus.generating, at=T0 + PAST_GRACE
    )
    assert orphan.id is not None and held.id is not None and fresh.id is not None
    now = T0 + PAST_GRACE

    assert roster_interrupts.mark_interrupted(session, now=now - timedelta(seconds=2)) == 0
    assert roster_interrupts.mark_interrupted(session, now=now, running={held.id}) == 1
    assert roster_interrupts.mark_interrupted(session, now=now, running={held.id}) == 0

    for roster in (orphan, held, fresh):
        session.refresh(roster)
    assert orphan.status is RosterStatus.failed and orphan.finished_at == now
    assert "interrupted" in (orphan.result_json or "")
    assert held.status is RosterStatus.generating
    assert fresh.status is RosterStatus.generating
    entries = [e for e in list_entries(session, limit=50) if e.action == "roster.interrupted"]
    assert [e.entity_id for e in entries] == [str(orphan.id)]
    assert entries[0].actor == "system"
