"""The demo's complaint data: every workflow, an emergency with its incident, late items."""

from __future__ import annotations

from sqlmodel import Session, select

from api import demo, demo_complaints
from complaints.models import Complaint
from complaints.vocab import Status, Workflow
from escalation.models import Incident
from tests.conftest import T0


def test_demo_complaints_cover_the_workflows_and_are_seeded_once(session: Session) -> None:
    demo.seed(session, now=T0)
    assert demo_complaints.seed_complaints(session, now=T0) == 40
    items = session.exec(select(Complaint)).all()
    assert len(items) == 40
    assert {i.workflow for i in items} == set(Workflow)
    assert len({i.status for i in items}) >= 10 and any(i.status is Status.closed for i in items)
    assert any(i.overdue for i in items) and any(i.cluster_id for i in items)
    assert all(i.unit_id is not None for i in items)
    (urgent,) = [i for i in items if i.is_emergency]
    incident = session.get(Incident, urgent.incident_id)
    assert incident is not None and incident.complaint_ref == urgent.ref
    assert incident.initial_reported_at is not None and incident.written_reported_at is None
    assert demo_complaints.seed_complaints(session, now=T0) == 0
