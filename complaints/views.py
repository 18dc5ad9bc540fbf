"""What a reader sees of an item (issue 5 "reporter confidentiality").

- Lists always mask phone and ID numbers.
- A report's reporter identity (name, phone, ID, address) is hidden from readers without
  `complaint.confidential`, the handling unit included (O121 Art. 37).
- A complaint's complainant is shown to the handling unit (it needs them to mediate) with
  the ID number masked; read-only viewers see names and phones masked too.
- An agent's and a group's representatives' names, phones and ID numbers are shown exactly
  as the complainant's (`complaints.agents.shown`).
- Phone and ID numbers in free text (facts, claim, clue) are masked wherever the identity is
  (read-only viewers; a report's readers without `complaint.confidential`), and the queue's
  text search does not look into such items' free text for a term with a digit in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from complaints import actions, agents, clocks, clusters, history, links, privacy, timers
from complaints.config_models import ComplaintRuleSet
from complaints.models import Complaint, ComplaintClock, ComplaintCluster, Supervision
from complaints.schemas import (
    ClockPublic,
    ClusterPublic,
    ComplaintDetail,
    ComplaintPublic,
    EventPublic,
    IdentityPublic,
    SupervisionPublic,
)
from complaints.vocab import ClockStatus, ItemType
from core.workcal import WorkingCalendar
from escalation.models import Incident
from oncall import unit_directory


@dataclass(frozen=True)
class Viewer:
    confidential: bool  # may see a reporter's identity and full numbers
    mask_names: bool  # read-only viewers: names masked as well
    actor: actions.Actor


def identity_hidden(item: Complaint, viewer: Viewer) -> bool:
    return item.item_type is ItemType.report and not viewer.confidential


def numbers_hidden(item: Complaint, viewer: Viewer) -> bool:
    """Phone and ID numbers in the item's free text (facts, claim, clue) are masked for
    read-only viewers, and for a report's readers who may not see the reporter."""
    return viewer.mask_names or identity_hidden(item, viewer)


def numbers_hidden_types(viewer: Viewer) -> frozenset[ItemType]:
    """The item types whose free text `viewer` sees masked (`numbers_hidden`), for search."""
    if viewer.mask_names:
        return frozenset(ItemType)
    return frozenset() if viewer.confidential else frozenset({ItemType.report})


def _name(item: Complaint, viewer: Viewer) -> str:
    if identity_hidden(item, viewer):
        return privacy.HIDDEN if item.submitter_name else ""
    return privacy.mask_name(item.submitter_name) if viewer.mask_names else item.submitter_name


def unit_names(session: Session, items: list[Complaint]) -> dict[int, str]:
    return unit_directory.unit_names(session, (i.unit_id for i in items if i.unit_id is not None))


def _remaining(
    item: Complaint, cal: WorkingCalendar, now: datetime, tz: ZoneInfo, unit: str
) -> int | None:
    """Days left on the item's nearest clock, counted as that clock counts (`unit`:
    "working" or "calendar"); None for another unit or no clock."""
    if item.next_due_at is None or item.next_due_unit != unit:
        return None
    due_on = (item.next_due_at.astimezone(tz) - timedelta(days=1)).date()
    today = clocks.local_day(now, tz)
    if unit == "calendar":
        return clocks.remaining_days(today, due_on)
    return clocks.remaining_working_days(cal, today, due_on)


def public(
    item: Complaint,
    viewer: Viewer,
    *,
    units: dict[int, str],
    cal: WorkingCalendar,
    now: datetime,
    tz: ZoneInfo,
) -> ComplaintPublic:
    """The list form: numbers always masked."""
    assert item.id is not None
    phone = None if identity_hidden(item, viewer) else privacy.mask_phone(item.submitter_phone)
    agent = agents.shown(item, hidden=identity_hidden(item, viewer), mask_names=viewer.mask_names)
    return ComplaintPublic(
        agent_name=agent["agent_name"],
        agent_phone=agent["agent_phone"],
        group_size=agent["group_size"],
        id=item.id,
        ref=item.ref,
        item_type=item.item_type,
        workflow=item.workflow,
        channel=item.channel,
        status=item.status,
        external_ref=item.external_ref,
        title=item.title,
        domain=item.domain,
        domain_confirmed=item.domain_confirmed,
        urgency=item.urgency,
        is_emergency=item.is_emergency,
        urgency_confirmed=item.urgency_confirmed,
        utility=item.utility,
        submitter_name=_name(item, viewer),
        submitter_phone=phone,
        anonymous=item.anonymous,
        respondent_name=item.respondent_name,
        district=item.district,
        unit_id=item.unit_id,
        unit_name=units.get(item.unit_id) if item.unit_id is not None else None,
        received_at=item.received_at,
        next_due_at=item.next_due_at,
        next_due_clock=item.next_due_clock,
        next_due_unit=item.next_due_unit,
        remaining_working_days=_remaining(item, cal, now, tz, "working"),
        remaining_days=_remaining(item, cal, now, tz, "calendar"),
        remaining_minutes=clocks.remaining_minutes(item.next_due_at, now)
        if item.next_due_at is not None and item.next_due_unit == "hours"
        else None,
        overdue=item.overdue,
        criticism_count=item.criticism_count,
        cluster_id=item.cluster_id,
        linked_item_id=item.linked_item_id,
        incident_id=item.incident_id,
        closed_at=item.closed_at,
    )


DETAIL_CLUSTER_MEMBERS = 10  # an item's detail shows its cluster's latest members only


def cluster_public(
    session: Session, cluster_id: int, viewer: Viewer, *, member_limit: int = 200
) -> ClusterPublic | None:
    """The cluster with the members `viewer` may see (`size` counts them all); None when
    there is no such cluster or a handling-unit viewer sees none of its members."""
    cluster = session.get(ComplaintCluster, cluster_id)
    if cluster is None or cluster.id is None:
        return None
    members = clusters.members(session, cluster.id, member_limit, unit_ids=viewer.actor.unit_ids)
    if not members and viewer.actor.unit_ids is not None:
        return None
    return ClusterPublic(
        id=cluster.id,
        size=cluster.size,
        reasons=[r for r in cluster.reasons.split(",") if r],
        created_at=cluster.created_at,
        updated_at=cluster.updated_at,
        members=members,
    )


def clock_public(
    clock: ComplaintClock, cal: WorkingCalendar, now: datetime, tz: ZoneInfo
) -> ClockPublic:
    live = clock.status in (ClockStatus.running, ClockStatus.paused)
    hours = clock.unit == "hours"
    return ClockPublic.model_validate(
        {
            **clock.model_dump(),
            "tested_units": timers.tested_units(clock, cal),
            "overdue": live and clocks.is_overdue(clock.due_at, now),
            "remaining_working_days": clocks.remaining_working_days(
                cal, clocks.local_day(now, tz), clock.due_on
            )
            if live and clock.unit == "working"
            else None,
            "remaining_days": clocks.remaining_days(clocks.local_day(now, tz), clock.due_on)
            if live and clock.unit == "calendar"
            else None,
            "remaining_minutes": clocks.remaining_minutes(clock.due_at, now)
            if live and hours
            else None,
        }
    )


# built once: building and keying a statement cost about as much as running it
_SUPERVISION_OF = (
    select(Supervision)
    .where(Supervision.complaint_id == bindparam("complaint_id"))
    .order_by(col(Supervision.at), col(Supervision.id))
)


def detail(
    session: Session,
    item: Complaint,
    viewer: Viewer,
    *,
    cal: WorkingCalendar,
    now: datetime,
    tz: ZoneInfo,
) -> ComplaintDetail:
    assert item.id is not None
    base = public(item, viewer, units=unit_names(session, [item]), cal=cal, now=now, tz=tz)
    hidden = identity_hidden(item, viewer)
    full = viewer.confidential
    rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
    incident = session.get(Incident, item.incident_id) if item.incident_id else None
    supervision = session.exec(_SUPERVISION_OF, params={"complaint_id": item.id}).all()
    data = base.model_dump()
    if not hidden and not viewer.mask_names:
        data["submitter_phone"] = item.submitter_phone  # the handling unit must call them
    text = privacy.mask_text_phones if numbers_hidden(item, viewer) else str
    agent = agents.shown(
        item,
        hidden=hidden,
        mask_names=viewer.mask_names,
        full_phones=not viewer.mask_names,  # as the complainant's: the unit must call them
        full_ids=full,
    )
    data |= {k: agent[k] for k in ("agent_name", "agent_phone")}
    return ComplaintDetail(
        **data,
        agent_id_type=agent["agent_id_type"],
        agent_id_number=agent["agent_id_number"],
        agent_poa_received=agent["agent_poa_received"],
        agent_poa_date=agent["agent_poa_date"],
        representatives=agent["representatives"],
        description=text(item.description),
        claim=text(item.claim),
        clue=text(item.clue),
        classification=json.loads(item.classification_json or "{}"),
        submitter_id_type=None if hidden else item.submitter_id_type,
        submitter_id_number=None
        if hidden
        else (item.submitter_id_number if full else privacy.mask_id(item.submitter_id_number)),
        submitter_address=""
        if hidden
        else (item.submitter_address if not viewer.mask_names else privacy.HIDDEN),
        identity_hidden=hidden,
        consent_publish=item.consent_publish,
        consent_entrusted_mediation=item.consent_entrusted_mediation,
        respondent_credit_code=item.respondent_credit_code,
        respondent_address=item.respondent_address,
        respondent_registered_address=item.respondent_registered_address,
        sale_mode=item.sale_mode,
        platform_name=item.platform_name,
        platform_shown_address=item.platform_shown_address,
        platform_domicile_address=item.platform_domicile_address,
        occurred_address=item.occurred_address,
        dispute_date=item.dispute_date,
        amount_cents=item.amount_cents,
        district_source=item.district_source,
        routing_rule_id=item.routing_rule_id,
        routing_note=item.routing_note,
        routing_note_parts=item.routing_note_parts,
        rule_set_code=rule_set.code if rule_set else "",
        registered_by=item.registered_by,
        distributed_at=item.distributed_at,
        signed_for_at=item.signed_for_at,
        accepted_at=item.accepted_at,
        rejected_at=item.rejected_at,
        mediation_started_at=item.mediation_started_at,
        agreed_at=item.agreed_at,
        terminated_at=item.terminated_at,
        case_filed_at=item.case_filed_at,
        not_filed_at=item.not_filed_at,
        returned_at=item.returned_at,
        replied_at=item.replied_at,
        closure_due_at=item.closure_due_at,
        closed_on_time=item.closed_on_time,
        returned_count=item.returned_count,
        return_reason=item.return_reason,
        taken_over_by_superior=item.taken_over_by_superior,
        converted_to_case=item.converted_to_case,
        referred_to_police=item.referred_to_police,
        rejection_ground=item.rejection_ground,
        termination_reason=item.termination_reason,
        pause_reason=item.pause_reason,
        paused_since=item.paused_since,
        verification_extended=item.verification_extended,
        reply_extended=item.reply_extended,
        complainant_mediation_consent=item.complainant_mediation_consent,
        respondent_mediation_consent=item.respondent_mediation_consent,
        mediation_entrusted_to=item.mediation_entrusted_to,
        result=item.result,
        amount_recovered_cents=item.amount_recovered_cents,
        supervision_count=item.supervision_count,
        clocks=[clock_public(c, cal, now, tz) for c in timers.clocks_of(session, item.id)],
        history=[EventPublic.model_validate(e) for e in history.events_of(session, item.id)],
        supervision=[SupervisionPublic.model_validate(s) for s in supervision],
        cluster=cluster_public(
            session, item.cluster_id, viewer, member_limit=DETAIL_CLUSTER_MEMBERS
        )
        if item.cluster_id
        else None,
        source_item_id=item.source_item_id,
        repeat_of_id=item.repeat_of_id,
        links=links.links_of(session, item, visible=viewer.actor.sees),
        incident_status=incident.status.value if incident else None,
        incident_code=incident.short_code if incident else None,
        allowed_actions=[
            a.value
            for a in actions.visible_actions(session, item, viewer.actor, cal=cal, now=now, tz=tz)
        ],
    )


def identity(item: Complaint) -> IdentityPublic:
    assert item.id is not None
    return IdentityPublic(
        id=item.id,
        ref=item.ref,
        submitter_name=item.submitter_name,
        submitter_phone=item.submitter_phone,
        submitter_id_type=item.submitter_id_type,
        submitter_id_number=item.submitter_id_number,
        submitter_address=item.submitter_address,
        anonymous=item.anonymous,
        **agents.shown(item, full_phones=True, full_ids=True),
    )
