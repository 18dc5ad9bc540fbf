"""Open311 service requests as the citizen sees them: the complaint rows shaped into
`open311_wire.ServiceRequest`.

`expected_datetime` is the nearest deadline of the item's live statutory clocks (not the
internal distribution and sign-for steps), `agency_responsible` the handling unit's name;
the description is masked (`open311_catalog.public_description`). The extended attributes
(status code, channel, deadline clock, overdue, linked request) are given on request.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from complaints import open311_catalog as catalog
from complaints import open311_wire as wire
from complaints.io_models import Open311Request
from complaints.models import Complaint, ComplaintClock
from complaints.vocab import ZH, ClockKind, ClockStatus, Status
from oncall import unit_directory


def render(
    session: Session, items: list[Complaint], *, tz: ZoneInfo, extensions: bool
) -> list[wire.ServiceRequest]:
    ids = [i.id for i in items if i.id is not None]
    extra = (
        {
            r.complaint_id: r
            for r in session.exec(
                select(Open311Request).where(col(Open311Request.complaint_id).in_(ids))
            ).all()
        }
        if ids
        else {}
    )
    units = unit_directory.unit_names(session, (i.unit_id for i in items if i.unit_id is not None))
    linked_ids = sorted({i.linked_item_id for i in items if i.linked_item_id is not None})
    linked = (
        {
            c.id: c.ref
            for c in session.exec(select(Complaint).where(col(Complaint.id).in_(linked_ids))).all()
        }
        if linked_ids
        else {}
    )
    deadlines = _statutory_deadlines(session, ids)
    return [
        _one(
            i,
            extra.get(i.id or 0),
            units,
            linked,
            deadlines.get(i.id or 0),
            tz=tz,
            extensions=extensions,
        )
        for i in items
    ]


# internal process steps (distribute within 1 WD, sign for …), not a deadline owed the citizen
_INTERNAL_CLOCKS = (ClockKind.distribution, ClockKind.sign_for)


def _statutory_deadlines(session: Session, ids: list[int]) -> dict[int, tuple[datetime, ClockKind]]:
    """Per item, the nearest deadline of its live statutory clocks (acceptance, mediation,
    verification, reply …): what `expected_datetime` promises the citizen."""
    if not ids:
        return {}
    found: dict[int, tuple[datetime, ClockKind]] = {}
    for clock in session.exec(
        select(ComplaintClock).where(
            col(ComplaintClock.complaint_id).in_(ids),
            col(ComplaintClock.status).in_([ClockStatus.running, ClockStatus.paused]),
            col(ComplaintClock.kind).not_in(_INTERNAL_CLOCKS),
        )
    ).all():
        current = found.get(clock.complaint_id)
        if current is None or clock.due_at < current[0]:
            found[clock.complaint_id] = (clock.due_at, clock.kind)
    return found


def _one(
    item: Complaint,
    request: Open311Request | None,
    units: dict[int, str],
    linked: dict[int | None, str],
    deadline: tuple[datetime, ClockKind] | None,
    *,
    tz: ZoneInfo,
    extensions: bool,
) -> wire.ServiceRequest:
    closed = item.status is Status.closed
    due_at, due_clock = (None, None) if closed or deadline is None else deadline
    outcome = catalog.outcome(
        rejection_ground=item.rejection_ground,
        termination_reason=item.termination_reason,
        agreed=item.agreed_at is not None,
        case_filed=item.case_filed_at is not None,
        not_filed=item.not_filed_at is not None,
        replied=item.replied_at is not None,
    )
    return wire.ServiceRequest(
        service_request_id=item.ref,
        status="closed" if closed else "open",
        status_notes=catalog.status_notes(item.status, outcome, item.overdue),
        service_name=f"{ZH[item.item_type]}·{ZH[item.domain]}",
        service_code=catalog.service_code(item.item_type, item.domain),
        description=catalog.public_description(item.description) or None,
        agency_responsible=units.get(item.unit_id) if item.unit_id is not None else None,
        service_notice=None,
        requested_datetime=catalog.iso(item.received_at, tz) or "",
        updated_datetime=catalog.iso(item.closed_at if closed else item.updated_at, tz),
        expected_datetime=catalog.iso(due_at, tz),
        address=(item.occurred_address or item.respondent_address) or None,
        address_id=request.address_id if request else None,
        zipcode=None,
        lat=request.lat if request else None,
        long=request.lon if request else None,
        media_url=request.media_url if request else None,
        extended_attributes={
            "status_code": item.status.value,
            "status_label": ZH[item.status],
            "item_type": item.item_type.value,
            "channel": item.channel.value,
            "deadline_clock": catalog.clock_label(due_clock),
            "overdue": item.overdue,
            "linked_request_id": linked.get(item.linked_item_id),
        }
        if extensions
        else None,
    )
