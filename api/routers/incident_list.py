"""The incident list, newest first, a page at a time (keyset paging: escalation.listing and
escalation.cursors). The Link header (RFC 8288) names the adjoining pages with the request's
filters kept; clients follow its URLs and never build a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.datastructures import URL

from api.deps import ClockDep, IncidentReader, SessionDep
from api.routers.incidents import incident_public, masks_numbers
from escalation import cursors, listing, reporting, service, timeline_skills
from escalation.models import IncidentPublic
from escalation.state import IncidentStatus

router = APIRouter(prefix="/api/v1", tags=["incidents"])

CursorParam = Annotated[
    str | None, Query(max_length=cursors.MAX_CURSOR_LENGTH, description="a cursor from a Link URL")
]
LINK_HEADER = {
    "Link": {
        "description": (
            'RFC 8288 links to the adjoining pages: `<…?before=…>; rel="next"` (older '
            'incidents) while there are more, `<…?after=…>; rel="prev"` (newer ones) when '
            "there are newer ones; the filters and limit are kept. Absent at both ends."
        ),
        "schema": {"type": "string"},
    }
}


def page_links(url: URL, page: listing.IncidentPage) -> str:
    """The Link header for `page` (relative URLs, the request's other parameters kept)."""
    base = url.remove_query_params(["before", "after"])
    links = [
        (rel, base.include_query_params(**{key: cursors.encode(at)}))
        for rel, key, at in (("next", "before", page.older), ("prev", "after", page.newer))
        if at is not None
    ]
    return ", ".join(f'<{u.path}?{u.query}>; rel="{rel}"' for rel, u in links)


def positions_of(before: str | None, after: str | None) -> tuple[cursors.Position | None, ...]:
    """The positions of the `before` and `after` query parameters (422 naming a bad one)."""
    return tuple(
        None if token is None else cursors.decode(token, field=field)
        for field, token in (("before", before), ("after", after))
    )


@router.get(
    "/incidents",
    summary="Incidents, newest first, a page at a time",
    description=(
        "Newest first by opening time, then id (stable when two opened in the same instant). "
        "`limit` incidents a page; the `Link` header names the next (older) and previous "
        "(newer) pages, keeping the filters: follow its URLs, whose `before` / `after` "
        "cursors are opaque. A cursor that is not one of ours, or both at once, is a 422 "
        "naming the parameter."
    ),
    responses={200: {"headers": LINK_HEADER}},
)
def list_incidents(
    request: Request,
    response: Response,
    session: SessionDep,
    clock: ClockDep,
    who: IncidentReader,
    incident_status: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: CursorParam = None,
    after: CursorParam = None,
) -> list[IncidentPublic]:
    masked = masks_numbers(who.user.role)
    older_than, newer_than = positions_of(before, after)
    page = listing.page(
        session, status=incident_status, limit=limit, before=older_than, after=newer_than
    )
    if links := page_links(request.url, page):
        response.headers["Link"] = links
    ids = [i.id for i in page.incidents if i.id is not None]
    events = service.timelines(session, incident_ids=ids)
    reports = reporting.reports_by_incident(session, incident_ids=ids)
    skills = timeline_skills.lookup(session, (e.text for ev in events.values() for e in ev))
    now = clock.now()
    return [
        incident_public(
            session,
            i,
            now,
            masked=masked,
            events=events[i.id or 0],
            reports=reports[i.id or 0],
            skills=skills,
        )
        for i in page.incidents
    ]
