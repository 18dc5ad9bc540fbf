"""Complaints: intake, the queue, detail (masked by role), the confidential identity
(audited), staff classification and related-item clusters. The workflow actions are in
`complaint_actions`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status
from sqlmodel import Session

from api import problems
from api.deps import (
    ClockDep,
    ComplaintConfidential,
    ComplaintReader,
    ComplaintWriter,
    DispatcherWaker,
    Principal,
    SessionDep,
    SettingsDep,
)
from complaints import classify, queue, service, terms, triage, validation, views
from complaints.action_schemas import (
    ClassificationBody,
    ClassificationPublic,
    ClassifyRequest,
    DomainScorePublic,
)
from complaints.actions import Actor
from complaints.lookups import Lookups
from complaints.schemas import (
    ClusterPublic,
    ComplaintCreate,
    ComplaintDetail,
    ComplaintPage,
    IdentityPublic,
    RegistrationResult,
)
from complaints.vocab import Channel, Domain, ItemType, Status
from core.calendar_store import load_calendar
from core.db import reading_from_here
from core.errors import NotFound
from core.types import MAX_ID, BoundedInstant
from core.users import Permission, Role, allowed
from core.workcal import WorkingCalendar

router = APIRouter(prefix="/api/v1", tags=["complaints"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


def actor_for(session: Session, *, role: Role, user_id: int, name: str) -> Actor:
    """What a user of `role` may do to items (a handler: only their units' items); shared by
    the API and the pages."""
    return Actor(
        name=name,
        intake=allowed(role, Permission.complaint_write),
        handle=allowed(role, Permission.complaint_handle),
        supervise=allowed(role, Permission.complaint_supervise),
        unit_ids=service.handler_units(session, user_id=user_id) if role is Role.handler else None,
    )


def viewer_for(session: Session, *, role: Role, user_id: int, name: str) -> views.Viewer:
    return views.Viewer(
        confidential=allowed(role, Permission.complaint_confidential),
        mask_names=role is Role.viewer,
        actor=actor_for(session, role=role, user_id=user_id, name=name),
    )


def actor_of(session: Session, who: Principal) -> Actor:
    assert who.user.id is not None
    return actor_for(session, role=who.user.role, user_id=who.user.id, name=who.name)


def viewer_of(session: Session, who: Principal) -> views.Viewer:
    assert who.user.id is not None
    return viewer_for(session, role=who.user.role, user_id=who.user.id, name=who.name)


def complaint_detail(
    session: Session,
    item_id: int,
    who: Principal,
    now: datetime,
    settings: SettingsDep,
    *,
    check_visible: bool = True,
    cal: WorkingCalendar | None = None,
) -> ComplaintDetail:
    """The detail as `who` may see it. After an action the actor is shown the item even when
    it just left their unit (returned to intake). `cal`: the calendar (without weekend
    roll-forward) when the request has already read it."""
    viewer = viewer_of(session, who)
    item = service.get(session, complaint_id=item_id)
    if check_visible and not viewer.actor.sees(item):
        raise NotFound(f"complaint {item_id} not found")
    if cal is None:
        cal = load_calendar(session)
    return views.detail(session, item, viewer, cal=cal, now=now, tz=settings.tz)


@router.post(
    "/complaints",
    status_code=status.HTTP_201_CREATED,
    summary="Register a submission (a complaint with a violation clue is split in two)",
)
def register(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintWriter,
    body: ComplaintCreate,
    wake_dispatcher: DispatcherWaker,
) -> RegistrationResult:
    now = clock.now()
    # The registration's configuration, kept for its answer: the calendar is read once, and
    # the rule set stays in the session (the detail names its code without reading it again).
    lookups = Lookups(session, now=now)
    items = service.register(
        session, data=body, actor=who.name, now=now, tz=settings.tz, lookups=lookups
    )
    reading_from_here(session)
    if any(i.incident_id is not None for i in items):
        wake_dispatcher()  # an emergency opened its incident
    cal = lookups.calendar(roll_weekends=False)
    return RegistrationResult(
        items=[complaint_detail(session, i.id or 0, who, now, settings, cal=cal) for i in items],
        split=len(items) > 1,
    )


problems.report_alongside(
    register, lambda _request, body, invalid: validation.missing_alongside(body, invalid)
)


async def queue_filters(
    item_status: Annotated[Status | None, Query(alias="status")] = None,
    state: Annotated[str, Query(pattern=r"^(open|closed|all)$")] = "open",
    item_type: Annotated[ItemType | None, Query(alias="type")] = None,
    channel: Channel | None = None,
    domain: Domain | None = None,
    district: Text | None = None,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    overdue: bool | None = None,
    emergency: bool | None = None,
    due_before: BoundedInstant | None = None,
    received_from: BoundedInstant | None = None,
    received_to: BoundedInstant | None = None,
    cluster_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    q: Text | None = None,
) -> queue.QueueFilter:
    """The queue's filters, shared by the queue and its export."""
    return queue.QueueFilter(
        status=item_status,
        state=state,
        item_type=item_type,
        channel=channel,
        domain=domain,
        district=district,
        unit_id=unit_id,
        overdue=overdue,
        emergency=emergency,
        due_before=due_before,
        received_from=received_from,
        received_to=received_to,
        cluster_id=cluster_id,
        text=q,
    )


QueueFilters = Annotated[queue.QueueFilter, Depends(queue_filters)]


@router.get("/complaints", summary="The queue: emergencies first, then urgency, then deadline")
def list_complaints(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintReader,
    filters: QueueFilters,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ComplaintPage:
    viewer = viewer_of(session, who)
    total, items = queue.list_items(
        session,
        filters=replace(filters, numbers_hidden_in=views.numbers_hidden_types(viewer)),
        unit_ids=viewer.actor.unit_ids,
        limit=limit,
        offset=offset,
    )
    cal = load_calendar(session)
    units = views.unit_names(session, items)
    now = clock.now()
    return ComplaintPage(
        total=total,
        items=[
            views.public(i, viewer, units=units, cal=cal, now=now, tz=settings.tz) for i in items
        ],
    )


@router.get("/complaints/{complaint_id}", summary="An item with clocks, history, cluster, links")
def get_complaint(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintReader,
    complaint_id: Id,
) -> ComplaintDetail:
    return complaint_detail(session, complaint_id, who, clock.now(), settings)


@router.get(
    "/complaints/{complaint_id}/identity",
    summary="The submitter's full identity (confidential; every look is audited)",
)
def get_identity(
    session: SessionDep, clock: ClockDep, who: ComplaintConfidential, complaint_id: Id
) -> IdentityPublic:
    item = service.view_identity(
        session, complaint_id=complaint_id, actor=who.name, now=clock.now()
    )
    session.commit()
    return views.identity(item)


@router.post("/complaints/{complaint_id}/classification", summary="Confirm or correct triage")
def confirm_classification(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintWriter,
    complaint_id: Id,
    body: ClassificationBody,
) -> ComplaintDetail:
    now = clock.now()
    triage.confirm(
        session,
        complaint_id=complaint_id,
        domain=body.domain,
        urgency=body.urgency,
        utility=body.utility,
        note=body.note,
        actor=who.name,
        now=now,
        tz=settings.tz,
    )
    return complaint_detail(session, complaint_id, who, now, settings)


@router.post("/complaints/classify", summary="Preview the classifier on a text")
def classify_text(
    session: SessionDep, _: ComplaintReader, body: ClassifyRequest
) -> ClassificationPublic:
    result = classify.classify(body.text, terms.active_terms(session))
    return ClassificationPublic(
        domain=result.domain,
        domains=[
            DomainScorePublic(domain=d.domain, score=d.score, evidence=list(d.evidence))
            for d in result.domains
        ],
        urgency=result.urgency,
        emergency_terms=list(result.emergency_terms),
        urgent_terms=list(result.urgent_terms),
        report_terms=list(result.report_terms),
        utility_terms=list(result.utility_terms),
        incident_category=result.incident_category,
        severity=result.severity,
    )


@router.get("/complaint-clusters/{cluster_id}", summary="A cluster of related items (案源线索)")
def get_cluster(session: SessionDep, who: ComplaintReader, cluster_id: Id) -> ClusterPublic:
    found = views.cluster_public(session, cluster_id, viewer_of(session, who))
    if found is None:
        raise NotFound(f"cluster {cluster_id} not found")
    return found
