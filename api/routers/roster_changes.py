"""Rosters, changes after publishing: overrides (someone covers a slot) and swap requests
between two people, each checked against the unit's hard rules."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import (
    ClockDep,
    RosterReader,
    RosterWriter,
    SessionDep,
    SettingsDep,
    SwapDecider,
    SwapRequester,
)
from core.types import MAX_ID
from core.users import Permission, allowed
from oncall import changes, swaps, user_link
from oncall.change_models import OverrideCreate, OverridePublic, SwapCreate, SwapPublic, SwapStatus

router = APIRouter(prefix="/api/v1", tags=["rosters"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


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


@router.post(
    "/swaps",
    status_code=status.HTTP_201_CREATED,
    summary="Request a swap of two shifts: one of the two people, or a planner (403 otherwise)",
)
def request_swap(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: SwapRequester,
    body: SwapCreate,
) -> SwapPublic:
    return SwapPublic.model_validate(
        swaps.request_swap(
            session,
            data=body,
            actor=who.name,
            now=clock.now(),
            for_anyone=allowed(who.user.role, Permission.roster_write),
            actor_person_id=user_link.person_id_of(session, user_id=who.user.id),
            tz=settings.tz,
        )
    )


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
        actor_person_id=user_link.person_id_of(session, user_id=who.user.id),
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
        actor_person_id=user_link.person_id_of(session, user_id=who.user.id),
    )
    return SwapPublic.model_validate(swap)
