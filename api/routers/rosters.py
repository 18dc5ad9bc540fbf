"""Roster versions: generate (in the background) → draft → published → superseded, compare
and repair. Planner inputs are in `roster_setup`, overrides and swaps in `roster_changes`,
who is on duty and iCal feeds in `oncall`."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import BaseModel

from api.deps import (
    ClockDep,
    RosterReader,
    RosterWriter,
    SessionDep,
)
from core.calendar_store import load_calendar
from core.types import MAX_ID
from core.workcal import WorkingCalendar
from oncall import publishing, rosters
from oncall.roster_models import (
    RepairRequest,
    Roster,
    RosterCreate,
    RosterStatus,
)

router = APIRouter(prefix="/api/v1", tags=["rosters"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class AssignmentPublic(BaseModel):
    person_id: int
    day: date
    shift: str


class ShortfallPublic(BaseModel):
    """One reason why no roster satisfies the hard rules: `message` in English; `key` names
    its phrase and `values` hold what the phrase says (days as ISO dates, shift, skill and rule
    codes, counts, the people missing with why), for wording it in another language. Versions
    generated before keys existed have `key` null and `values` empty."""

    rule: str
    day: date | None = None
    shift: str | None = None
    skill: str | None = None
    people_short: int | None = None
    message: str
    person: str | None = None
    key: str | None = None
    values: dict[str, Any] = {}


class ViolationPublic(BaseModel):
    """One broken wish of the roster: `detail` in English; `key` names its phrase and
    `values` hold what it says (days as ISO dates, person ids, shift codes, counts), for
    wording it in another language. Versions generated before keys existed have `key` null
    and `values` empty."""

    goal: str
    cost: int
    detail: str
    person: str | None = None
    day: date | None = None
    key: str | None = None
    values: dict[str, Any] = {}


class DaySpan(BaseModel):
    first: date
    last: date


class RosterPublic(BaseModel):
    id: int
    unit_id: int
    period_start: date
    period_end: date
    version: int
    status: RosterStatus
    base_roster_id: int | None
    note: str
    # A repaired version's reason on its own (null for other versions and older repairs).
    repair_reason: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    published_at: datetime | None
    published_by: str | None
    time_limit_s: float
    progress: float
    solver_status: str | None
    objective: int | None
    bound: int | None
    solver_seconds: float | None
    violations: list[ViolationPublic]
    totals: dict[str, dict[str, Any]]
    explanation: list[ShortfallPublic]
    # The first and last day of the period whose kind (holiday, make-up working day) is only
    # estimated: no official notice for its year is packaged or confirmed (GET/PUT
    # /api/v1/calendar/notices/{year}). Null when every day's kind is official.
    estimated_days: DaySpan | None
    # Approved swaps of the superseded version that no longer apply (set when published).
    dropped_swaps: list[dict[str, Any]]
    error: str | None


class RosterDiff(BaseModel):
    roster_id: int
    against_id: int
    removed: list[AssignmentPublic]
    added: list[AssignmentPublic]


def _roster_public(roster: Roster, now: datetime, calendar: WorkingCalendar) -> RosterPublic:
    document: dict[str, Any] = json.loads(roster.result_json) if roster.result_json else {}
    if roster.status is RosterStatus.generating:
        elapsed = (now - roster.created_at).total_seconds()
        progress = max(0.0, min(0.99, elapsed / roster.time_limit_s))
    else:
        progress = 1.0
    assert roster.id is not None
    return RosterPublic(
        **roster.model_dump(
            include={
                "id",
                "unit_id",
                "period_start",
                "period_end",
                "version",
                "status",
                "base_roster_id",
                "note",
                "repair_reason",
                "created_by",
                "created_at",
                "finished_at",
                "published_at",
                "published_by",
                "time_limit_s",
                "solver_status",
                "objective",
                "bound",
                "solver_seconds",
            }
        ),
        progress=round(progress, 2),
        violations=[ViolationPublic(**item) for item in document.get("violations", [])],
        totals=document.get("totals", {}),
        explanation=[ShortfallPublic(**item) for item in document.get("explanation", [])],
        estimated_days=(
            DaySpan(first=span[0], last=span[1])
            if (span := calendar.estimated_span(roster.period_start, roster.period_end))
            else None
        ),
        dropped_swaps=document.get("dropped_swaps", []),
        error=document.get("error"),
    )


def _assignment(a: Any) -> AssignmentPublic:
    return AssignmentPublic(person_id=int(a.person), day=a.day, shift=a.shift)


# ---- roster versions -----------------------------------------------------------------------------


@router.get("/rosters", summary="Roster versions, newest first")
def list_rosters(
    session: SessionDep, clock: ClockDep, _: RosterReader, unit_id: OptionalId = None
) -> list[RosterPublic]:
    calendar = load_calendar(session)
    return [
        _roster_public(r, clock.now(), calendar)
        for r in rosters.list_rosters(session, unit_id=unit_id)
    ]


@router.post(
    "/rosters",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Generate a draft roster; the solver runs in the background",
)
def generate_roster(
    request: Request, session: SessionDep, clock: ClockDep, who: RosterWriter, body: RosterCreate
) -> RosterPublic:
    roster = rosters.start_generation(
        session,
        unit_id=body.unit_id,
        start=body.period_start,
        end=body.period_end,
        time_limit_s=body.time_limit_s,
        note=body.note,
        actor=who.name,
        now=clock.now(),
    )
    assert roster.id is not None
    request.app.state.roster_runner.submit(roster.id)
    session.refresh(roster)
    return _roster_public(roster, clock.now(), load_calendar(session))


@router.get("/rosters/{roster_id}", summary="A roster version with progress, totals, violations")
def get_roster(
    session: SessionDep, clock: ClockDep, _: RosterReader, roster_id: Id
) -> RosterPublic:
    return _roster_public(
        rosters.get_roster(session, roster_id=roster_id), clock.now(), load_calendar(session)
    )


@router.get("/rosters/{roster_id}/assignments", summary="Who works which shift on which day")
def roster_assignments(
    session: SessionDep, _: RosterReader, roster_id: Id
) -> list[AssignmentPublic]:
    rosters.get_roster(session, roster_id=roster_id)
    return [_assignment(a) for a in rosters.assignments_of(session, roster_id)]


@router.post(
    "/rosters/{roster_id}/publish",
    summary="Publish a draft (supersedes the published versions it covers whole)",
)
def publish_roster(
    session: SessionDep, clock: ClockDep, who: RosterWriter, roster_id: Id
) -> RosterPublic:
    roster = publishing.publish(session, roster_id=roster_id, actor=who.name, now=clock.now())
    return _roster_public(roster, clock.now(), load_calendar(session))


@router.get(
    "/rosters/{roster_id}/compare/{other_id}",
    summary="Assignments removed and added going from other_id to roster_id (each with its "
    "approved swaps applied)",
)
def compare_rosters(
    session: SessionDep, _: RosterReader, roster_id: Id, other_id: Id
) -> RosterDiff:
    removed, added = rosters.compare(session, roster_id=roster_id, other_id=other_id)
    return RosterDiff(
        roster_id=roster_id,
        against_id=other_id,
        removed=[_assignment(a) for a in removed],
        added=[_assignment(a) for a in added],
    )


@router.post(
    "/rosters/{roster_id}/repair",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Mark someone unavailable and re-solve with minimal change",
)
def repair_roster(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    who: RosterWriter,
    roster_id: Id,
    body: RepairRequest,
) -> RosterPublic:
    roster = rosters.start_repair(
        session, roster_id=roster_id, data=body, actor=who.name, now=clock.now()
    )
    assert roster.id is not None
    request.app.state.roster_runner.submit(roster.id)
    session.refresh(roster)
    return _roster_public(roster, clock.now(), load_calendar(session))
