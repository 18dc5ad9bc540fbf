from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from complaints import actions, calendar_sync, service, timers
from complaints.actions import Actor
from complaints.models import ComplaintClock
from complaints.vocab import ClockKind
from complaints.workflow import Action
from core import calendar_store
from core.audit import list_entries
from core.workcal import DayKind
from tests.complaint_helpers import complaint_data, make_centre
from tests.conftest import T0


def test_override_changes_the_calendar_and_is_audited(session: Session) -> None:
    assert calendar_store.load_calendar(session).coverage_warning(date(2026, 11, 23))
    calendar_store.set_override(
        session, day=date(2027, 2, 20), working=True, note="2027 春节调休", actor="admin", now=T0
    )
    calendar = calendar_store.load_calendar(session)
    assert calendar.day_kind(date(2027, 2, 20)) is DayKind.MAKEUP_WORKDAY
    assert calendar.coverage_warning(date(2026, 11, 23))  # one day is not the notice
    entry = list_entries(session, entity_type="calendar_day")[0]
    assert entry.entity_id == "2027-02-20" and entry.actor == "admin"


def test_a_confirmed_notice_ends_the_warning_and_is_audited(session: Session) -> None:
    calendar_store.confirm_year(
        session, year=2027, note="国办发明电〔2026〕", actor="admin", now=T0
    )
    assert calendar_store.load_calendar(session).coverage_warning(date(2026, 11, 23)) is None
    again = calendar_store.confirm_year(session, year=2027, note="", actor="other", now=T0)
    assert again.confirmed_by == "admin"  # the first confirmation stays
    calendar_store.withdraw_year(session, year=2027, actor="admin", now=T0)
    assert calendar_store.load_calendar(session).coverage_warning(date(2026, 11, 23))
    entries = list_entries(session, entity_type="calendar_year", entity_id="2027")
    assert sorted(e.action for e in entries) == ["calendar.year.confirm", "calendar.year.withdraw"]


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


def test_an_override_moves_running_deadlines_and_not_met_ones(session: Session) -> None:
    make_centre(session)
    staff = Actor(name="coordinator", intake=True, handle=True)
    waiting, accepted = (
        service.register(session, data=complaint_data(), actor="coordinator", now=T0)[0]
        for _ in range(2)
    )
    assert waiting.id is not None and accepted.id is not None
    for step, hours in ((Action.distribute, 1), (Action.accept, 2)):
        actions.act(
            session,
            complaint_id=accepted.id,
            action=step,
            actor=staff,
            now=T0 + timedelta(hours=hours),
        )

    def acceptance(item_id: int) -> ComplaintClock:
        clock = timers.find(session, item_id, ClockKind.acceptance)
        assert clock is not None
        return clock

    # 7 working days from Monday 11-23: due Wednesday 12-02, for both
    assert acceptance(waiting.id).due_on == acceptance(accepted.id).due_on == date(2026, 12, 2)
    mediation_due = timers.find(session, accepted.id, ClockKind.mediation)
    assert mediation_due is not None
    mediation_before = mediation_due.due_on

    _, moved = calendar_sync.set_override(
        session, day=date(2026, 11, 26), working=False, note="local rest day", actor="a", now=T0
    )
    assert moved == 1  # the running acceptance clock; the met one and the 60 days stay
    assert acceptance(waiting.id).due_on == date(2026, 12, 3)
    assert acceptance(accepted.id).due_on == date(2026, 12, 2)
    assert mediation_due.due_on == mediation_before
    session.refresh(waiting)
    assert waiting.closure_due_at == datetime(2026, 12, 3, 16, tzinfo=UTC)  # end of 12-03 local
    entry = list_entries(session, entity_type="calendar_day")[0]
    assert entry.action == "complaint.clocks.recompute" and entry.entity_id == "2026-11-26"
    assert '"moved": 1' in (entry.after or "")

    assert calendar_sync.delete_override(session, day=date(2026, 11, 26), actor="a", now=T0) == 1
    assert acceptance(waiting.id).due_on == date(2026, 12, 2)
    session.refresh(waiting)
    assert waiting.closure_due_at == datetime(2026, 12, 2, 16, tzinfo=UTC)


def test_a_range_of_rest_days_moves_a_running_deadline_once_by_the_whole_range(
    session: Session,
) -> None:
    make_centre(session)
    item = service.register(session, data=complaint_data(), actor="coordinator", now=T0)[0]
    assert item.id is not None
    clock = timers.find(session, item.id, ClockKind.acceptance)
    assert clock is not None and clock.due_on == date(2026, 12, 2)  # 7 working days

    rows, moved = calendar_sync.set_override_range(
        session,
        start=date(2026, 11, 25),
        end=date(2026, 11, 27),
        working=False,
        note="local rest days",
        actor="admin",
        now=T0,
    )
    assert [r.day for r in rows] == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    assert moved == 1  # one clock, moved once, by all three days
    assert clock.due_on == date(2026, 12, 7)  # Wed–Fri rest: three working days later
    entries = list_entries(session, entity_type="calendar_day", limit=10)
    assert sorted(e.entity_id for e in entries if e.action == "calendar.override.set") == [
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
    ]
