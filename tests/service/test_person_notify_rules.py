"""People's own notification rules through the real dispatcher tick and the outbox channel:
voice first for one person, the step's rules for the next, an edit mid-round that waits for
the next round. Time moves by a FakeClock."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from core.clock import FakeClock
from escalation import opening, person_rules
from escalation.dispatch import Dispatcher
from escalation.models import (
    Category,
    Incident,
    IncidentCreate,
    IncidentEvent,
    Notification,
    NotificationStatus,
)
from escalation.outbox_channel import OutboxChannel
from escalation.policy import PersonTarget, Policy, Severity, Step, policy_to_dict
from oncall.models import Person, Unit
from tests.conftest import T0, savepoint_session
from tests.factories import make_person, make_unit


def _dispatcher(connection: Connection, clock: FakeClock) -> Dispatcher:
    open_session = partial(savepoint_session, connection)

    return Dispatcher(
        open_session=open_session,
        clock=clock,
        channel=OutboxChannel(),
        tz=ZoneInfo("Asia/Shanghai"),
    )


def _person(session: Session, unit: Unit, name: str, mobile: str) -> Person:
    contacts = [{"kind": "mobile", "value": mobile}]
    return make_person(session, unit=unit, name=name, contacts=contacts)


def _open(session: Session, policy: Policy) -> Incident:
    incident, _ = opening.open_incident(
        session,
        data=IncidentCreate(title="电梯困人", category=Category.other, severity=Severity.II),
        actor="test",
        now=T0,
    )
    # The test freezes its own two-step policy into the incident (person targets, no roster).
    incident.policy_json = json.dumps(policy_to_dict(policy))
    session.add(incident)
    session.commit()
    return incident


def _pages(session: Session, incident: Incident) -> list[tuple[str, int | None, str]]:
    rows = session.exec(
        select(Notification)
        .where(Notification.incident_id == incident.id)
        .order_by(col(Notification.id))
    ).all()
    assert all(r.status is NotificationStatus.sent for r in rows)
    return [(r.kind, r.person_id, r.idempotency_key) for r in rows]


def test_own_rules_reach_people_through_the_outbox(
    session: Session, connection: Connection, clock: FakeClock
) -> None:
    unit = make_unit(session)
    me = _person(session, unit, "杨帆", "+8613800000001")
    other = _person(session, unit, "胡军", "+8613800000002")
    assert me.id is not None and other.id is not None
    person_rules.replace(
        session,
        person_id=me.id,
        rules=[{"kind": "voice", "after_minutes": 0}, {"kind": "sms", "after_minutes": 3}],
        actor="杨帆",
        now=T0,
    )
    policy = Policy(
        "own-rules",
        (Step((PersonTarget(me.id),), 5, repeat=1), Step((PersonTarget(other.id),), 5)),
    )
    incident = _open(session, policy)
    dispatcher = _dispatcher(connection, clock)

    def tick_at(minutes: int) -> list[tuple[str, int | None, str]]:
        clock.set(T0 + timedelta(minutes=minutes))
        before = len(_pages(session, incident))
        dispatcher.tick()
        return _pages(session, incident)[before:]

    i = incident.id
    assert tick_at(0) == [("voice", me.id, f"{i}:0:0:{me.id}:voice")]  # voice first
    assert tick_at(2) == []  # no step voice call at 2 min: her own rules replace the step's
    # Mid-round she switches to voice only: the running round keeps its frozen rules.
    person_rules.replace(
        session,
        person_id=me.id,
        rules=[{"kind": "voice", "after_minutes": 0}],
        actor="杨帆",
        now=clock.now(),
    )
    assert tick_at(3) == [("sms", me.id, f"{i}:0:0:{me.id}:sms")]
    assert tick_at(5) == [("voice", me.id, f"{i}:0:1:{me.id}:voice")]  # round 2: the edit
    assert tick_at(8) == []
    assert tick_at(10) == [("sms", other.id, f"{i}:1:0:{other.id}:sms")]  # the step's rules
    assert tick_at(12) == [("voice", other.id, f"{i}:1:0:{other.id}:voice")]
    assert tick_at(12) == []  # a second tick (or instance) sends nothing again

    texts = session.exec(
        select(IncidentEvent.text).where(
            IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "page"
        )
    ).all()
    assert "step 1: voice to 杨帆 (+8613800000001)" in texts
