"""Incidents: open (deduplicated), timeline, acknowledge, escalate, resolve, reopen, reports
to superiors (which meet the reporting clocks); and the local outbox with its reply box (the
embedded notification channel)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, StringConstraints
from sqlmodel import Session

from api.deps import (
    ClockDep,
    DispatcherWaker,
    IncidentReader,
    IncidentWriter,
    OutboxUser,
    SessionDep,
    SettingsDep,
)
from core.db import reading_from_here
from core.errors import NotFound
from core.types import MAX_ID
from escalation import opening, replies, reporting, service
from escalation.engine import IncidentStatus
from escalation.models import (
    EventPublic,
    Incident,
    IncidentCreate,
    IncidentPublic,
    IncidentReportCreate,
    IncidentReportPublic,
    Notification,
    NotificationPublic,
    ReportingClockPublic,
)

router = APIRouter(prefix="/api/v1", tags=["incidents"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class ReplyBody(BaseModel):
    body: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class ReplyResult(BaseModel):
    answer: str


def _public(
    session: Session, incident: Incident, now: datetime, deduplicated: bool = False
) -> IncidentPublic:
    assert incident.id is not None
    clocks = reporting.clocks(incident, now=now)
    return IncidentPublic(
        **incident.model_dump(exclude={"policy_json", "state_json"}),
        deduplicated=deduplicated,
        timeline=[
            EventPublic.model_validate(e)
            for e in service.timeline(session, incident_id=incident.id)
        ],
        reports=[
            IncidentReportPublic.model_validate(r)
            for r in reporting.list_reports(session, incident_id=incident.id)
        ],
        reporting_clocks=[
            ReportingClockPublic(name=c.name, due_at=c.due_at, met_at=c.met_at, overdue=c.overdue)
            for c in clocks
        ],
    )


@router.post(
    "/incidents",
    status_code=status.HTTP_201_CREATED,
    summary="Open an urgent incident (a repeat report of an open one is attached)",
)
def open_incident(
    response: Response,
    session: SessionDep,
    clock: ClockDep,
    who: IncidentWriter,
    body: IncidentCreate,
    wake_dispatcher: DispatcherWaker,
) -> IncidentPublic:
    incident, deduplicated = opening.open_incident(
        session, data=body, actor=who.name, now=clock.now()
    )
    reading_from_here(session)
    if deduplicated:
        response.status_code = status.HTTP_200_OK
    else:
        wake_dispatcher()
    return _public(session, incident, clock.now(), deduplicated)


@router.get("/incidents", summary="Incidents, newest first")
def list_incidents(
    session: SessionDep,
    clock: ClockDep,
    _: IncidentReader,
    incident_status: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[IncidentPublic]:
    return [
        _public(session, i, clock.now())
        for i in service.list_incidents(session, status=incident_status, limit=limit)
    ]


@router.get("/incidents/{incident_id}", summary="An incident with its timeline")
def get_incident(
    session: SessionDep, clock: ClockDep, _: IncidentReader, incident_id: Id
) -> IncidentPublic:
    return _public(session, service.get_incident(session, incident_id=incident_id), clock.now())


@router.get("/incidents/{incident_id}/notifications", summary="Every page of an incident")
def incident_notifications(
    session: SessionDep, _: IncidentReader, incident_id: Id
) -> list[NotificationPublic]:
    service.get_incident(session, incident_id=incident_id)
    return [
        NotificationPublic.model_validate(n)
        for n in service.notifications(session, incident_id=incident_id)
    ]


@router.post("/incidents/{incident_id}/ack", summary="Acknowledge: stops the escalation")
def acknowledge(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    incident = service.acknowledge(
        session, incident_id=incident_id, actor=who.name, now=clock.now(), via="api"
    )
    return _public(session, incident, clock.now())


@router.post(
    "/incidents/{incident_id}/reports",
    status_code=status.HTTP_201_CREATED,
    summary="Record a report made to a superior (initial, written, follow-up, final)",
    description=(
        "`reported_at` defaults to now and must lie between the opening and now. A written "
        "report with no initial report on record records the initial report at the same "
        "instant. Initial, written and final reports are made once each (409 for a second); "
        "a resolved incident takes only a final report or reports made before it was resolved."
    ),
)
def record_report(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: IncidentWriter,
    incident_id: Id,
    body: IncidentReportCreate,
) -> IncidentReportPublic:
    report = reporting.record_report(
        session,
        incident_id=incident_id,
        data=body,
        user=who.user,
        now=clock.now(),
        tz=settings.tz,
    )
    return IncidentReportPublic.model_validate(report)


@router.post("/incidents/{incident_id}/escalate", summary="Climb to the next step now")
def escalate(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    service.request_escalation(session, incident_id=incident_id, actor=who.name, now=clock.now())
    return _public(session, service.get_incident(session, incident_id=incident_id), clock.now())


@router.post("/incidents/{incident_id}/resolve", summary="Resolve (close) an incident")
def resolve(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    incident = service.resolve(session, incident_id=incident_id, actor=who.name, now=clock.now())
    return _public(session, incident, clock.now())


@router.post("/incidents/{incident_id}/reopen", summary="Reopen a resolved incident")
def reopen(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    incident = service.reopen(session, incident_id=incident_id, actor=who.name, now=clock.now())
    return _public(session, incident, clock.now())


@router.get("/outbox", summary="Messages of the local outbox channel, newest first")
def outbox(
    session: SessionDep, _: OutboxUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[NotificationPublic]:
    return [
        NotificationPublic.model_validate(n) for n in service.notifications(session, limit=limit)
    ]


@router.post(
    "/outbox/{notification_id}/reply",
    summary="Reply as the recipient would by SMS (e.g. '1234 确认')",
)
def outbox_reply(
    session: SessionDep, clock: ClockDep, _: OutboxUser, notification_id: Id, body: ReplyBody
) -> ReplyResult:
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(f"notification {notification_id} not found")
    answer = replies.handle_reply(
        session, from_number=notification.to, body=body.body, now=clock.now(), via="sms"
    )
    return ReplyResult(answer=answer)
