"""Approving a swap checks both people against the unit's hard rules, on one load of what
the rules need (the unit's rules, the working-day calendar, the shift types): it used to
load them again for the second person."""

from __future__ import annotations

from sqlmodel import Session

from oncall import swaps
from oncall.change_models import SwapCreate, SwapStatus
from tests.conftest import T0
from tests.statements import tables_read
from tests.web.test_roster_grid_as_worked import DAY1, DAY2, TZ, _published


def test_a_swap_decision_loads_the_units_rules_and_calendar_once(session: Session) -> None:
    roster, people, _ = _published(session)
    assert roster.id is not None
    swap = swaps.request_swap(
        session,
        data=SwapCreate(
            roster_id=roster.id,
            a_person_id=people["杨帆"].id or 0,
            a_day=DAY1,
            b_person_id=people["胡军"].id or 0,
            b_day=DAY2,
        ),
        actor="test",
        now=T0,
    )
    assert swap.id is not None
    session.expunge_all()  # nothing answered from the session's memory of earlier loads
    with tables_read(session) as read:
        decided = swaps.decide_swap(
            session, swap_id=swap.id, approve=True, actor="test", now=T0, tz=TZ
        )
    assert decided.status is SwapStatus.approved
    assert (read["roster_rules"], read["calendar_override"]) == (1, 1)
