"""Reports to superiors about an incident (上报): initial → follow-up → final; phone first,
written later (DOMAIN.md §5). Recording one is an incident state change: one timeline event,
one audit entry, one commit (`service.commit_change`).

Rules, checked in this order:
- `reported_at` (default `now`) must lie between the incident's opening and `now`
  (422 naming `reported_at`); people give times to the minute, so a time inside the opening
  minute counts as the opening instant. Follow-up, written and final reports must not
  precede the initial report on record.
- A written report is made in writing (`method` other than phone, 422 naming `method`).
- Initial, written and final reports are made once each: a second one is a 409 Conflict
  (corrections and news go in follow-up reports). Follow-up and final reports need the
  initial report on record (409).
- A written report with no initial report on record also records the initial report at the
  same instant, to the same superior: a written report informs the superior, so the initial
  clock is met then (late, when the written report came after the initial deadline).
- A resolved incident takes a final report at any time, and its initial and written reports
  too: their clocks run on after the resolution, and an owed report made late is still made
  (DOMAIN.md §5: reports must not be omitted), the clock showing it late. A follow-up report
  made after the resolution is a 409 (news after the end goes in the final report); one made
  before it may be recorded afterwards.

A special-equipment incident's report names, on the timeline and in the audit, the TZ50
Art. 10 items the incident does not record yet (`missing_items`).

The first initial and written reports' times are copied onto the incident
(`initial_reported_at`, `written_reported_at`), which the reporting clocks and the duty
statistics read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.errors import Conflict, ValidationFailed
from core.users import User
from escalation import service
from escalation.deadlines import ReportingClock, reporting_clocks
from escalation.equipment import missing_report_items
from escalation.models import (
    Category,
    Incident,
    IncidentReport,
    IncidentReportCreate,
    IncidentReportKind,
    ReportMethod,
)
from escalation.policy import ReportingDeadlines
from escalation.state import IncidentStatus

ONCE = (IncidentReportKind.initial, IncidentReportKind.written, IncidentReportKind.final)


def clocks(incident: Incident, *, now: datetime) -> list[ReportingClock]:
    """The incident's reporting clocks: its frozen limits against its recorded report times."""
    return reporting_clocks(
        incident.opened_at,
        ReportingDeadlines(incident.initial_report_minutes, incident.written_report_minutes),
        now,
        incident.initial_reported_at,
        incident.written_reported_at,
    )


def missing_items(incident: Incident) -> list[str]:
    """A special-equipment incident's TZ50 Art. 10 items not recorded yet (none for other
    categories): what its reports to superiors still lack."""
    if incident.category is not Category.special_equipment:
        return []
    return list(missing_report_items(incident))


def list_reports(session: Session, *, incident_id: int) -> list[IncidentReport]:
    return list(
        session.exec(
            select(IncidentReport)
            .where(IncidentReport.incident_id == incident_id)
            .order_by(col(IncidentReport.reported_at), col(IncidentReport.id))
        ).all()
    )


def reports_by_incident(
    session: Session, *, incident_ids: Iterable[int]
) -> dict[int, list[IncidentReport]]:
    """`list_reports` of each of `incident_ids` in one query."""
    ids = sorted(set(incident_ids))
    found: dict[int, list[IncidentReport]] = {i: [] for i in ids}
    if ids:
        for report in session.exec(
            select(IncidentReport)
            .where(col(IncidentReport.incident_id).in_(ids))
            .order_by(col(IncidentReport.reported_at), col(IncidentReport.id))
        ).all():
            found[report.incident_id].append(report)
    return found


def _check(
    session: Session,
    incident: Incident,
    data: IncidentReportCreate,
    at: datetime,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    assert incident.id is not None
    if at > now:
        raise ValidationFailed("reported_at", "must not be in the future")
    if at < incident.opened_at:
        opened = _local(incident.opened_at, tz)
        raise ValidationFailed(
            "reported_at",
            f"must not be before the incident was opened ({opened})",
            type="before_incident_opened",
            ctx={"opened": opened[:16]},
        )
    kind, initial_at = data.kind, incident.initial_reported_at
    if kind is IncidentReportKind.written and data.method is ReportMethod.phone:
        raise ValidationFailed("method", "a written report is not made by phone")
    if (
        kind in ONCE
        and session.exec(
            select(IncidentReport.id).where(
                IncidentReport.incident_id == incident.id, IncidentReport.kind == kind
            )
        ).first()
    ):
        raise Conflict(f"the {kind.value} report is already on record; add a follow-up report")
    if kind in (IncidentReportKind.follow_up, IncidentReportKind.final) and initial_at is None:
        raise Conflict(f"record the initial report before a {kind.value} report")
    if kind is not IncidentReportKind.initial and initial_at is not None and at < initial_at:
        initial = _local(initial_at, tz)
        raise ValidationFailed(
            "reported_at",
            f"must not be before the initial report ({initial})",
            type="before_initial_report",
            ctx={"initial": initial[:16]},
        )
    resolved_at = incident.resolved_at
    if (
        incident.status is IncidentStatus.resolved
        and kind is IncidentReportKind.follow_up
        and resolved_at is not None
        and at > resolved_at
    ):
        raise Conflict("the incident is resolved: put what follows in the final report")


def _local(at: datetime, tz: ZoneInfo) -> str:
    """A time as people at the centre read it: local, to the minute, with its offset."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M %z")


def _text(report: IncidentReport, implied_initial: bool, tz: ZoneInfo) -> str:
    text = f"{report.kind.value} report to {report.reported_to} by {report.method.value}"
    if report.reported_at != report.recorded_at:
        text += f", made at {_local(report.reported_at, tz)}"
    if report.summary:
        text += f": {report.summary}"
    if implied_initial:
        text += " (also recorded as the initial report)"
    return text


def record_report(
    session: Session,
    *,
    incident_id: int,
    data: IncidentReportCreate,
    user: User,
    now: datetime,
    tz: ZoneInfo,
) -> IncidentReport:
    """Record a report made to a superior; returns it (see the module's rules). Times in the
    timeline text and in errors are shown in `tz` (the centre's zone)."""
    incident = service.get_incident(session, incident_id=incident_id, for_update=True)
    at = data.reported_at or now
    if incident.opened_at.replace(second=0, microsecond=0) <= at < incident.opened_at:
        at = incident.opened_at
    _check(session, incident, data, at, now, tz)
    before = service.summary(incident) | _times(incident)

    def report(kind: IncidentReportKind) -> IncidentReport:
        row = IncidentReport(
            incident_id=incident_id,
            kind=kind,
            reported_at=at,
            reported_to=data.reported_to,
            method=data.method,
            summary=data.summary,
            reported_by=user.username,
            user_id=user.id,
            recorded_at=now,
        )
        session.add(row)
        return row

    implied_initial = False
    if data.kind is IncidentReportKind.initial:
        incident.initial_reported_at = at
    elif data.kind is IncidentReportKind.written:
        if incident.initial_reported_at is None:
            report(IncidentReportKind.initial)
            incident.initial_reported_at, implied_initial = at, True
        incident.written_reported_at = at
    made = report(data.kind)
    session.flush()
    after = service.summary(incident) | _times(incident)
    after["report"] = made.model_dump(mode="json", exclude={"incident_id"})
    text = _text(made, implied_initial, tz)
    missing = missing_items(incident)
    if missing:
        after["report_items_missing"] = missing
        text += f" (TZ50 Art. 10 items still missing: {', '.join(missing)})"
    values = {
        "kind": made.kind.value,
        "to": made.reported_to,
        "method": made.method.value,
        "made_at": made.reported_at.isoformat() if made.reported_at != made.recorded_at else None,
        "summary": made.summary or None,
        "implied_initial": implied_initial,
        "missing": missing,
    }
    service.commit_change(
        session,
        incident,
        before=before,
        kind="reported",
        text=text,
        key="reported",
        values=values,
        actor=user.username,
        now=now,
        after=after,
    )
    return made


def _times(incident: Incident) -> dict[str, object]:
    return {
        "initial_reported_at": _iso(incident.initial_reported_at),
        "written_reported_at": _iso(incident.written_reported_at),
    }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None
