"""A complaint's agent (O121 Art. 11) and group representatives (Art. 12), recorded or
corrected after registration: the power of attorney received later is what lets an agent's
complaint be accepted. Intake coordinators on any item, handlers on their units' items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ClockDep, ComplaintHandler, SessionDep, SettingsDep
from api.routers.complaints import actor_of, complaint_detail
from complaints import agent_service
from complaints.agent_schemas import AgentUpdate
from complaints.schemas import ComplaintDetail
from core.types import MAX_ID

router = APIRouter(prefix="/api/v1", tags=["complaints"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.patch(
    "/complaints/{complaint_id}/agent",
    summary="Record or correct the agent, the power of attorney and the group (audited)",
    description=(
        "The fields sent change, a null clears one, `representatives` is replaced as a "
        "whole (at most two). A complaint filed by an agent is accepted only once "
        "`agent_poa_received` (with `agent_poa_date`) and `agent_id_number` are recorded."
    ),
)
def update_agent(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: AgentUpdate,
) -> ComplaintDetail:
    now = clock.now()
    agent_service.update(
        session,
        complaint_id=complaint_id,
        data=body,
        actor=actor_of(session, who),
        now=now,
        tz=settings.tz,
    )
    return complaint_detail(session, complaint_id, who, now, settings)
