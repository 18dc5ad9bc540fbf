"""The outbox page (embedded default channel): every message that would have been sent, with
a reply box that answers as the recipient's phone would (e.g. "1234 确认"), so a demo shows
the whole escalation loop without a phone network."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.deps import SessionDep
from core.users import Permission
from escalation import service
from escalation.models import Incident
from oncall.layers import people_by_id
from web.render import fragment, page_instead, render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
OutboxPage = Annotated[WebUser, Depends(RequirePage(Permission.outbox_use))]
LIMIT = 100


def _context(session: Session) -> dict[str, Any]:
    messages = service.notifications(session, limit=LIMIT)
    incident_ids = {m.incident_id for m in messages if m.incident_id is not None}
    incidents = {
        i.id: i
        for i in session.exec(select(Incident).where(col(Incident.id).in_(incident_ids))).all()
    }
    people = people_by_id(session, {m.person_id for m in messages if m.person_id})
    return {
        "messages": messages,
        "incidents": incidents,
        "names": {pid: p.name for pid, p in people.items()},
    }


@router.get("/outbox")
def outbox(request: Request, session: SessionDep, user: OutboxPage) -> HTMLResponse:
    return render(request, "outbox.html", _context(session), user=user)


@router.get("/outbox/live")
def outbox_live(request: Request, session: SessionDep, user: OutboxPage) -> Response:
    """The outbox rows for the page's script; opened directly, the outbox page."""
    if (redirect := page_instead(request, "/outbox")) is not None:
        return redirect
    return fragment(request, "_outbox_rows.html", _context(session) | {"user": user})
