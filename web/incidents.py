"""Coordinator pages for urgent incidents: log one fast, the list, and a live timeline.

Reads go through the escalation service; actions (open, acknowledge, escalate, resolve,
reopen) are the JSON API called by `static/app.js`, so the pages and API clients share one
code path and one set of problem responses. The live parts are small HTML fragments the
page polls (`/incidents/{id}/live`), rendered by the same templates as the page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.deps import ClockDep, SessionDep
from api.routers.incident_list import positions_of
from api.routers.incidents import (
    incident_public,
    masked_notification,
    masks_numbers,
)
from complaints.models import Complaint
from core.types import MAX_ID
from core.users import Permission
from escalation import cursors, listing, reporting, service
from escalation.equipment import EquipmentType
from escalation.models import (
    Category,
    Incident,
    IncidentPublic,
    IncidentReportKind,
    NotificationPublic,
    ReportMethod,
)
from escalation.policy import Severity
from escalation.state import IncidentStatus
from oncall.layers import people_by_id
from web import timeline_keyed, timeline_old_texts
from web.actor_labels import names_of
from web.params import EmptyIsNone
from web.render import fragment, page_instead, render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
Reader = Annotated[WebUser, Depends(RequirePage(Permission.incident_read))]
Writer = Annotated[WebUser, Depends(RequirePage(Permission.incident_write))]
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]
StatusFilter = Annotated[IncidentStatus | None, Query(alias="status"), EmptyIsNone]


def _actors(incident: Incident, public: IncidentPublic) -> list[str | None]:
    """Who the page names as acting: on the incident, in its timeline (and the values of its
    entries: who acted, who replied for them, who had acknowledged) and its reports."""
    values = [
        timeline_old_texts.keyed({"text": e.text, "key": e.key, "values": e.values}).get("values")
        or {}
        for e in public.timeline
    ]
    return (
        [incident.opened_by, public.acknowledged_by]
        + [e.actor for e in public.timeline]
        + [str(v[k]) for v in values for k in ("by", "replier", "acknowledged_by") if v.get(k)]
        + [r.reported_by for r in public.reports]
    )


def incident_view(
    session: Session, incident: Incident, now: datetime, *, masked: bool
) -> dict[str, Any]:
    """Everything the detail page and its live fragment show about one incident; with
    `masked` (read-only viewers, `masks_numbers`) phone and ID numbers and the caller's name
    are masked as the API masks them."""
    assert incident.id is not None
    public = incident_public(session, incident, now, masked=masked)
    notifications = [
        NotificationPublic.model_validate(n)
        for n in service.notifications(session, incident_id=incident.id)
    ]
    if masked:
        notifications = [masked_notification(n) for n in notifications]
    events = public.timeline
    named = timeline_keyed.person_ids(
        {"text": e.text, "key": e.key, "values": e.values} for e in events
    )
    people = people_by_id(session, {n.person_id for n in notifications if n.person_id} | named)
    names = {pid: p.name for pid, p in people.items()}
    caller = (public.caller_name, public.caller_phone or "")
    return {
        "incident": incident,
        "public": public,  # the accident details, suggestion and missing items (masked)
        "caller": " ".join(c for c in caller if c),
        "description": public.description,
        "acknowledged_by": public.acknowledged_by,
        "events": events,
        "reports": public.reports,
        "notifications": list(reversed(notifications)),
        "names": names,
        "actor_names": names_of(session, _actors(incident, public)),
        "clocks": [
            {"clock": c, "minutes_left": int((c.due_at - now) / timedelta(minutes=1))}
            for c in public.reporting_clocks
        ],
    }


PAGE_SIZE = 100
Cursor = Annotated[str | None, Query(max_length=cursors.MAX_CURSOR_LENGTH), EmptyIsNone]
PageSize = Annotated[int, Query(ge=1, le=500)]


def _list_context(
    session: Session,
    now: datetime,
    *,
    status: IncidentStatus | None,
    before: str | None,
    after: str | None,
    limit: int,
) -> dict[str, Any]:
    """One page of incidents (escalation.listing), each with its first reporting clock not
    yet met (None: all met), so the list shows which report to superiors is due next and
    which is late; and the query strings of this page, the older and the newer one."""
    older_than, newer_than = positions_of(before, after)
    page = listing.page(session, status=status, limit=limit, before=older_than, after=newer_than)
    page_size = limit if limit != PAGE_SIZE else None  # the default is left out of URLs
    base = {"status": status.value if status else None, "limit": page_size}

    def query(**cursor: str | None) -> str:
        return urlencode({k: v for k, v in (base | cursor).items() if v is not None})

    return {
        "incidents": page.incidents,
        "actor_names": names_of(session, [i.acknowledged_by for i in page.incidents]),
        "next_report": {
            i.id: next((c for c in reporting.clocks(i, now=now) if c.met_at is None), None)
            for i in page.incidents
        },
        "status": status,
        "page_size": page_size,
        "first_query": query(),
        "this_query": query(before=before, after=after),
        "older_query": page.older and query(before=cursors.encode(page.older)),
        "newer_query": page.newer and query(after=cursors.encode(page.newer)),
        "paged": before is not None or after is not None,
    }


@router.get("/incidents")
def incident_list(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: Reader,
    status: StatusFilter = None,
    before: Cursor = None,
    after: Cursor = None,
    limit: PageSize = PAGE_SIZE,
) -> HTMLResponse:
    context = _list_context(
        session, clock.now(), status=status, before=before, after=after, limit=limit
    )
    context |= {"statuses": list(IncidentStatus)}
    return render(request, "incidents/list.html", context, user=user)


@router.get("/incidents/live")
def incident_list_live(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: Reader,
    status: StatusFilter = None,
    before: Cursor = None,
    after: Cursor = None,
    limit: PageSize = PAGE_SIZE,
) -> Response:
    """The list's rows for the page's script; opened directly, the list page."""
    if (redirect := page_instead(request, "/incidents", keep_query=True)) is not None:
        return redirect
    context = _list_context(
        session, clock.now(), status=status, before=before, after=after, limit=limit
    )
    return fragment(request, "incidents/_list.html", context | {"user": user})


@router.get("/incidents/new")
def new_incident(request: Request, user: Writer) -> HTMLResponse:
    context = {
        "categories": list(Category),
        "severities": list(Severity),
        "equipment_types": list(EquipmentType),
    }
    return render(request, "incidents/new.html", context, user=user)


def _complaints(session: Session, incident: Incident) -> list[tuple[str, int | None]]:
    """The items linked to the incident, (ref, id), for links back to them: the one that
    opened it first, then those that joined it as reports of the same event (by id)."""
    joined = session.exec(
        select(Complaint.ref, Complaint.id)
        .where(Complaint.incident_id == incident.id)
        .order_by(col(Complaint.id))
    ).all()
    ids: dict[str, int | None] = dict(joined)
    first = [incident.complaint_ref] if incident.complaint_ref else []
    refs = first + [ref for ref in ids if ref != incident.complaint_ref]
    if incident.complaint_ref and incident.complaint_ref not in ids:
        ids[incident.complaint_ref] = _complaint_id(session, incident.complaint_ref)
    return [(ref, ids[ref]) for ref in refs]


def _complaint_id(session: Session, ref: str) -> int | None:
    return session.exec(select(Complaint.id).where(Complaint.ref == ref)).first()


@router.get("/incidents/{incident_id}")
def incident_detail(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: Reader,
    incident_id: IncidentId,
    dedup: bool = False,
) -> HTMLResponse:
    incident = service.get_incident(session, incident_id=incident_id)
    next_kind = (
        IncidentReportKind.initial
        if incident.initial_reported_at is None
        else IncidentReportKind.written
        if incident.written_reported_at is None
        else IncidentReportKind.final  # after the resolution, news goes in the final report
        if incident.status is IncidentStatus.resolved
        else IncidentReportKind.follow_up
    )
    masked = masks_numbers(user.role)
    context = incident_view(session, incident, clock.now(), masked=masked) | {
        "complaints": _complaints(session, incident),
        "dedup": dedup,
        "report_kinds": list(IncidentReportKind),
        "report_methods": list(ReportMethod),
        "equipment_types": list(EquipmentType),
        "next_kind": next_kind,
        "next_method": (
            ReportMethod.written if next_kind is IncidentReportKind.written else ReportMethod.phone
        ),
    }
    return render(request, "incidents/detail.html", context, user=user)


@router.get("/incidents/{incident_id}/live")
def incident_live(
    request: Request, session: SessionDep, clock: ClockDep, user: Reader, incident_id: IncidentId
) -> Response:
    """The incident's changing parts for the page's script; opened directly, its page."""
    incident = service.get_incident(session, incident_id=incident_id)
    if (redirect := page_instead(request, f"/incidents/{incident.id}")) is not None:
        return redirect
    masked = masks_numbers(user.role)
    context = incident_view(session, incident, clock.now(), masked=masked) | {"user": user}
    return fragment(request, "incidents/_live.html", context)
