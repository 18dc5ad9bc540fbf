"""Opening an incident: a new one with its plan frozen in, or another report of the same event
attached to the unresolved incident it belongs to.

Invariants:
- The chosen plan's policy and reporting deadlines are frozen into the incident when it
  opens, so editing a plan never changes a running escalation.
- A second report of the same place and category within `DEDUP_WINDOW` attaches to the
  unresolved (open or acknowledged) incident with the reporter's details; a more severe one
  raises the incident's level and plan (`raise_severity`), as does a person's explicit
  "raise to the level the accident figures suggest" (`raise_to_suggested`, escalation.details).
- Special-equipment details sent with the opening are checked first (`details.check`) and
  set on a new incident; a repeat report's details go into its audit entry and, where they
  are higher or fill a gap, onto the incident (never lowering a figure: the timeline names
  what was not applied; `details.apply_repeat`).
- A new incident's short code is unique among unresolved incidents (`service.new_short_code`).
- Openings are serialised (`OPENING_LOCK`, held to the commit), so that the same event
  reported at once to two instances still gives one incident, and two new incidents never
  draw the same short code.
- Every opening, attached report and raise writes a timeline event and an audit entry;
  `open_incident` commits once, `open_incident_uncommitted` leaves the commit to its caller.
- Pages are created by the dispatcher tick (`escalation.dispatch`), never here, so the web
  request that opens an incident returns at once.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core import audit
from core.db import advisory_lock
from core.errors import Conflict
from escalation import codec, commands, details, engine, plans
from escalation.models import Incident, IncidentCreate, IncidentEvent
from escalation.policy import Severity, policy_to_dict
from escalation.service import add_event, get_incident, new_short_code, store_state, summary
from escalation.state import IncidentStatus

DEDUP_WINDOW = timedelta(minutes=30)
OPENING_LOCK = "incident opening"


def open_incident(
    session: Session, *, data: IncidentCreate, actor: str, now: datetime
) -> tuple[Incident, bool]:
    """Open an incident, or attach the report to an open one for the same event.

    Returns (incident, deduplicated). The plan's policy is frozen into the incident.
    """
    incident, deduplicated, _ = open_incident_with_timeline(
        session, data=data, actor=actor, now=now
    )
    return incident, deduplicated


def open_incident_with_timeline(
    session: Session, *, data: IncidentCreate, actor: str, now: datetime
) -> tuple[Incident, bool, list[IncidentEvent] | None]:
    """`open_incident`, and a new incident's whole timeline as committed (its "opened"
    event), so that the answer needs no read back; None for a report attached to an
    incident that has a timeline already."""
    result = _open(session, data=data, actor=actor, now=now, complaint_ref=None)
    session.commit()
    return result


def open_incident_uncommitted(
    session: Session,
    *,
    data: IncidentCreate,
    actor: str,
    now: datetime,
    complaint_ref: str | None = None,
) -> tuple[Incident, bool]:
    """`open_incident` inside the caller's transaction (the caller commits), e.g. an urgent
    complaint that opens its incident in the same commit; `complaint_ref` links it back
    (set only on a new incident: a deduplicated one keeps its first reference)."""
    incident, deduplicated, _ = _open(
        session, data=data, actor=actor, now=now, complaint_ref=complaint_ref
    )
    return incident, deduplicated


def _open(
    session: Session,
    *,
    data: IncidentCreate,
    actor: str,
    now: datetime,
    complaint_ref: str | None,
) -> tuple[Incident, bool, list[IncidentEvent] | None]:
    details.check(data.category, data.model_dump(include=set(details.FIELDS)))
    advisory_lock(session, OPENING_LOCK)
    if data.place:
        duplicate = session.exec(
            select(Incident)
            .where(
                Incident.status != IncidentStatus.resolved,
                Incident.category == data.category,
                Incident.place == data.place,
                col(Incident.opened_at) >= now - DEDUP_WINDOW,
            )
            .order_by(col(Incident.id).desc())
            .with_for_update()  # an acknowledgement meanwhile must not be overwritten
            .execution_options(populate_existing=True)
        ).first()
        if duplicate is not None:
            _attach_duplicate(session, duplicate, data=data, actor=actor, now=now)
            return duplicate, True, None
    plan = plans.plan_for(session, category=data.category.value, severity=Severity(data.severity))
    state = engine.open_state(now)
    incident = Incident(
        title=data.title,
        description=data.description,
        category=data.category,
        severity=data.severity,
        place=data.place,
        caller_name=data.caller_name,
        caller_phone=data.caller_phone,
        status=IncidentStatus.open,
        short_code=new_short_code(session),
        policy_json=json.dumps(policy_to_dict(plan.policy)),
        state_json=codec.dumps(state),
        initial_report_minutes=plan.deadlines.initial_report_minutes,
        written_report_minutes=plan.deadlines.written_report_minutes,
        next_wakeup_at=now,
        opened_at=now,
        opened_by=actor,
        complaint_ref=complaint_ref,
    )
    details.apply(incident, data.model_dump(include=set(details.FIELDS)))
    session.add(incident)
    session.flush()
    assert incident.id is not None
    opened = add_event(
        session,
        incident.id,
        at=now,
        kind="opened",
        actor=actor,
        text=f"opened: {data.severity.value} {data.category.value} — plan {plan.policy.name}",
        key="opened",
        values={
            "severity": data.severity.value,
            "category": data.category.value,
            "plan": plan.policy.name,
        },
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.open",
        entity_type="incident",
        entity_id=incident.id,
        after=summary(incident) | details.details_of(incident),
    )
    session.flush()
    return incident, False, [opened]


def _attach_duplicate(
    session: Session, incident: Incident, *, data: IncidentCreate, actor: str, now: datetime
) -> None:
    """Attach another report of the same event (open or acknowledged) to `incident`: the
    reporter's details go on the timeline and into the audit; a more severe report raises
    the incident's level (`raise_severity`); its accident figures raise the incident's or
    fill its gaps, never lower them (`details.apply_repeat`)."""
    assert incident.id is not None
    incident.duplicate_reports += 1
    session.add(incident)
    figures = data.model_dump(mode="json", include=set(details.FIELDS), exclude_defaults=True)
    report = {
        "title": data.title,
        "severity": data.severity.value,
        "description": data.description,
        "caller_name": data.caller_name,
        "caller_phone": data.caller_phone,
    } | figures
    caller = ", ".join(x for x in (data.caller_name, data.caller_phone or "") if x)
    add_event(
        session,
        incident.id,
        at=now,
        kind="duplicate",
        actor=actor,
        text=f"another report of the same event attached: {data.severity.value} {data.title}"
        + (f" (caller {caller})" if caller else "")
        + (f": {data.description}" if data.description else ""),
        key="duplicate",
        values={
            "severity": data.severity.value,
            "title": data.title,
            "caller": caller or None,
            "description": data.description or None,
        },
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.duplicate",
        entity_type="incident",
        entity_id=incident.id,
        after=report,
    )
    if Severity(data.severity).rank < incident.severity.rank:
        raise_severity(session, incident, severity=Severity(data.severity), actor=actor, now=now)
    details.apply_repeat(session, incident, reported=figures, actor=actor, now=now)
    session.flush()


def raise_severity(
    session: Session,
    incident: Incident,
    *,
    severity: Severity,
    actor: str,
    now: datetime,
    reason: str = "a new report",
) -> None:
    """A more severe report: the incident takes the new level and its plan, as a duty centre
    would have done had the first report said so.

    - The new level's policy is frozen in; while open, the escalation goes on from the step
      it stands at under that policy (`commands.upgrade`): that step's people are paged again
      at once with the new level, and the groups the new plan tells up to there are told.
      An acknowledged incident stays acknowledged (someone owns it), but the groups the new
      plan tells up to its current step that were not told yet are told at once; a reopen
      runs the new policy.
    - Reporting deadlines become the new level's, counted from this report (the moment the
      centre learnt of the higher level), but never later than those already running.
    """
    assert incident.id is not None
    before = summary(incident)
    plan = plans.plan_for(session, category=incident.category.value, severity=severity)
    incident.severity = severity
    incident.policy_json = json.dumps(policy_to_dict(plan.policy))
    elapsed = -(-(now - incident.opened_at) // timedelta(minutes=1))  # whole minutes, rounded up
    incident.initial_report_minutes = min(
        incident.initial_report_minutes, elapsed + plan.deadlines.initial_report_minutes
    )
    incident.written_report_minutes = min(
        incident.written_report_minutes, elapsed + plan.deadlines.written_report_minutes
    )
    state, _ = commands.upgrade(codec.loads(incident.state_json), plan.policy, now)
    store_state(incident, state)
    session.add(incident)
    step, groups = None, None
    if state.status is IncidentStatus.open:
        step = state.step_index + 1
        restart = f"; escalation goes on at step {step} under it, paging again now"
    elif state.pending_broadcasts:
        groups = list(state.pending_broadcasts)
        restart = f"; already acknowledged: telling {', '.join(groups)} now"
    else:
        restart = ""
    add_event(
        session,
        incident.id,
        at=now,
        kind="severity_raised",
        actor=actor,
        text=f"severity raised from {before['severity']} to {severity.value} by {reason}: "
        f"plan {plan.policy.name}{restart}; reports due {incident.initial_report_minutes} / "
        f"{incident.written_report_minutes} min after opening",
        key="severity_raised",
        values={
            "before": before["severity"],
            "after": severity.value,
            "reason": "new_report" if reason == "a new report" else "figures",
            "plan": plan.policy.name,
            "step": step,
            "groups": groups,
            "initial": incident.initial_report_minutes,
            "written": incident.written_report_minutes,
        },
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="incident.severity_raised",
        entity_type="incident",
        entity_id=incident.id,
        before=before,
        after=summary(incident)
        | {
            "initial_report_minutes": incident.initial_report_minutes,
            "written_report_minutes": incident.written_report_minutes,
        },
    )


def raise_to_suggested(
    session: Session, *, incident_id: int, actor: str, now: datetime
) -> Incident:
    """Raise the incident to the level its figures suggest (409 when they suggest no more
    severe level); pages and deadlines follow as for a more severe second report."""
    incident = get_incident(session, incident_id=incident_id, for_update=True)
    if incident.status is IncidentStatus.resolved:
        raise Conflict(f"incident {incident_id} is resolved; reopen it first")
    suggested = details.suggestion(incident)
    if suggested is None or not details.suggests_raise(incident):
        raise Conflict(
            f"the figures suggest no level above {incident.severity.value} for incident "
            f"{incident_id}"
        )
    raise_severity(
        session, incident, severity=suggested, actor=actor, now=now, reason="its accident figures"
    )
    session.commit()
    return incident
