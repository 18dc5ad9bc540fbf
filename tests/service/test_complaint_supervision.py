"""The supervision tick with a fake clock: reminders (催办) before the deadline to the unit's
contact, supervision (督办) after it to the supervisor and the group, idempotent, visible in
the queue, and sent by the real dispatcher tick through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from complaints import actions, history, service
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.models import Complaint, Supervision
from complaints.supervision import Supervisor
from complaints.vocab import ClockKind, SupervisionKind
from complaints.workflow import Action
from core.audit import list_entries
from core.clock import FakeClock
from escalation.models import NoticeTopic, Notification, NotificationStatus
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.conftest import T0

INTAKE = Actor("coordinator", intake=True, handle=True)


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _notices(session: Session) -> list[Notification]:
    return list(
        session.exec(
            select(Notification)
            .where(Notification.topic == NoticeTopic.complaint)
            .order_by(col(Notification.id))
        ).all()
    )


def test_reminder_then_supervision_each_once(
    app: FastAPI, session: Session, clock: FakeClock, centre: Centre
) -> None:
    supervisor: Supervisor = app.state.supervisor
    (item,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    assert item.id is not None
    assert supervisor.tick().reminded == 0  # distribution is due tomorrow, reminded at 09:00

    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tue 09:00 local: distribution due today
    assert supervisor.tick().reminded == 1
    (intake_notice,) = _notices(session)
    assert intake_notice.channel == "group" and intake_notice.to == "intake"
    assert "分送期限为11月24日" in intake_notice.body
    actions.act(
        session,
        complaint_id=item.id,
        action=Action.distribute,
        actor=INTAKE,
        now=clock.now(),
        data=ActionInput(),
    )

    clock.set(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # Mon 09:00: acceptance due Wed 12-02
    result = supervisor.tick()
    assert (result.reminded, result.supervised) == (1, 0)
    assert supervisor.tick().reminded == 0  # idempotent
    reminder = _notices(session)[-1]
    assert reminder.person_id == centre.east_contact.id and reminder.to == "+8613800000101"
    assert "催办" in reminder.body and "13800138000" not in reminder.body

    clock.set(datetime(2026, 12, 2, 16, 0, tzinfo=UTC))  # Thu 00:00 local: acceptance overdue
    result = supervisor.tick()
    assert (result.reminded, result.supervised) == (0, 1)
    assert supervisor.tick().supervised == 0
    session.refresh(item)
    assert item.overdue and item.supervision_count == 1
    records = session.exec(
        select(Supervision).where(Supervision.complaint_id == item.id).order_by(col(Supervision.id))
    ).all()
    assert [(r.kind, r.clock_kind) for r in records] == [
        (SupervisionKind.reminder, ClockKind.distribution),
        (SupervisionKind.reminder, ClockKind.acceptance),
        (SupervisionKind.supervision, ClockKind.acceptance),
    ]
    # the record and the history keep the notice as parts beside its text (complaints.notes)
    assert records[2].note_parts is not None
    assert [p["key"] for p in records[2].note_parts] == ["supervision.overdue"]
    assert records[2].note_parts[0]["args"]["what"] == "acceptance"
    events = history.events_of(session, item.id)
    assert events[-1].note == records[2].note
    assert events[-1].note_parts == records[2].note_parts
    supervision = _notices(session)[-2:]
    assert {(n.person_id, n.to) for n in supervision} == {
        (centre.east_supervisor.id, "+8613800000102"),
        (None, "leadership"),
    }
    assert all("督办" in n.body and "城东区局" in n.body for n in supervision)
    assert supervision[0].body == records[2].note
    audited = [
        e.action for e in list_entries(session, entity_type="complaint", entity_id=str(item.id))
    ]
    assert audited.count("complaint.supervise") == 1 and audited.count("complaint.remind") == 2

    overdue = [c.id for c in session.exec(select(Complaint).where(Complaint.overdue)).all()]
    assert overdue == [item.id]

    app.state.dispatcher.tick()
    session.expire_all()
    sent = {n.to: n.status for n in _notices(session)}
    assert sent["+8613800000101"] is NotificationStatus.sent
    assert sent["+8613800000102"] is NotificationStatus.sent


def test_a_paused_clock_is_not_supervised_and_accepting_clears_overdue(
    app: FastAPI, session: Session, clock: FakeClock, centre: Centre
) -> None:
    supervisor: Supervisor = app.state.supervisor
    (item,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    assert item.id is not None
    for action in (Action.distribute, Action.accept, Action.start_mediation, Action.suspend):
        actions.act(
            session,
            complaint_id=item.id,
            action=action,
            actor=INTAKE,
            now=T0,
            data=ActionInput(complainant_consent=True, respondent_consent=True),
        )
    clock.set(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))  # long past the mediation limit
    assert supervisor.tick().supervised == 0  # mediation is paused
    session.refresh(item)
    assert not item.overdue
