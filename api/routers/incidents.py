"""Incidents: open (deduplicated), timeline, acknowledge, escalate, resolve, reopen, reports
to superiors (which meet the reporting clocks); and the local outbox with its reply box (the
embedded notification channel).

Read-only viewers see phone and ID numbers masked everywhere in an incident (the caller, the
description, timeline texts, reports, the pages' recipients and bodies) and the caller's
name masked, as on the complaint pages (`masks_numbers`, `masked_*`; the web pages use the
same functions)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

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
from complaints import privacy
from core.db import reading_from_here
from core.types import MAX_ID
from core.users import Role
from escalation import details, equipment, opening, replies, reporting, service, timeline_skills
from escalation.models import (
    AccidentDetails,
    AccidentDetailsUpdate,
    EventPublic,
    Incident,
    IncidentCreate,
    IncidentEvent,
    IncidentPublic,
    IncidentReport,
    IncidentReportCreate,
    IncidentReportPublic,
    NotificationPublic,
    ReportingClockPublic,
)
from escalation.policy import Severity
from oncall.models import Skill, SkillPublic

router = APIRouter(prefix="/api/v1", tags=["incidents"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class ReplyBody(BaseModel):
    # checked by escalation (replies.outbox_reply_problems), so that one 422 names every
    # problem of the reply at once: blank, longer than a text message, a NUL character
    body: Annotated[str, StringConstraints(max_length=10 * replies.MAX_OUTBOX_REPLY)]


class ReplyResult(BaseModel):
    answer: str


def masks_numbers(role: Role) -> bool:
    """Whether `role` sees an incident's phone and ID numbers masked (read-only viewers)."""
    return role is Role.viewer


def masked_event(event: EventPublic) -> EventPublic:
    text, actor = privacy.mask_text_phones(event.text), privacy.mask_text_phones(event.actor)
    values = {name: _masked_value(value) for name, value in event.values.items()}
    return event.model_copy(update={"text": text, "actor": actor, "values": values})


def _masked_value(value: Any) -> Any:
    """A timeline value with the phone numbers its texts hold masked (a number paged, a
    reply's sender and words, a caller)."""
    if isinstance(value, str):
        return privacy.mask_text_phones(value)
    if isinstance(value, list):
        return [_masked_value(item) for item in value]
    if isinstance(value, dict):
        return {name: _masked_value(item) for name, item in value.items()}
    return value


def masked_report(report: IncidentReportPublic) -> IncidentReportPublic:
    return report.model_copy(update={"summary": privacy.mask_text_phones(report.summary)})


def masked_notification(notification: NotificationPublic) -> NotificationPublic:
    error = notification.last_error
    return notification.model_copy(
        update={
            "to": privacy.mask_text_phones(notification.to),
            "body": privacy.mask_text_phones(notification.body),
            "last_error": privacy.mask_text_phones(error) if error else error,
        }
    )


def masked_incident(public: IncidentPublic) -> IncidentPublic:
    return public.model_copy(
        update={
            "caller_name": privacy.mask_name(public.caller_name),
            "caller_phone": privacy.mask_phone(public.caller_phone),
            "description": privacy.mask_text_phones(public.description),
            "equipment_user": privacy.mask_text_phones(public.equipment_user),
            "measures_taken": privacy.mask_text_phones(public.measures_taken),
            "acknowledged_by": public.acknowledged_by
            and privacy.mask_text_phones(public.acknowledged_by),
            "timeline": [masked_event(e) for e in public.timeline],
            "reports": [masked_report(r) for r in public.reports],
        }
    )


def event_public(event: IncidentEvent, skills: Mapping[str, Skill]) -> EventPublic:
    """A timeline entry with the names of the skills its text names by code."""
    named = [skills[code] for code in timeline_skills.codes(event.text) if code in skills]
    return EventPublic.model_validate(event).model_copy(
        update={"skills": [SkillPublic.model_validate(s) for s in named]}
    )


def incident_public(
    session: Session,
    incident: Incident,
    now: datetime,
    deduplicated: bool = False,
    *,
    masked: bool = False,
    events: list[IncidentEvent] | None = None,
    reports: list[IncidentReport] | None = None,
    skills: Mapping[str, Skill] | None = None,
) -> IncidentPublic:
    """`events`, `reports` and `skills`, when given, are the incident's timeline and reports
    and the skills its timeline names (`timeline_skills.lookup`) already read (a list reads
    them for all its incidents at once)."""
    assert incident.id is not None
    clocks = reporting.clocks(incident, now=now)
    if events is None:
        events = service.timeline(session, incident_id=incident.id)
    if reports is None:
        reports = reporting.list_reports(session, incident_id=incident.id)
    if skills is None:
        skills = timeline_skills.lookup(session, (e.text for e in events))
    public = IncidentPublic(
        **incident.model_dump(exclude={"policy_json", "state_json"}),
        suggested_severity=details.suggestion(incident),
        suggests_raise=details.suggests_raise(incident),
        report_items_missing=reporting.missing_items(incident),
        deduplicated=deduplicated,
        timeline=[event_public(e, skills) for e in events],
        reports=[IncidentReportPublic.model_validate(r) for r in reports],
        reporting_clocks=[
            ReportingClockPublic(name=c.name, due_at=c.due_at, met_at=c.met_at, overdue=c.overdue)
            for c in clocks
        ],
    )
    return masked_incident(public) if masked else public


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
    incident, deduplicated, timeline = opening.open_incident_with_timeline(
        session, data=body, actor=who.name, now=clock.now()
    )
    if deduplicated:
        response.status_code = status.HTTP_200_OK
    wake_dispatcher()  # a new incident pages; a raised severity pages again or tells groups
    if timeline is not None:  # a new incident: answered as committed, no reports yet
        return incident_public(session, incident, clock.now(), events=timeline, reports=[])
    reading_from_here(session)
    return incident_public(session, incident, clock.now(), deduplicated)


@router.get("/incidents/{incident_id}", summary="An incident with its timeline")
def get_incident(
    session: SessionDep, clock: ClockDep, who: IncidentReader, incident_id: Id
) -> IncidentPublic:
    incident = service.get_incident(session, incident_id=incident_id)
    return incident_public(session, incident, clock.now(), masked=masks_numbers(who.user.role))


@router.get("/incidents/{incident_id}/notifications", summary="Every page of an incident")
def incident_notifications(
    session: SessionDep, who: IncidentReader, incident_id: Id
) -> list[NotificationPublic]:
    service.get_incident(session, incident_id=incident_id)
    rows = [
        NotificationPublic.model_validate(n)
        for n in service.notifications(session, incident_id=incident_id)
    ]
    return [masked_notification(n) for n in rows] if masks_numbers(who.user.role) else rows


@router.post("/incidents/{incident_id}/ack", summary="Acknowledge: stops the escalation")
def acknowledge(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    incident = service.acknowledge(
        session, incident_id=incident_id, actor=who.name, now=clock.now(), via="api"
    )
    return incident_public(session, incident, clock.now())


@router.post(
    "/incidents/{incident_id}/reports",
    status_code=status.HTTP_201_CREATED,
    summary="Record a report made to a superior (initial, written, follow-up, final)",
    description=(
        "`reported_at` defaults to now and must lie between the opening and now. A written "
        "report with no initial report on record records the initial report at the same "
        "instant. Initial, written and final reports are made once each (409 for a second); "
        "a resolved incident still takes its owed initial and written reports (late, if so) "
        "and a final report, but no follow-up report made after it was resolved (409)."
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


@router.patch(
    "/incidents/{incident_id}/details",
    summary="Set a special-equipment accident's details (TZ50 Art. 10)",
    description=(
        "The fields sent change (null clears one), the others stay; audited and on the "
        "timeline. `equipment_type` and `explosion_or_overturn` only on a special-equipment "
        "incident, the latter only for a boiler, pressure vessel or crane (422). The answer "
        "shows `suggested_severity` (TZR Arts. 61-64) and whether it is above the incident's "
        "level (`suggests_raise`); the level itself does not change."
    ),
)
def update_details(
    session: SessionDep,
    clock: ClockDep,
    who: IncidentWriter,
    incident_id: Id,
    body: AccidentDetailsUpdate,
) -> IncidentPublic:
    incident = details.update_details(
        session, incident_id=incident_id, data=body, actor=who.name, now=clock.now()
    )
    return incident_public(session, incident, clock.now())


class SeveritySuggestion(BaseModel):
    suggested_severity: Severity | None


@router.post(
    "/incidents/suggested-severity",
    summary="The level a special-equipment accident's figures suggest (nothing stored)",
    description=(
        "For the new-incident form: the level TZR Arts. 61-64 give the figures sent (deaths, "
        "serious injuries, direct loss, a boiler or pressure-vessel explosion or a crane "
        "overturning), null with no figure. The same rule as an incident's "
        "`suggested_severity`; bad figures are a 422 naming the field."
    ),
)
def suggest_severity(_: IncidentWriter, body: AccidentDetails) -> SeveritySuggestion:
    return SeveritySuggestion(
        suggested_severity=equipment.suggested_severity(
            deaths=body.deaths,
            serious_injuries=body.serious_injuries,
            direct_loss_yuan=body.direct_loss_yuan,
            equipment_type=body.equipment_type,
            explosion_or_overturn=body.explosion_or_overturn,
        )
    )


@router.post(
    "/incidents/{incident_id}/raise-to-suggested",
    summary="Raise the level to the one the accident figures suggest",
    description=(
        "409 when the figures suggest no more severe level or the incident is resolved. "
        "The new level's plan and deadlines apply as for a more severe second report."
    ),
)
def raise_to_suggested(
    session: SessionDep,
    clock: ClockDep,
    who: IncidentWriter,
    incident_id: Id,
    wake_dispatcher: DispatcherWaker,
) -> IncidentPublic:
    incident = opening.raise_to_suggested(
        session, incident_id=incident_id, actor=who.name, now=clock.now()
    )
    wake_dispatcher()
    return incident_public(session, incident, clock.now())


@router.post("/incidents/{incident_id}/escalate", summary="Climb to the next step now")
def escalate(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    service.request_escalation(session, incident_id=incident_id, actor=who.name, now=clock.now())
    return incident_public(
        session, service.get_incident(session, incident_id=incident_id), clock.now()
    )


@router.post("/incidents/{incident_id}/resolve", summary="Resolve (close) an incident")
def resolve(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    incident = service.resolve(session, incident_id=incident_id, actor=who.name, now=clock.now())
    return incident_public(session, incident, clock.now())


@router.post("/incidents/{incident_id}/reopen", summary="Reopen a resolved incident")
def reopen(
    session: SessionDep, clock: ClockDep, who: IncidentWriter, incident_id: Id
) -> IncidentPublic:
    incident = service.reopen(session, incident_id=incident_id, actor=who.name, now=clock.now())
    return incident_public(session, incident, clock.now())


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
    description=(
        "Only a page delivered through the local outbox can be answered here (409 otherwise: "
        "a Twilio page is answered from the phone). The reply is recorded as made by the "
        "signed-in user for the recipient, e.g. acknowledged_by `person:6 (outbox reply by "
        "coordinator)` via `outbox`, the audit's actor being the user; a user linked to the "
        "recipient (Person.user_id) is simply that person."
    ),
)
def outbox_reply(
    session: SessionDep, clock: ClockDep, who: OutboxUser, notification_id: Id, body: ReplyBody
) -> ReplyResult:
    answer = replies.handle_outbox_reply(
        session, notification_id=notification_id, user=who.user, body=body.body, now=clock.now()
    )
    return ReplyResult(answer=answer)
