"""Complaint writers of two instances at once (DESIGN §4: the database arbitrates). Each test
holds one writer's transaction open, starts a second writer (`tests.concurrency.Writer`),
then commits the first and checks what the second made of it. On SQLite the second writer
always waited (BEGIN IMMEDIATE); on PostgreSQL it ran on what READ COMMITTED showed it until
locks made it wait."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from complaints import actions, service, triage
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.models import Complaint, ComplaintCluster, ComplaintEvent
from complaints.vocab import RejectionGround, Status, Urgency
from complaints.workflow import Action
from core.db import write_session
from core.errors import Conflict
from escalation.models import Incident
from tests.complaint_helpers import complaint_data
from tests.concurrency import Writer, committed_engine
from tests.conftest import T0
from tests.factories import make_unit

HANDLER = Actor("handler", intake=True, handle=True)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _register(session: Session, respondent: str, phone: str) -> Complaint:
    data = complaint_data(
        respondent_name=respondent, respondent_address=f"城东区{respondent}", submitter_phone=phone
    )
    return service.register_uncommitted(session, data=data, actor="coordinator", now=T0)[0]


def test_related_items_registered_at_once_share_one_cluster(engine: Engine) -> None:
    with write_session(engine) as first:
        one = _register(first, "甲商店", "13911110001")
        second = Writer(
            engine,
            lambda s: (
                service.register(
                    s,
                    data=complaint_data(
                        respondent_name="乙商店",
                        respondent_address="城东区乙商店",
                        submitter_phone="13911110001",
                    ),
                    actor="coordinator",
                    now=T0,
                )[0].id
            ),
        ).start()
        first.commit()
    other_id = second.join()

    with Session(engine) as session:
        items = [session.get(Complaint, i) for i in (one.id, other_id)]
        assert all(i is not None and i.cluster_id is not None for i in items)
        assert items[0].cluster_id == items[1].cluster_id  # type: ignore[union-attr]
        cluster = session.get(ComplaintCluster, items[0].cluster_id)  # type: ignore[union-attr]
        assert cluster is not None and cluster.size == 2


def _distributed_item(engine: Engine, respondent: str, code: str) -> int:
    with write_session(engine) as session:
        unit = make_unit(session, code=code, name=respondent)
        item = _register(session, respondent, "13911110002")
        session.commit()
        assert item.id is not None
        actions.act(
            session,
            complaint_id=item.id,
            action=Action.distribute,
            actor=HANDLER,
            now=T0,
            data=ActionInput(unit_id=unit.id),
        )
        return item.id


def test_accept_and_reject_at_once_one_wins_the_other_is_refused(engine: Engine) -> None:
    item_id = _distributed_item(engine, "丙商店", "unit-accept")
    with write_session(engine) as first:
        # the first handler's accept is under way: it has the item, as `act` takes it
        first.get(Complaint, item_id, with_for_update=True)
        second = Writer(
            engine,
            lambda s: actions.act(
                s,
                complaint_id=item_id,
                action=Action.reject,
                actor=HANDLER,
                now=T0,
                data=ActionInput(ground=RejectionGround.not_consumption),
            ),
        ).start()
        actions.act(first, complaint_id=item_id, action=Action.accept, actor=HANDLER, now=T0)
    with pytest.raises(Conflict):
        second.join()

    with Session(engine) as session:
        item = session.get(Complaint, item_id)
        assert item is not None
        assert (item.status, item.rejected_at, item.rejection_ground) == (
            Status.accepted,
            None,
            None,
        )


def test_an_emergency_confirmed_twice_at_once_opens_its_incident_once(engine: Engine) -> None:
    with write_session(engine) as session:
        item = _register(session, "丁商店", "13911110003")
        session.commit()
    item_id = item.id
    assert item_id is not None

    def confirm(session: Session, actor: str) -> Complaint:
        return triage.confirm(
            session,
            complaint_id=item_id,
            domain=None,
            urgency=Urgency.emergency,
            note="",
            actor=actor,
            now=T0,
        )

    with write_session(engine) as first:
        first.get(Complaint, item_id, with_for_update=True)  # a confirmation under way
        second = Writer(engine, lambda s: confirm(s, "coordinator-b")).start()
        confirm(first, "coordinator-a")
    second.join()

    with Session(engine) as session:
        events = session.exec(
            select(ComplaintEvent).where(
                ComplaintEvent.complaint_id == item_id, ComplaintEvent.action == "emergency"
            )
        ).all()
        assert len(events) == 1
        incidents = session.exec(select(Incident).where(Incident.complaint_ref == item.ref)).all()
        assert [i.duplicate_reports for i in incidents] == [0]
