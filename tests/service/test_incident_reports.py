"""Reports to superiors (escalation.reporting): the times are checked, the first initial and
written reports set the clocks, a written report implies the initial one, initial / written /
final are made once, and every report writes a timeline event and an audit entry."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEntry
from core.errors import Conflict, ValidationFailed
from core.users import Role, User
from escalation import deadlines, opening, reporting, service
from escalation.models import (
    Category,
    Incident,
    IncidentCreate,
    IncidentReportCreate,
    IncidentReportKind,
    ReportMethod,
)
from escalation.policy import Severity
from tests.conftest import T0, make_user

KIND = IncidentReportKind
BUREAU = "市局应急值班室"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def user(session: Session) -> User:
    return make_user(session, role=Role.coordinator, username="reporter")


@pytest.fixture
def incident(session: Session) -> Incident:
    data = IncidentCreate(
        title="电梯困人", category=Category.special_equipment, severity=Severity.II
    )
    opened, _ = opening.open_incident(session, data=data, actor="coord", now=T0)
    return opened  # II: initial report within 15 min, written within 30


def _report(
    session: Session, incident: Incident, user: User, *, minutes: float, at: float | None = None
) -> Any:
    """A report of the given kind made `at` minutes after opening, recorded `minutes` after."""

    def record(kind: IncidentReportKind, **fields: Any) -> Any:
        assert incident.id is not None
        reported_at = T0 + timedelta(minutes=at) if at is not None else None
        data = IncidentReportCreate(
            kind=kind, reported_to=BUREAU, reported_at=reported_at, **fields
        )
        return reporting.record_report(
            session,
            incident_id=incident.id,
            data=data,
            user=user,
            now=T0 + timedelta(minutes=minutes),
            tz=SHANGHAI,
        )

    return record


def _clocks(incident: Incident, now_minutes: float) -> dict[str, deadlines.ReportingClock]:
    clocks = reporting.clocks(incident, now=T0 + timedelta(minutes=now_minutes))
    return {c.name: c for c in clocks}


def test_initial_report_meets_its_clock_with_timeline_and_audit(
    session: Session, incident: Incident, user: User
) -> None:
    made = _report(session, incident, user, minutes=12, at=10)(KIND.initial, summary="2人被困")
    assert made.reported_at == T0 + timedelta(minutes=10)
    assert made.recorded_at == T0 + timedelta(minutes=12)
    assert made.reported_by == "reporter" and made.user_id == user.id
    assert incident.initial_reported_at == made.reported_at and incident.written_reported_at is None
    clocks = _clocks(incident, now_minutes=40)
    assert clocks["initial_report"].met_at == made.reported_at
    assert not clocks["initial_report"].overdue
    assert clocks["written_report"].met_at is None and clocks["written_report"].overdue
    events = service.timeline(session, incident_id=incident.id or 0)
    assert events[-1].kind == "reported" and events[-1].actor == "reporter"
    assert BUREAU in events[-1].text and "2人被困" in events[-1].text
    entry = session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == "incident.reported")
        .order_by(col(AuditEntry.seq).desc())
    ).first()
    assert entry is not None and entry.entity_id == str(incident.id)
    assert entry.before is not None and entry.after is not None
    assert json.loads(entry.before)["initial_reported_at"] is None
    after = json.loads(entry.after)
    assert after["initial_reported_at"] == made.reported_at.isoformat()
    assert after["report"]["kind"] == "initial" and after["report"]["reported_to"] == BUREAU


def test_reported_at_defaults_to_now(session: Session, incident: Incident, user: User) -> None:
    made = _report(session, incident, user, minutes=20)(KIND.initial)
    assert made.reported_at == made.recorded_at == T0 + timedelta(minutes=20)
    assert _clocks(incident, now_minutes=20)["initial_report"].overdue  # met, but late


def test_written_report_without_an_initial_one_records_both(
    session: Session, incident: Incident, user: User
) -> None:
    made = _report(session, incident, user, minutes=25)(KIND.written, method=ReportMethod.fax)
    at = T0 + timedelta(minutes=25)
    assert incident.initial_reported_at == incident.written_reported_at == at
    reports = reporting.list_reports(session, incident_id=incident.id or 0)
    assert [(r.kind, r.reported_at, r.reported_to) for r in reports] == [
        (KIND.initial, at, BUREAU),
        (KIND.written, at, BUREAU),
    ]
    assert reports[1].id == made.id
    clocks = _clocks(incident, now_minutes=60)
    assert clocks["initial_report"].overdue  # 25 min > 15: met late
    assert not clocks["written_report"].overdue
    text = service.timeline(session, incident_id=incident.id or 0)[-1].text
    assert "initial" in text  # the timeline says the initial report was recorded too


def test_written_report_after_the_initial_keeps_the_initial_time(
    session: Session, incident: Incident, user: User
) -> None:
    _report(session, incident, user, minutes=5)(KIND.initial)
    _report(session, incident, user, minutes=28)(KIND.written, method=ReportMethod.written)
    assert incident.initial_reported_at == T0 + timedelta(minutes=5)
    assert incident.written_reported_at == T0 + timedelta(minutes=28)
    kinds = [r.kind for r in reporting.list_reports(session, incident_id=incident.id or 0)]
    assert kinds == [KIND.initial, KIND.written]


@pytest.mark.parametrize(
    ("at", "reason"),
    [(11, "future"), (-1, "opened")],
)
def test_reported_at_outside_opening_and_now_is_refused(
    session: Session, incident: Incident, user: User, at: float, reason: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _report(session, incident, user, minutes=10, at=at)(KIND.initial)
    assert refused.value.errors[0].field == "reported_at"
    assert reason in refused.value.errors[0].reason
    assert incident.initial_reported_at is None


def test_a_time_in_the_opening_minute_counts_as_the_opening(
    session: Session, incident: Incident, user: User
) -> None:
    late_opened = incident.opened_at + timedelta(seconds=40)
    incident.opened_at = late_opened  # 09:30:40; the report is given as 09:30
    made = _report(session, incident, user, minutes=5, at=0)(KIND.initial)
    assert made.reported_at == incident.initial_reported_at == late_opened


def test_later_reports_must_not_precede_the_initial_report(
    session: Session, incident: Incident, user: User
) -> None:
    _report(session, incident, user, minutes=10)(KIND.initial)
    with pytest.raises(ValidationFailed) as refused:
        _report(session, incident, user, minutes=12, at=5)(KIND.follow_up)
    assert refused.value.errors[0].field == "reported_at"


def test_a_written_report_is_not_made_by_phone(
    session: Session, incident: Incident, user: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _report(session, incident, user, minutes=10)(KIND.written, method=ReportMethod.phone)
    assert refused.value.errors[0].field == "method"


@pytest.mark.parametrize("kind", [KIND.initial, KIND.written, KIND.final])
def test_initial_written_and_final_reports_are_made_once(
    session: Session, incident: Incident, user: User, kind: IncidentReportKind
) -> None:
    method = ReportMethod.phone if kind is KIND.initial else ReportMethod.written
    if kind is not KIND.initial:
        _report(session, incident, user, minutes=5)(KIND.initial)
    _report(session, incident, user, minutes=10)(kind, method=method)
    with pytest.raises(Conflict):
        _report(session, incident, user, minutes=12)(kind, method=method)


def test_follow_up_and_final_need_the_initial_report(
    session: Session, incident: Incident, user: User
) -> None:
    for kind in (KIND.follow_up, KIND.final):
        with pytest.raises(Conflict):
            _report(session, incident, user, minutes=10)(kind)
    _report(session, incident, user, minutes=10)(KIND.initial)
    _report(session, incident, user, minutes=20)(KIND.follow_up)
    _report(session, incident, user, minutes=40)(KIND.follow_up)
    follow_ups = [
        r
        for r in reporting.list_reports(session, incident_id=incident.id or 0)
        if r.kind is KIND.follow_up
    ]
    assert len(follow_ups) == 2


def test_the_reports_a_resolved_incident_still_owes_can_be_made_late(
    session: Session, incident: Incident, user: User
) -> None:
    """Resolved within the hour with no report made: the initial and written reports are still
    owed (their clocks run on), so they are recorded when made, late, never refused."""
    assert incident.id is not None
    service.resolve(session, incident_id=incident.id, actor="coord", now=T0 + timedelta(hours=1))
    _report(session, incident, user, minutes=70)(KIND.initial)
    _report(session, incident, user, minutes=90)(KIND.written, method=ReportMethod.system)
    clocks = _clocks(incident, 120)  # II: due 15 and 30 min after opening
    assert clocks["initial_report"].met_at == T0 + timedelta(minutes=70)
    assert clocks["written_report"].met_at == T0 + timedelta(minutes=90)
    assert clocks["initial_report"].overdue and clocks["written_report"].overdue  # made late
    with pytest.raises(Conflict):
        _report(session, incident, user, minutes=100)(KIND.follow_up)
    assert _report(session, incident, user, minutes=110)(KIND.final).kind is KIND.final


def test_a_resolved_incident_takes_a_final_report_and_earlier_reports_only(
    session: Session, incident: Incident, user: User
) -> None:
    assert incident.id is not None
    _report(session, incident, user, minutes=10)(KIND.initial)
    service.resolve(session, incident_id=incident.id, actor="coord", now=T0 + timedelta(hours=1))
    with pytest.raises(Conflict):
        _report(session, incident, user, minutes=70)(KIND.follow_up)
    # a written report made before the incident was resolved, recorded afterwards
    _report(session, incident, user, minutes=75, at=30)(KIND.written, method=ReportMethod.fax)
    final = _report(session, incident, user, minutes=120)(KIND.final, method=ReportMethod.system)
    assert final.kind is KIND.final
    assert incident.written_reported_at == T0 + timedelta(minutes=30)
