from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core import calendar_store
from core.audit import list_entries
from core.workcal import DayKind
from tests.conftest import T0


def test_override_changes_the_calendar_and_is_audited(session: Session) -> None:
    assert calendar_store.load_calendar(session).coverage_warning(date(2026, 11, 23))
    calendar_store.set_override(
        session, day=date(2027, 2, 20), working=True, note="2027 春节调休", actor="admin", now=T0
    )
    calendar = calendar_store.load_calendar(session)
    assert calendar.day_kind(date(2027, 2, 20)) is DayKind.MAKEUP_WORKDAY
    assert calendar.coverage_warning(date(2026, 11, 23)) is None
    entry = list_entries(session, entity_type="calendar_day")[0]
    assert entry.entity_id == "2027-02-20" and entry.actor == "admin"


def test_local_rest_day_moves_a_deadline(session: Session) -> None:
    before = calendar_store.load_calendar(session).add_working_days(date(2026, 11, 23), 1)
    assert before == date(2026, 11, 24)
    calendar_store.set_override(
        session, day=date(2026, 11, 24), working=False, note="local rest day", actor="a", now=T0
    )
    after = calendar_store.load_calendar(session).add_working_days(date(2026, 11, 23), 1)
    assert after == date(2026, 11, 25)
    calendar_store.delete_override(session, day=date(2026, 11, 24), actor="a", now=T0)
    assert calendar_store.load_calendar(session).add_working_days(date(2026, 11, 23), 1) == before
