"""Rosters: planner inputs, versions (generate → draft → published), repair, overrides, swaps,
who is on duty now, and iCal feeds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from pydantic import AwareDatetime, BaseModel
from sqlmodel import Session, select

from api.deps import (
    ClockDep,
    OncallReader,
    Principal,
    RosterReader,
    RosterWriter,
    SessionDep,
    SettingsDep,
    SwapDecider,
    SwapRequester,
)
from core.errors import ValidationFailed
from core.preconditions import tag_of
from core.types import MAX_ID, Code
from oncall import changes, ical, layers, planning, publishing, rosters, swaps
from oncall.directory import person_public
from oncall.models import Person
from oncall.roster_models import (
    DemandCreate,
    DemandPublic,
    DemandUpdate,
    FeedCreate,
    FeedKind,
    LeaveCreate,
    LeavePublic,
    OverrideCreate,
    OverridePublic,
    RepairRequest,
    Roster,
    RosterCreate,
    RosterStatus,
    RulesConfig,
    ShiftRequestCreate,
    ShiftRequestPublic,
    ShiftRole,
    ShiftTypeCreate,
    ShiftTypePublic,
    ShiftTypeUpdate,
    SwapCreate,
    SwapPublic,
    SwapStatus,
)

router = APIRouter(prefix="/api/v1", tags=["rosters"])
feeds_router = APIRouter(tags=["rosters"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class AssignmentPublic(BaseModel):
    person_id: int
    day: date
    shift: str


class RosterPublic(BaseModel):
    id: int
    unit_id: int
    period_start: date
    period_end: date
    version: int
    status: RosterStatus
    base_roster_id: int | None
    note: str
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
    violations: list[dict[str, Any]]
    totals: dict[str, dict[str, Any]]
    explanation: list[dict[str, Any]]
    # Approved swaps of the superseded version that no longer apply (set when published).
    dropped_swaps: list[dict[str, Any]]
    error: str | None


class RosterDiff(BaseModel):
    roster_id: int
    against_id: int
    removed: list[AssignmentPublic]
    added: list[AssignmentPublic]


class OnDutyPerson(BaseModel):
    person_id: int
    name: str
    shift: str
    role: str
    start: datetime
    end: datetime
    phones: list[str]


class FeedPublic(BaseModel):
    """A new feed: its secret URL is shown this once."""

    id: int
    url: str


class FeedSummary(BaseModel):
    """A feed as listed: never its token."""

    id: int
    kind: FeedKind
    subject_id: int
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


def _roster_public(roster: Roster, now: datetime) -> RosterPublic:
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
        violations=document.get("violations", []),
        totals=document.get("totals", {}),
        explanation=document.get("explanation", []),
        dropped_swaps=document.get("dropped_swaps", []),
        error=document.get("error"),
    )


def _assignment(a: Any) -> AssignmentPublic:
    return AssignmentPublic(person_id=int(a.person), day=a.day, shift=a.shift)


# ---- planner inputs ------------------------------------------------------------------------------


@router.get("/shift-types", summary="Shift types, optionally of one unit")
def list_shift_types(
    session: SessionDep, _: RosterReader, unit_id: OptionalId = None
) -> list[ShiftTypePublic]:
    return [
        ShiftTypePublic.model_validate(s)
        for s in planning.list_shift_types(session, unit_id=unit_id)
    ]


@router.post("/shift-types", status_code=status.HTTP_201_CREATED, summary="Add a shift type")
def create_shift_type(
    session: SessionDep, clock: ClockDep, who: RosterWriter, body: ShiftTypeCreate
) -> ShiftTypePublic:
    shift = planning.create_shift_type(session, data=body, actor=who.name, now=clock.now())
    return ShiftTypePublic.model_validate(shift)


@router.patch(
    "/shift-types/{shift_type_id}",
    summary="Change or retire a shift type (times and code are fixed once published)",
)
def update_shift_type(
    session: SessionDep,
    clock: ClockDep,
    who: RosterWriter,
    shift_type_id: Id,
    body: ShiftTypeUpdate,
) -> ShiftTypePublic:
    shift = planning.update_shift_type(
        session, shift_type_id=shift_type_id, data=body, actor=who.name, now=clock.now()
    )
    return ShiftTypePublic.model_validate(shift)


@router.get("/units/{unit_id}/demand", summary="Demand templates of a unit")
def list_demand(session: SessionDep, _: RosterReader, unit_id: Id) -> list[DemandPublic]:
    return [DemandPublic.model_validate(d) for d in planning.list_demand(session, unit_id=unit_id)]


@router.post(
    "/units/{unit_id}/demand",
    status_code=status.HTTP_201_CREATED,
    summary="Add a demand template (per day kind, shift and optional skill)",
)
def add_demand(
    session: SessionDep, clock: ClockDep, who: RosterWriter, unit_id: Id, body: DemandCreate
) -> DemandPublic:
    row = planning.add_demand(session, unit_id=unit_id, data=body, actor=who.name, now=clock.now())
    return DemandPublic.model_validate(row)


@router.patch("/units/{unit_id}/demand/{demand_id}", summary="Change a demand template")
def update_demand(
    session: SessionDep,
    clock: ClockDep,
    who: RosterWriter,
    unit_id: Id,
    demand_id: Id,
    body: DemandUpdate,
) -> DemandPublic:
    row = planning.update_demand(
        session, unit_id=unit_id, demand_id=demand_id, data=body, actor=who.name, now=clock.now()
    )
    return DemandPublic.model_validate(row)


@router.delete(
    "/units/{unit_id}/demand/{demand_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a demand template",
)
def delete_demand(
    session: SessionDep, clock: ClockDep, who: RosterWriter, unit_id: Id, demand_id: Id
) -> None:
    planning.delete_demand(
        session, unit_id=unit_id, demand_id=demand_id, actor=who.name, now=clock.now()
    )


@router.get("/units/{unit_id}/rules", summary="Hard roster rules of a unit")
def get_rules(session: SessionDep, _: RosterReader, unit_id: Id, response: Response) -> RulesConfig:
    rules = planning.get_rules(session, unit_id=unit_id)
    response.headers["ETag"] = tag_of(rules.model_dump(mode="json"))
    return rules


@router.put(
    "/units/{unit_id}/rules",
    summary="Change the hard roster rules of a unit",
    description="Send the `ETag` of the rules you edited as `If-Match`: when someone else saved "
    "them in between, the answer is 412 `edited_elsewhere` and nothing changes.",
    responses={412: {"description": "the rules changed since they were loaded"}},
)
def set_rules(
    session: SessionDep,
    clock: ClockDep,
    who: RosterWriter,
    unit_id: Id,
    body: RulesConfig,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> RulesConfig:
    rules = planning.set_rules(
        session, unit_id=unit_id, rules=body, actor=who.name, now=clock.now(), if_match=if_match
    )
    response.headers["ETag"] = tag_of(rules.model_dump(mode="json"))
    return rules


@router.get("/leave", summary="Leave and unavailability")
def list_leave(
    session: SessionDep, _: RosterReader, person_id: OptionalId = None
) -> list[LeavePublic]:
    return [
        LeavePublic.model_validate(x) for x in planning.list_leave(session, person_id=person_id)
    ]


@router.post("/leave", status_code=status.HTTP_201_CREATED, summary="Record leave")
def add_leave(
    session: SessionDep, clock: ClockDep, who: RosterWriter, body: LeaveCreate
) -> LeavePublic:
    return LeavePublic.model_validate(
        planning.add_leave(session, data=body, actor=who.name, now=clock.now())
    )


@router.delete("/leave/{leave_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove leave")
def delete_leave(session: SessionDep, clock: ClockDep, who: RosterWriter, leave_id: Id) -> None:
    planning.delete_leave(session, leave_id=leave_id, actor=who.name, now=clock.now())


@router.get("/shift-requests", summary="Shift wishes (wanted / not wanted)")
def list_requests(
    session: SessionDep, _: RosterReader, person_id: OptionalId = None
) -> list[ShiftRequestPublic]:
    return [
        ShiftRequestPublic.model_validate(r)
        for r in planning.list_requests(session, person_id=person_id)
    ]


@router.post("/shift-requests", status_code=status.HTTP_201_CREATED, summary="Record a wish")
def add_request(
    session: SessionDep, clock: ClockDep, who: RosterWriter, body: ShiftRequestCreate
) -> ShiftRequestPublic:
    return ShiftRequestPublic.model_validate(
        planning.add_request(session, data=body, actor=who.name, now=clock.now())
    )


# ---- roster versions -----------------------------------------------------------------------------


@router.get("/rosters", summary="Roster versions, newest first")
def list_rosters(
    session: SessionDep, clock: ClockDep, _: RosterReader, unit_id: OptionalId = None
) -> list[RosterPublic]:
    return [_roster_public(r, clock.now()) for r in rosters.list_rosters(session, unit_id=unit_id)]


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
    return _roster_public(roster, clock.now())


@router.get("/rosters/{roster_id}", summary="A roster version with progress, totals, violations")
def get_roster(
    session: SessionDep, clock: ClockDep, _: RosterReader, roster_id: Id
) -> RosterPublic:
    return _roster_public(rosters.get_roster(session, roster_id=roster_id), clock.now())


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
    return _roster_public(roster, clock.now())


@router.get(
    "/rosters/{roster_id}/compare/{other_id}",
    summary="Assignments removed and added going from other_id to roster_id",
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
    return _roster_public(roster, clock.now())


# ---- overrides and swaps -------------------------------------------------------------------------


@router.post(
    "/overrides",
    status_code=status.HTTP_201_CREATED,
    summary="Someone covers a slot (checked against leave, roles and the unit's hard rules)",
)
def create_override(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterWriter,
    body: OverrideCreate,
) -> OverridePublic:
    override = changes.create_override(
        session, data=body, actor=who.name, now=clock.now(), tz=settings.tz
    )
    return OverridePublic.model_validate(override)


@router.get("/overrides", summary="Overrides by day, by unit, date range and person")
def list_overrides(
    session: SessionDep,
    _: RosterReader,
    unit_id: OptionalId = None,
    start: date | None = None,
    end: date | None = None,
    person_id: OptionalId = None,
) -> list[OverridePublic]:
    return [
        OverridePublic.model_validate(o)
        for o in changes.list_overrides(
            session, unit_id=unit_id, start=start, end=end, person_id=person_id
        )
    ]


@router.delete(
    "/overrides/{override_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an override (the slot is worked as the roster says again)",
)
def delete_override(
    session: SessionDep, clock: ClockDep, settings: SettingsDep, who: RosterWriter, override_id: Id
) -> None:
    changes.delete_override(
        session, override_id=override_id, actor=who.name, now=clock.now(), tz=settings.tz
    )


@router.get("/swaps", summary="Swap requests")
def list_swaps(
    session: SessionDep,
    _: RosterReader,
    swap_status: Annotated[SwapStatus | None, Query(alias="status")] = None,
) -> list[SwapPublic]:
    return [SwapPublic.model_validate(s) for s in swaps.list_swaps(session, status=swap_status)]


@router.post("/swaps", status_code=status.HTTP_201_CREATED, summary="Request a swap of two shifts")
def request_swap(
    session: SessionDep, clock: ClockDep, who: SwapRequester, body: SwapCreate
) -> SwapPublic:
    return SwapPublic.model_validate(
        swaps.request_swap(session, data=body, actor=who.name, now=clock.now())
    )


def _person_of(session: Session, who: Principal) -> int | None:
    return session.exec(select(Person.id).where(Person.user_id == who.user.id)).first()


@router.post(
    "/swaps/{swap_id}/approve",
    summary="Approve a swap (checked against the rules); not by one of the two people (403)",
)
def approve_swap(
    session: SessionDep, clock: ClockDep, settings: SettingsDep, who: SwapDecider, swap_id: Id
) -> SwapPublic:
    swap = swaps.decide_swap(
        session,
        swap_id=swap_id,
        approve=True,
        actor=who.name,
        now=clock.now(),
        tz=settings.tz,
        actor_person_id=_person_of(session, who),
    )
    return SwapPublic.model_validate(swap)


@router.post("/swaps/{swap_id}/reject", summary="Reject a swap")
def reject_swap(
    session: SessionDep, clock: ClockDep, settings: SettingsDep, who: SwapDecider, swap_id: Id
) -> SwapPublic:
    swap = swaps.decide_swap(
        session,
        swap_id=swap_id,
        approve=False,
        actor=who.name,
        now=clock.now(),
        tz=settings.tz,
        actor_person_id=_person_of(session, who),
    )
    return SwapPublic.model_validate(swap)


# ---- on duty and feeds ---------------------------------------------------------------------------


@router.get("/oncall/now", summary="Who is on duty now (or at `at`), by role and skill")
def on_duty_now(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    _: OncallReader,
    at: AwareDatetime | None = None,
    unit_id: OptionalId = None,
    role: ShiftRole | None = None,
    skill: Code | None = None,
) -> list[OnDutyPerson]:
    instant = at or clock.now()
    if not (datetime(2000, 1, 2, tzinfo=UTC) < instant < datetime(2100, 1, 1, tzinfo=UTC)):
        raise ValidationFailed("at", "must be between 2000 and 2100")
    slots = layers.on_duty_slots(
        session,
        at=instant,
        tz=settings.tz,
        unit_id=unit_id,
        role=role.value if role else None,
        skill=skill,
    )
    people = layers.people_by_id(session, {s.person_id for s in slots})
    result = []
    for slot in slots:
        person = person_public(session, people[slot.person_id])
        result.append(
            OnDutyPerson(
                person_id=slot.person_id,
                name=person.name,
                shift=slot.shift_code,
                role=slot.role,
                start=slot.start,
                end=slot.end,
                phones=[c.value for c in person.contacts],
            )
        )
    return result


@router.post(
    "/feeds",
    status_code=status.HTTP_201_CREATED,
    summary="Create a secret iCal feed URL for a person or a unit",
    description=(
        "Planners and admins create any feed; others only the feed of the person linked to "
        "them (403 otherwise). The URL is shown once. A feed stops serving when it is revoked "
        "or its creator is deactivated."
    ),
)
def create_feed(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterReader,
    body: FeedCreate,
) -> FeedPublic:
    feed, token = ical.create_feed(session, data=body, user=who.user, now=clock.now())
    assert feed.id is not None
    return FeedPublic(id=feed.id, url=f"{settings.public_url.rstrip('/')}/ical/{token}.ics")


@router.get("/feeds", summary="Your iCal feeds (planners and admins: all feeds), newest first")
def list_feeds(session: SessionDep, who: RosterReader) -> list[FeedSummary]:
    return [
        FeedSummary.model_validate(f, from_attributes=True)
        for f in ical.list_feeds(session, user=who.user)
    ]


@router.delete(
    "/feeds/{feed_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an iCal feed (its creator, or a planner/admin)",
)
def revoke_feed(session: SessionDep, clock: ClockDep, who: RosterReader, feed_id: Id) -> None:
    ical.revoke_feed(session, feed_id=feed_id, user=who.user, now=clock.now())


@feeds_router.get(
    "/ical/{token}.ics",
    summary="iCal feed (RFC 5545); the token is the secret",
    response_class=Response,
)
def ical_feed(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    token: Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")],
) -> Response:
    feed = ical.feed_for_token(session, token=token)
    body = ical.render(session, feed=feed, now=clock.now(), tz=settings.tz)
    return Response(content=body, media_type="text/calendar; charset=utf-8")
