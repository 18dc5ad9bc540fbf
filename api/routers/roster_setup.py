"""Rosters, planner inputs: shift types, demand templates, hard rules (with an ETag), leave
and shift wishes, per unit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.deps import (
    ClockDep,
    RosterReader,
    RosterWriter,
    SessionDep,
    SettingsDep,
)
from core.preconditions import tag_of
from core.types import MAX_ID
from oncall import demand, leave_clashes, planning, wishes
from oncall.roster_models import (
    DemandCreate,
    DemandPublic,
    DemandUpdate,
    Leave,
    LeaveCreate,
    LeavePublic,
    LeaveRecorded,
    LeaveShiftPublic,
    LeaveUpdate,
    RulesConfig,
    ShiftRequestCreate,
    ShiftRequestPublic,
    ShiftRequestUpdate,
    ShiftTypeCreate,
    ShiftTypePublic,
    ShiftTypeUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["rosters"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


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
    return [DemandPublic.model_validate(d) for d in demand.list_demand(session, unit_id=unit_id)]


@router.post(
    "/units/{unit_id}/demand",
    status_code=status.HTTP_201_CREATED,
    summary="Add a demand template (per day kind, shift and optional skill)",
)
def add_demand(
    session: SessionDep, clock: ClockDep, who: RosterWriter, unit_id: Id, body: DemandCreate
) -> DemandPublic:
    row = demand.add_demand(session, unit_id=unit_id, data=body, actor=who.name, now=clock.now())
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
    row = demand.update_demand(
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
    demand.delete_demand(
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


def _recorded(session: SessionDep, settings: SettingsDep, leave: Leave) -> LeaveRecorded:
    """The leave with the published shifts the person is still down to work during it."""
    clashes = leave_clashes.shifts_during(
        session,
        person_id=leave.person_id,
        start=leave.start_date,
        end=leave.end_date,
        tz=settings.tz,
    )
    shifts = [
        LeaveShiftPublic(
            roster_id=c.roster_id,
            version=c.version,
            day=c.day,
            shift_type_id=c.shift_type_id,
            shift=c.shift,
            repair=leave_clashes.repair_path(
                c,
                person_id=leave.person_id,
                start=leave.start_date,
                end=leave.end_date,
                reason=leave.reason,
            ),
        )
        for c in clashes
    ]
    return LeaveRecorded.model_validate(leave, update={"published_shifts": shifts})


@router.post(
    "/leave",
    status_code=status.HTTP_201_CREATED,
    summary="Record leave (the answer lists the published shifts it falls on, to repair)",
)
def add_leave(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterWriter,
    body: LeaveCreate,
) -> LeaveRecorded:
    leave = planning.add_leave(session, data=body, actor=who.name, now=clock.now())
    return _recorded(session, settings, leave)


@router.patch(
    "/leave/{leave_id}",
    summary="Correct leave: its days and reason (422 naming the field, as when recording it)",
)
def update_leave(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterWriter,
    leave_id: Id,
    body: LeaveUpdate,
) -> LeaveRecorded:
    leave = planning.update_leave(
        session, leave_id=leave_id, data=body, actor=who.name, now=clock.now()
    )
    return _recorded(session, settings, leave)


@router.delete("/leave/{leave_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove leave")
def delete_leave(session: SessionDep, clock: ClockDep, who: RosterWriter, leave_id: Id) -> None:
    planning.delete_leave(session, leave_id=leave_id, actor=who.name, now=clock.now())


@router.get("/shift-requests", summary="Shift wishes (wanted / not wanted)")
def list_requests(
    session: SessionDep, _: RosterReader, person_id: OptionalId = None
) -> list[ShiftRequestPublic]:
    return [
        ShiftRequestPublic.model_validate(r)
        for r in wishes.list_requests(session, person_id=person_id)
    ]


@router.post(
    "/shift-requests",
    status_code=status.HTTP_201_CREATED,
    summary="Record a wish (for today or a day to come: 422 at `day` for a day already past)",
)
def add_request(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterWriter,
    body: ShiftRequestCreate,
) -> ShiftRequestPublic:
    return ShiftRequestPublic.model_validate(
        wishes.add_request(session, data=body, actor=who.name, now=clock.now(), tz=settings.tz)
    )


@router.patch(
    "/shift-requests/{request_id}",
    summary="Correct a wish: its day, shift, direction or weight (422 at `day` for a past day)",
)
def update_request(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterWriter,
    request_id: Id,
    body: ShiftRequestUpdate,
) -> ShiftRequestPublic:
    updated = wishes.update_request(
        session, request_id=request_id, data=body, actor=who.name, now=clock.now(), tz=settings.tz
    )
    return ShiftRequestPublic.model_validate(updated)


@router.delete(
    "/shift-requests/{request_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a wish (later generations no longer weigh it)",
)
def delete_request(session: SessionDep, clock: ClockDep, who: RosterWriter, request_id: Id) -> None:
    wishes.delete_request(session, request_id=request_id, actor=who.name, now=clock.now())
