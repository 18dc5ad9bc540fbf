"""A violation clue found during mediation is handed over for verification (O121 Art. 27).

The handling unit records the clue on the complaint (`convert_to_case`); this module creates
the report (举报) that verifies it, in the caller's transaction:

- the report is the unit's own finding: no reporter, the complaint's respondent, the clue as
  its facts; the same unit verifies it (it found the clue), so it starts in `verifying`,
  distributed and signed for at once, with no distribution step;
- its verification clock runs 15 working days from the day of discovery (the day itself not
  counted, Art. 45), extendable once by 15 with the head's approval (`extend_verification`),
  under the rule set in force on that day;
- the report's `source_item_id` names the complaint, and the complaint lists the reports made
  from it (`complaints.links`), so each item shows the other;
- 诉转案 (`converted_to_case` on the complaint) is counted when the report is filed as a case
  (立案), not at the hand-over: verification may well end in 不予立案.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from complaints import clocks, clusters, history, notes, timers
from complaints.lookups import Lookups
from complaints.models import Complaint
from complaints.vocab import ClockKind, ItemType, Status, Workflow
from core.errors import Conflict, ValidationFailed

REPORT_PREFIX = "JB"


def reports_from(session: Session, complaint_id: int) -> list[Complaint]:
    """The reports made from clues found in the complaint's mediation, oldest first."""
    return list(
        session.exec(
            select(Complaint)
            .where(Complaint.source_item_id == complaint_id)
            .order_by(col(Complaint.id))
        ).all()
    )


def hand_over(
    session: Session,
    complaint: Complaint,
    *,
    clue: str,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
) -> Complaint:
    """Create the report verifying `clue`; the caller writes the complaint's own history."""
    assert complaint.id is not None
    text = clue.strip()
    if not text:
        raise ValidationFailed("clue", "hand over the violation clue found in mediation")
    if any(r.clue.strip() == text for r in reports_from(session, complaint.id)):
        raise Conflict("this clue was already handed over for verification")
    lookups = Lookups(session, now=now)
    today = clocks.local_day(now, tz)
    rule_set = lookups.rule_set_for(today)
    limits = lookups.limits(rule_set)
    cal = lookups.calendar(roll_weekends=limits.roll_weekends)
    assert rule_set.id is not None
    route = notes.part("route.clue", ref=complaint.ref)
    report = Complaint(
        ref="tmp-" + secrets.token_hex(8),
        item_type=ItemType.report,
        workflow=Workflow.report,
        channel=complaint.channel,
        status=Status.verifying,
        title=f"调解中发现线索：{complaint.respondent_name or complaint.title}"[:200],
        description=text,
        clue=text,
        domain=complaint.domain,
        domain_confirmed=complaint.domain_confirmed,
        urgency=complaint.urgency,
        priority=complaint.priority,
        is_emergency=complaint.is_emergency,
        urgency_confirmed=complaint.urgency_confirmed,
        respondent_name=complaint.respondent_name,
        respondent_credit_code=complaint.respondent_credit_code,
        respondent_address=complaint.respondent_address,
        respondent_registered_address=complaint.respondent_registered_address,
        sale_mode=complaint.sale_mode,
        platform_name=complaint.platform_name,
        platform_shown_address=complaint.platform_shown_address,
        platform_domicile_address=complaint.platform_domicile_address,
        occurred_address=complaint.occurred_address,
        respondent_key=complaint.respondent_key,
        respondent_name_key=complaint.respondent_name_key,
        address_key=complaint.address_key,
        district=complaint.district,
        district_source=complaint.district_source,
        unit_id=complaint.unit_id,
        routing_note=notes.text([route])[:300],
        routing_note_parts=notes.dump([route]),
        rule_set_id=rule_set.id,
        incident_id=complaint.incident_id,
        source_item_id=complaint.id,
        received_at=now,
        registered_at=now,
        registered_by=actor,
        updated_at=now,
        distributed_at=now,
        signed_for_at=now,
        verification_started_at=now,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    report.ref = f"{REPORT_PREFIX}{today:%Y%m%d}{report.id:07d}"
    timers.start(
        session,
        report,
        ClockKind.verification,
        start_day=today,
        limits=limits,
        cal=cal,
        tz=tz,
        start_at=now,
    )
    timers.refresh(session, report, now=now)
    history.add(
        session,
        report,
        at=now,
        actor=actor,
        action="register",
        to_status=Status.verifying,
        note=[notes.part("register.clue", ref=complaint.ref)],
    )
    clusters.assign(
        session,
        report,
        window=timedelta(days=limits.cluster_window_days),
        exclude={complaint.id},
        now=now,
    )
    history.audit(session, report, at=now, actor=actor, action="complaint.register")
    return report


def mark_filed(session: Session, report: Complaint) -> Complaint | None:
    """A report made from a mediation clue was filed as a case: its complaint counts as
    诉转案. Returns the complaint (changed, added to the session), or None."""
    if report.source_item_id is None:
        return None
    complaint = session.get(Complaint, report.source_item_id, with_for_update=True)
    if complaint is None or complaint.converted_to_case:
        return None
    complaint.converted_to_case = True
    session.add(complaint)
    return complaint
