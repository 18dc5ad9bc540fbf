"""The 12345 supervision chain's last stage with a fake clock: an order whose reminder (催办)
was ignored for 5 working days brings written criticism (通报批评) of the unit, once, to its
supervisor and the leadership group, audited and shown in the queue; a step done in time, or
an item outside the 12345 loop, is never criticised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from complaints import actions, service
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.models import Complaint, Supervision
from complaints.supervision import Supervisor
from complaints.vocab import ClockKind, SupervisionKind
from complaints.workflow import Action
from core.audit import list_entries
from core.clock import FakeClock
from core.users import Role
from escalation.models import NoticeTopic, Notification
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.conftest import T0
from tests.web.test_complaint_pages import _sign_in

INTAKE = Actor("coordinator", intake=True, handle=True)


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _act(session: Session, item: Complaint, action: Action, now: datetime) -> None:
    assert item.id is not None
    actions.act(
        session, complaint_id=item.id, action=action, actor=INTAKE, now=now, data=ActionInput()
    )


def _order(session: Session, number: str) -> Complaint:
    data = complaint_data(channel="transfer_12345", external_ref=number, claim="")
    (item,) = service.register(session, data=data, actor="c", now=T0)
    _act(session, item, Action.distribute, T0)
    return item


def _criticisms(session: Session, item: Complaint) -> list[Supervision]:
    return list(
        session.exec(
            select(Supervision)
            .where(
                Supervision.complaint_id == item.id,
                Supervision.kind == SupervisionKind.criticism,
            )
            .order_by(col(Supervision.id))
        ).all()
    )


def test_an_ignored_reminder_brings_written_criticism_once(
    app: FastAPI, client: TestClient, session: Session, clock: FakeClock, centre: Centre
) -> None:
    supervisor: Supervisor = app.state.supervisor
    ignored = _order(session, "GD-1")  # sign for within 1 WD: due Tue 11-24
    heeded = _order(session, "GD-2")
    (complaint,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    _act(session, complaint, Action.distribute, T0)

    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tue 09:00: both orders reminded
    assert supervisor.tick().reminded == 2
    _act(session, heeded, Action.sign_for, datetime(2026, 11, 26, 2, 0, tzinfo=UTC))

    # 5 working days after Tue 11-24 (not counted) end on Tue 12-01
    clock.set(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))  # Tue 23:00 local
    assert supervisor.tick().criticised == 0
    clock.set(datetime(2026, 12, 1, 16, 30, tzinfo=UTC))  # Wed 00:30 local
    result = supervisor.tick()
    assert result.criticised == 1
    assert supervisor.tick().criticised == 0  # idempotent
    (record,) = _criticisms(session, ignored)
    assert record.clock_kind is ClockKind.sign_for and record.unit_id == centre.east_id
    assert _criticisms(session, heeded) == []  # signed for after the reminder: heeded
    session.refresh(ignored)
    assert ignored.criticism_count == 1
    notices = session.exec(
        select(Notification).where(
            Notification.topic == NoticeTopic.complaint,
            Notification.subject_ref == f"complaint:{ignored.ref}",
            col(Notification.body).contains("通报批评"),
        )
    ).all()
    assert {(n.channel, n.to) for n in notices} == {
        ("default", "+8613800000102"),  # the unit's supervisor (person notice)
        ("group", "leadership"),
    }
    assert all("13800138000" not in n.body for n in notices)  # no citizen's number
    audited = [
        e.action for e in list_entries(session, entity_type="complaint", entity_id=str(ignored.id))
    ]
    assert "complaint.criticise" in audited

    # the reply clocks went overdue on 12-01 and were supervised (督办) on 12-02: that notice
    # starts their count too (5 WD after Wed 12-02 end on Wed 12-09); the ordinary complaint,
    # reminded and supervised as well, is outside the 12345 loop
    clock.set(datetime(2026, 12, 9, 16, 30, tzinfo=UTC))  # Thu 12-10 00:30 local
    assert supervisor.tick().criticised == 2
    session.refresh(complaint)
    assert complaint.supervision_count >= 1 and complaint.criticism_count == 0

    _sign_in(client, session, Role.coordinator)
    page = client.get("/complaints").text
    assert f'data-complaint="{ignored.id}"' in page
    assert 'data-criticised="2"' in page  # sign-for and reply criticised
    detail = client.get(f"/complaints/{ignored.id}").text
    assert 'id="complaint-criticised"' in detail
