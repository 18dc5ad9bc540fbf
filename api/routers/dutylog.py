"""Duty log (值班日志) and handover (交接班)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from sqlmodel import Session

from api.deps import ClockDep, DutyLogReader, DutyLogWriter, SessionDep
from core.types import MAX_ID
from core.users import Permission, Role, allowed
from escalation import service as incident_service
from oncall import dutylog, user_link
from oncall.dutylog_models import (
    DutyLogEntryCreate,
    DutyLogEntryPublic,
    HandoverCreate,
    HandoverPublic,
    UTCInstant,
)

router = APIRouter(prefix="/api/v1", tags=["duty log"])
EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]
HandoverId = Annotated[int, Path(ge=1, le=MAX_ID)]
UnitFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get("/duty-log", summary="Duty-log entries, newest first; `start` ≤ occurred_at < `end`")
def list_entries(
    session: SessionDep,
    who: DutyLogReader,
    unit_id: UnitFilter = None,
    start: Annotated[UTCInstant | None, Query()] = None,
    end: Annotated[UTCInstant | None, Query()] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[DutyLogEntryPublic]:
    entries = dutylog.list_entries(
        session, unit_id=unit_id, start=start, end=end, limit=limit, offset=offset
    )
    return [dutylog.public(e, role=who.user.role) for e in entries]


@router.post("/duty-log", status_code=status.HTTP_201_CREATED, summary="Record a duty-log entry")
def record_entry(
    session: SessionDep, clock: ClockDep, who: DutyLogWriter, body: DutyLogEntryCreate
) -> DutyLogEntryPublic:
    entry = dutylog.record_entry(session, data=body, actor=who.name, now=clock.now())
    return dutylog.public(entry, role=who.user.role)


@router.get("/duty-log/{entry_id}", summary="One duty-log entry")
def get_entry(session: SessionDep, who: DutyLogReader, entry_id: EntryId) -> DutyLogEntryPublic:
    return dutylog.public(dutylog.get_entry(session, entry_id=entry_id), role=who.user.role)


@router.get("/handovers", summary="Handovers, newest first")
def list_handovers(
    session: SessionDep,
    who: DutyLogReader,
    unit_id: UnitFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[HandoverPublic]:
    handovers = dutylog.list_handovers(session, unit_id=unit_id, limit=limit, offset=offset)
    return [dutylog.public_handover(h, role=who.user.role) for h in handovers]


@router.post(
    "/handovers",
    status_code=status.HTTP_201_CREATED,
    summary="Hand over duty: as the person linked to your user, or for them as a planner or "
    "admin (403 naming from_person_id otherwise)",
)
def create_handover(
    session: SessionDep, clock: ClockDep, who: DutyLogWriter, body: HandoverCreate
) -> HandoverPublic:
    handover = dutylog.create_handover(
        session,
        data=body,
        actor=who.name,
        now=clock.now(),
        unfinished=unfinished_of(session),
        for_anyone=hands_over_for_anyone(who.user.role),
        actor_person_id=user_link.person_id_of(session, user_id=who.user.id),
    )
    return dutylog.public_handover(handover, role=who.user.role)


def hands_over_for_anyone(role: Role) -> bool:
    """Who may record a handover on behalf of the person handing over: those who arrange
    duty (planners, admins), as they may request anyone's swap."""
    return allowed(role, Permission.roster_write)


def unfinished_of(session: Session) -> Callable[[datetime], list[str]]:
    """What a handover at an instant leaves unfinished: the incidents unresolved then."""

    def unfinished(at: datetime) -> list[str]:
        return [
            f"incident #{i.short_code} ({i.severity.value})"
            for i in incident_service.unresolved_at(session, at=at)
        ]

    return unfinished


def confirms_for_others(role: Role) -> bool:
    """Who may confirm a handover's receipt for its receiver (e.g. one without a login)."""
    return role is Role.admin


@router.post(
    "/handovers/{handover_id}/ack",
    summary="Acknowledge receipt of a handover: the receiver, or an admin for them; never "
    "the person handing over (403); once (a second time is 409)",
)
def acknowledge_handover(
    session: SessionDep, clock: ClockDep, who: DutyLogWriter, handover_id: HandoverId
) -> HandoverPublic:
    handover = dutylog.acknowledge_handover(
        session,
        handover_id=handover_id,
        actor=who.name,
        actor_person_id=user_link.person_id_of(session, user_id=who.user.id),
        for_others=confirms_for_others(who.user.role),
        now=clock.now(),
    )
    return dutylog.public_handover(handover, role=who.user.role)
