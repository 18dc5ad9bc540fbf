"""Roster rows written directly (no solver) on the demo centre's intake unit, for service
tests of the roster lifecycle."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from api import demo
from core.calendar_store import load_calendar
from oncall import planning
from oncall.models import Unit
from oncall.problem_builder import build_problem
from oncall.roster_models import Roster, RosterAssignment, RosterStatus
from tests.conftest import T0

JAN1, JAN31 = date(2027, 1, 1), date(2027, 1, 31)


@dataclass
class Intake:
    unit_id: int
    shifts: dict[str, int]
    people: list[int]


def make_intake(session: Session) -> Intake:
    """The seeded intake unit: its shift type ids by code and its duty people."""
    demo.seed(session, now=T0)

    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    shifts = {s.code: s.id for s in planning.list_shift_types(session, unit_id=unit.id) if s.id}
    problem = build_problem(
        session, unit_id=unit.id, start=JAN1, end=JAN1, calendar=load_calendar(session)
    )
    people = [int(p.id) for p in problem.people if "duty" in p.roles]
    return Intake(unit.id, shifts, people)


def make_roster(
    session: Session,
    intake: Intake,
    start: date,
    end: date,
    rows: list[tuple[int, date, str]],
    *,
    status: RosterStatus = RosterStatus.draft,
    at: datetime = T0,
) -> Roster:
    roster = Roster(
        unit_id=intake.unit_id,
        period_start=start,
        period_end=end,
        version=1,
        status=status,
        time_limit_s=4,
        created_by="test",
        created_at=at,
        published_at=at if status is RosterStatus.published else None,
    )
    session.add(roster)
    session.flush()
    assert roster.id is not None
    for person, day, code in rows:
        session.add(
            RosterAssignment(
                roster_id=roster.id, person_id=person, day=day, shift_type_id=intake.shifts[code]
            )
        )
    session.commit()
    return roster


def days_of(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def covering_rows(intake: Intake, start: date, end: date) -> list[tuple[int, date, str]]:
    """Two people per day (day and night shift), rotating through the unit."""
    people = intake.people
    return [
        row
        for i, day in enumerate(days_of(start, end))
        for row in (
            (people[(2 * i) % len(people)], day, "day"),
            (people[(2 * i + 1) % len(people)], day, "night"),
        )
    ]


def infeasible_roster(
    session: Session,
    *,
    unit_id: int,
    start: date,
    explanation: Sequence[Mapping[str, object]],
    people: Sequence[int] = (),
) -> Roster:
    """A stored one-week version the solver found infeasible, with ``explanation`` items
    (rule, day, shift, skill, people_short, message) and all-zero totals of ``people``, as
    `oncall.rosters` stores them."""
    zeros = {"shifts": 0, "hours": 0.0, "nights": 0, "weekends": 0, "holidays": 0}
    roster = Roster(
        unit_id=unit_id,
        period_start=start,
        period_end=start + timedelta(6),
        version=1,
        status=RosterStatus.infeasible,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
        result_json=json.dumps(
            {
                "explanation": [dict(i) for i in explanation],
                "totals": {str(person): zeros for person in people},
            },
            ensure_ascii=False,
        ),
    )
    session.add(roster)
    session.commit()
    return roster
