"""The history a roster period is built with: the shifts just before it, across the year
boundary too, each day read from the published version; fairness totals keep the calendar
year. Roster rows are written directly (no solver), on the demo centre's intake unit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from core.calendar_store import load_calendar
from oncall.change_models import OncallOverride, SwapRequestRow, SwapStatus
from oncall.problem_builder import build_problem
from oncall.roster_models import RosterStatus, ShiftType
from tests.conftest import T0
from tests.roster_helpers import JAN1, JAN31, Intake, covering_rows, make_intake, make_roster


@pytest.fixture
def intake(session: Session) -> Intake:
    return make_intake(session)


def test_history_reaches_across_the_year_boundary_and_totals_keep_the_calendar_year(
    session: Session, intake: Intake
) -> None:
    dec_start, dec_end = date(2026, 12, 1), date(2026, 12, 31)
    december = covering_rows(intake, dec_start, dec_end)
    make_roster(session, intake, dec_start, dec_end, december, status=RosterStatus.published)
    night_person = next(p for p, d, c in december if (d, c) == (dec_end, "night"))
    problem = build_problem(
        session, unit_id=intake.unit_id, start=JAN1, end=JAN31, calendar=load_calendar(session)
    )
    history = {h.person: h for h in problem.history}
    assert (dec_end, "night") in history[str(night_person)].recent
    assert all(h.nights_ytd == h.weekends_ytd == h.holidays_ytd == 0 for h in history.values())
    # Later in January: the January nights count, December's do not.
    jan_rows = covering_rows(intake, JAN1, date(2027, 1, 4))
    make_roster(session, intake, JAN1, date(2027, 1, 4), jan_rows, status=RosterStatus.published)
    later = build_problem(
        session,
        unit_id=intake.unit_id,
        start=date(2027, 1, 5),
        end=date(2027, 1, 11),
        calendar=load_calendar(session),
    )
    nights = {h.person: h.nights_ytd for h in later.history}
    for person in {p for p, _, c in jan_rows if c == "night"}:
        expected = sum(1 for p, _, c in jan_rows if p == person and c == "night")
        assert nights[str(person)] == expected
    assert sum(nights.values()) == 4
    recent = {h.person: h.recent for h in later.history}
    assert (dec_end, "night") in recent[str(night_person)]  # Dec 31 is within 7 days of Jan 5


def test_history_reads_each_day_from_the_published_version(
    session: Session, intake: Intake
) -> None:
    dec_start, dec_end = date(2026, 12, 25), date(2026, 12, 31)
    first = covering_rows(intake, dec_start, dec_end)
    make_roster(session, intake, dec_start, dec_end, first, status=RosterStatus.superseded)
    moved = first[-1][0]  # Dec 31 night in the superseded version only
    second = [(p if (d, c) != (dec_end, "night") else intake.people[-1], d, c) for p, d, c in first]
    assert moved != intake.people[-1]
    make_roster(session, intake, dec_start, dec_end, second, status=RosterStatus.published)
    problem = build_problem(
        session, unit_id=intake.unit_id, start=JAN1, end=JAN31, calendar=load_calendar(session)
    )
    recent = {h.person: h.recent for h in problem.history}
    assert (dec_end, "night") not in recent.get(str(moved), ())
    assert (dec_end, "night") in recent[str(intake.people[-1])]


def test_history_counts_the_overrides_and_approved_swaps_of_the_published_version(
    session: Session, intake: Intake
) -> None:
    dec_start, dec_end = date(2026, 12, 25), date(2026, 12, 31)
    rows = covering_rows(intake, dec_start, dec_end)
    roster = make_roster(session, intake, dec_start, dec_end, rows, status=RosterStatus.published)
    who = {(d, c): p for p, d, c in rows}
    dec30 = date(2026, 12, 30)
    # the Dec 31 night goes to the Dec 30 night person by an approved swap (and back the other way)
    a, b = who[(dec_end, "night")], who[(dec30, "night")]
    session.add(
        SwapRequestRow(
            roster_id=roster.id or 0,
            a_person_id=a,
            a_day=dec_end,
            b_person_id=b,
            b_day=dec30,
            status=SwapStatus.approved,
            requested_by="officer",
            requested_at=T0,
            decided_by="planner",
            decided_at=T0,
        )
    )
    # and someone off that week covers the Dec 31 day shift by an override
    covering = next(p for p in intake.people if p not in {p for p, _, _ in rows})
    original = who[(dec_end, "day")]
    day_shift = session.get(ShiftType, intake.shifts["day"])
    assert day_shift is not None
    session.add(
        OncallOverride(
            shift_type_id=day_shift.id or 0,
            day=dec_end,
            start_at=datetime(2026, 12, 31, 0, 30, tzinfo=UTC),  # 08:30 in Shanghai
            end_at=datetime(2026, 12, 31, 9, 30, tzinfo=UTC),
            original_person_id=original,
            covering_person_id=covering,
            created_by="planner",
            created_at=T0,
        )
    )
    session.commit()
    problem = build_problem(
        session, unit_id=intake.unit_id, start=JAN1, end=JAN31, calendar=load_calendar(session)
    )
    recent = {h.person: h.recent for h in problem.history}
    assert (dec_end, "night") in recent[str(b)] and (dec30, "night") in recent[str(a)]
    assert (dec_end, "night") not in recent.get(str(a), ())
    assert (dec_end, "day") in recent[str(covering)]
    assert (dec_end, "day") not in recent.get(str(original), ())
