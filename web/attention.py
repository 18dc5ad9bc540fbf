"""What waits for the signed-in user, for the home page: one line per kind of work their role
does, with how many items wait and the page where they are acted on.

Each count uses the filters of the page it links to, so following the link finds those
items: the complaint counts go through the work queue's own filters and the reader's unit
scope, the incident counts through the incident list's status. A line is shown only when
something waits and the role may open the linked page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.routers.complaints import viewer_for
from complaints import queue
from complaints.insight_models import EarlyWarning, WarningStatus
from core.users import Permission
from escalation.models import Incident, Notification
from escalation.state import IncidentStatus
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.dutylog_models import Handover
from oncall.publishing import published_since
from oncall.roster_models import Roster, RosterStatus
from web.complaints import INBOX_STATUSES
from web.session import WebUser


@dataclass(frozen=True)
class Waiting:
    """`count` items of one kind (`key`, worded by the home page) wait at `href`."""

    key: str
    count: int
    href: str
    urgent: bool = False


def waiting_for(session: Session, user: WebUser, *, now: datetime, tz: ZoneInfo) -> list[Waiting]:
    """The lines for `user`, the urgent ones first, each with a count above zero."""
    lines: list[Waiting] = []
    paging_me: set[int] = set()
    if user.can(Permission.dutylog_read):
        paging_me = _incidents_paging(session, user.person_id)
        lines.append(Waiting("paging_me", len(paging_me), "/duty", urgent=True))
    if user.can(Permission.incident_write):
        others = _open_incidents(session) - paging_me
        lines.append(Waiting("incidents_open", len(others), "/incidents?status=open", True))
    # overdue items are the work of those who handle them (their unit's) or supervise them
    if user.can(Permission.complaint_handle) or user.can(Permission.complaint_supervise):
        lines.extend(_complaint_lines(session, user))
    if user.person_id is not None and user.can(Permission.dutylog_read):
        lines.append(Waiting("handovers", _handovers_to(session, user.person_id), "/duty/log"))
    if user.can(Permission.swap_decide):
        today = now.astimezone(tz).date()
        pending = _count(
            session,
            select(func.count())
            .select_from(SwapRequestRow)
            .where(
                SwapRequestRow.status == SwapStatus.pending,
                # a request for a day already past can only be turned down: not work waiting
                col(SwapRequestRow.a_day) >= today,
                col(SwapRequestRow.b_day) >= today,
            ),
        )
        lines.append(Waiting("swaps", pending, "/swaps"))
    if user.can(Permission.roster_write):
        lines.append(Waiting("drafts", _drafts_to_publish(session, now, tz), "/rosters"))
    if user.can(Permission.warning_handle):
        open_warnings = _count(
            session,
            select(func.count())
            .select_from(EarlyWarning)
            .where(EarlyWarning.status == WarningStatus.open),
        )
        lines.append(Waiting("warnings", open_warnings, "/warnings?status=open"))
    return sorted((w for w in lines if w.count > 0), key=lambda w: not w.urgent)


def _count(session: Session, query: object) -> int:
    return int(session.exec(query).one())  # type: ignore[call-overload]


def _open_incidents(session: Session) -> set[int]:
    """The incidents nobody has acknowledged yet."""
    return {
        i
        for i in session.exec(select(Incident.id).where(Incident.status == IncidentStatus.open))
        if i is not None
    }


def _incidents_paging(session: Session, person_id: int | None) -> set[int]:
    """The unacknowledged incidents that paged `person_id`."""
    if person_id is None:
        return set()
    return {
        i
        for i in session.exec(
            select(Notification.incident_id)
            .join(Incident, col(Incident.id) == Notification.incident_id)
            .where(Notification.person_id == person_id, Incident.status == IncidentStatus.open)
            .distinct()
        )
        if i is not None
    }


def _complaint_lines(session: Session, user: WebUser) -> list[Waiting]:
    viewer = viewer_for(session, role=user.role, user_id=user.user_id, name=user.username)
    scope = viewer.actor.unit_ids
    overdue = queue.count(session, filters=queue.QueueFilter(overdue=True), unit_ids=scope)
    lines = [Waiting("overdue", overdue, "/complaints?overdue=true", urgent=True)]
    # the inbox of a handling unit's own staff; those who see every unit work the queue
    if scope is not None and user.can(Permission.complaint_handle):
        inbox = queue.count(
            session, filters=queue.QueueFilter(statuses=INBOX_STATUSES), unit_ids=scope
        )
        lines.append(Waiting("inbox", inbox, "/complaints/inbox"))
    return lines


def _handovers_to(session: Session, person_id: int) -> int:
    """Handovers to `person_id` whose receipt they have not confirmed."""
    return _count(
        session,
        select(func.count())
        .select_from(Handover)
        .where(Handover.to_person_id == person_id, col(Handover.acknowledged_at).is_(None)),
    )


def _drafts_to_publish(session: Session, now: datetime, tz: ZoneInfo) -> int:
    """Drafts whose period has not ended and that may still be published (not stale)."""
    drafts = session.exec(
        select(Roster).where(
            Roster.status == RosterStatus.draft,
            col(Roster.period_end) >= now.astimezone(tz).date(),
        )
    ).all()
    return sum(1 for roster in drafts if published_since(session, roster) is None)
