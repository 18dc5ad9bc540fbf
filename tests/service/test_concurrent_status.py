"""A Twilio status callback and its copy (a retry, a replay) arriving at once: without a
receipt (escalation.webhook_receipts), `delivery.apply_callback` holds the page's row lock,
so the second sees the first's status and applies nothing (one timeline entry, one fall
back). See tests/concurrency.py for how the writers interleave."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from escalation import delivery, opening
from escalation.models import (
    Category,
    IncidentCreate,
    IncidentEvent,
    Notification,
    NotificationStatus,
)
from escalation.policy import Severity
from tests.concurrency import at_once, committed_engine
from tests.conftest import T0

KEY = "inc-race|step0|r0|sms|+8613900000001"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _page(engine: Engine, status: str) -> int:
    data = IncidentCreate(
        title="锅炉泄漏", category=Category.other, severity=Severity.IV, place=f"城南{status}路"
    )
    with Session(engine, expire_on_commit=False) as session:
        incident, _ = opening.open_incident(session, data=data, actor="coordinator", now=T0)
        page = Notification(
            incident_id=incident.id,
            idempotency_key=f"{KEY}|{status}",
            kind="sms",
            channel="twilio",
            to="+8613900000001",
            body="事件",
            status=NotificationStatus.sent,
            next_attempt_at=T0,
            provider_id=f"SM{status}",
            provider_status="queued",
            created_at=T0,
        )
        session.add(page)
        session.commit()
        assert incident.id is not None
        return incident.id


@pytest.mark.parametrize("status", ["delivered", "undelivered"])
def test_the_same_status_twice_at_once_applies_once(engine: Engine, status: str) -> None:
    incident_id = _page(engine, status)

    def callback(session: Session) -> object:
        return delivery.apply_callback(
            session,
            key=f"{KEY}|{status}",
            provider_id=f"SM{status}",
            reported=status,
            error_code="30003",
            now=T0,
        )

    def first(session: Session) -> None:
        callback(session)
        session.commit()

    second = at_once(engine, first, lambda s: (callback(s), s.commit())[0])
    found = second.join()
    assert found is not None and found[1] is False  # the second applied nothing
    with Session(engine) as session:
        kinds = session.exec(
            select(IncidentEvent.kind).where(IncidentEvent.incident_id == incident_id)
        ).all()
    assert kinds.count("delivery") == 1
    assert kinds.count("delivery_failed") == (1 if status == "undelivered" else 0)
