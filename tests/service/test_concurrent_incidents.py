"""Incident writers of two instances at once (DESIGN §4: the database arbitrates): the same
event reported twice, and acknowledgement, resolution and escalation of one incident meeting
each other. See tests/service/test_concurrent_complaints.py for how the tests interleave."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core.db import write_session
from core.errors import Conflict
from escalation import opening
from escalation import service as incident_service
from escalation.models import Category, Incident, IncidentCreate
from escalation.policy import Severity
from escalation.state import IncidentStatus
from tests.concurrency import Writer, committed_engine
from tests.conftest import T0


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def test_the_same_event_reported_at_once_opens_one_incident(engine: Engine) -> None:
    data = IncidentCreate(
        title="电梯困人",
        category=Category.special_equipment,
        severity=Severity.II,
        place="城东区同时路1号",
    )
    with write_session(engine) as first:
        incident, _ = opening.open_incident_uncommitted(
            first, data=data, actor="coordinator-a", now=T0
        )
        second = Writer(
            engine,
            lambda s: opening.open_incident(s, data=data, actor="coordinator-b", now=T0),
        ).start()
        first.commit()
    joined, deduplicated = second.join()

    assert deduplicated and joined.id == incident.id
    with Session(engine) as session:
        rows = session.exec(select(Incident).where(Incident.place == data.place)).all()
        assert [(r.id, r.duplicate_reports) for r in rows] == [(incident.id, 1)]


def _open_incident(engine: Engine, place: str) -> int:
    data = IncidentCreate(
        title="燃气泄漏", category=Category.other, severity=Severity.III, place=place
    )
    with write_session(engine) as session:
        incident, _ = opening.open_incident(session, data=data, actor="coordinator", now=T0)
        assert incident.id is not None
        return incident.id


def test_an_acknowledgement_that_meets_a_resolution_is_refused(engine: Engine) -> None:
    incident_id = _open_incident(engine, "城东区确认路1号")
    with write_session(engine) as first:
        first.get(Incident, incident_id, with_for_update=True)  # a resolution under way
        second = Writer(
            engine,
            lambda s: incident_service.acknowledge(
                s, incident_id=incident_id, actor="duty_officer", now=T0, via="web"
            ),
        ).start()
        incident_service.resolve(first, incident_id=incident_id, actor="coordinator", now=T0)
    with pytest.raises(Conflict):
        second.join()

    with Session(engine) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert (incident.status, incident.acknowledged_at) == (IncidentStatus.resolved, None)


def test_an_escalation_request_that_meets_an_acknowledgement_is_refused(engine: Engine) -> None:
    incident_id = _open_incident(engine, "城东区升级路1号")
    with write_session(engine) as first:
        first.get(Incident, incident_id, with_for_update=True)
        second = Writer(
            engine,
            lambda s: incident_service.request_escalation(
                s, incident_id=incident_id, actor="person:1", now=T0
            ),
        ).start()
        incident_service.acknowledge(
            first, incident_id=incident_id, actor="duty_officer", now=T0, via="web"
        )
    with pytest.raises(Conflict):
        second.join()

    with Session(engine) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert incident.status is IncidentStatus.acknowledged
        assert not incident.escalate_requested
