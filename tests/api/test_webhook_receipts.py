"""Receipts of signed Twilio callbacks (escalation.webhook_receipts): a reply's receipt is kept
for the retention period and then deleted by the hourly job; a status callback keeps none,
since the same status again changes nothing (escalation.delivery, under the row lock). The
table used to keep a row per callback for ever, three or four per page."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Connection
from sqlmodel import Session, col, select

from api.ticker import start_ticker
from core.clock import FakeClock
from core.config import RunMode, Settings
from escalation import webhook_receipts
from escalation.dispatch import Dispatcher
from escalation.models import Notification, WebhookReceipt
from oncall import contacts
from oncall.models import ContactCreate, ContactKind, Person
from tests.api.test_escalation_flow import (
    FROM,
    _mobile,
    _open,
    _signed_post,
    status_callback_of,
)
from tests.api.test_escalation_flow import centre as centre  # noqa: F401 (the fixture)
from tests.api.test_escalation_flow import coordinator as coordinator  # noqa: F401
from tests.api.test_escalation_flow import dispatcher as dispatcher  # noqa: F401
from tests.api.test_escalation_flow import fake as fake  # noqa: F401
from tests.api.test_escalation_flow import twilio_app as twilio_app  # noqa: F401
from tests.api.test_escalation_flow import web as web  # noqa: F401
from tests.conftest import T0, savepoint_session
from tests.fakes.fake_twilio import FakeTwilio

YEAR = timedelta(days=365)


def _receipts(session: Session) -> list[WebhookReceipt]:
    session.expire_all()
    return list(session.exec(select(WebhookReceipt).order_by(col(WebhookReceipt.id))).all())


def test_a_status_callback_twice_falls_back_once_and_keeps_no_receipt(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer = centre["officer"]
    assert officer.id is not None
    second = ContactCreate(kind=ContactKind.mobile, value="+8613900009999", priority=2)
    contacts.add_contact(session, person_id=officer.id, data=second, actor="test", now=T0)
    incident = _open(web, coordinator)
    dispatcher.tick()
    sms = fake.messages(to=_mobile(session, officer))[0]
    path, params = status_callback_of(sms)
    failed = params | {"MessageStatus": "undelivered", "ErrorCode": "30003"}
    for _ in range(2):  # Twilio retrying, or someone replaying it
        assert _signed_post(web, fake, path, failed).status_code == 204
    assert _receipts(session) == []
    url = f"/api/v1/incidents/{incident['id']}"
    timeline = web.get(url, headers=coordinator).json()["timeline"]
    assert [e["kind"] for e in timeline].count("delivery_failed") == 1
    assert [e["kind"] for e in timeline].count("fallback") == 1
    pages = session.exec(
        select(Notification).where(Notification.incident_id == incident["id"])
    ).all()
    assert sum(p.to == "+8613900009999" for p in pages) == 1


def test_a_reply_is_remembered_for_the_retention_and_then_forgotten(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
    twilio_app: FastAPI,
) -> None:
    incident = _open(web, coordinator)
    dispatcher.tick()
    officer = _mobile(session, centre["officer"])
    reply = {"From": officer, "To": FROM, "Body": f"{incident['short_code']} 确认"}
    assert "已确认" in _signed_post(web, fake, "/twilio/sms", reply | {"MessageSid": "SM1"}).text
    (receipt,) = _receipts(session)
    assert (receipt.path, receipt.received_at) == ("/twilio/sms", clock.now())
    replayed = _signed_post(web, fake, "/twilio/sms", reply | {"MessageSid": "SM1"})
    assert replayed.status_code == 200 and "已确认" not in replayed.text  # acted on once
    clock.advance(timedelta(days=200))
    later = reply | {"MessageSid": "SM2", "Body": "hello"}
    _signed_post(web, fake, "/twilio/sms", later)
    factory = twilio_app.state.session_factory
    assert webhook_receipts.prune(factory, now=T0 + YEAR, retention=YEAR) == 0  # not older
    cut = T0 + YEAR + timedelta(microseconds=1)
    assert webhook_receipts.prune(factory, now=cut, retention=YEAR) == 1
    assert [r.received_at for r in _receipts(session)] == [T0 + timedelta(days=200)]


def test_expired_receipts_are_deleted_in_batches_oldest_first(
    connection: Connection, session: Session
) -> None:
    for n, age in enumerate((400, 366, 365, 30, 366, 500)):
        at = T0 - timedelta(days=age)
        session.add(WebhookReceipt(digest=f"{n:064d}", path="/twilio/sms", received_at=at))
    session.commit()
    before = T0 - YEAR
    assert webhook_receipts.delete_expired(session, before=before, limit=2) == 2
    session.commit()
    assert sorted((T0 - r.received_at).days for r in _receipts(session)) == [30, 365, 366, 366]
    factory = partial(savepoint_session, connection)
    assert webhook_receipts.prune(factory, now=T0, retention=YEAR, batch=1) == 2
    assert sorted((T0 - r.received_at).days for r in _receipts(session)) == [30, 365]
    assert webhook_receipts.prune(factory, now=T0, retention=YEAR) == 0


def test_the_ticker_runs_the_retention_job_hourly(twilio_app: FastAPI) -> None:
    ticks: list[int] = []
    scheduler = start_ticker(
        twilio_app.state.dispatcher, 3600, receipt_prune=lambda: ticks.append(1)
    )
    try:
        job = scheduler.get_job("webhook-receipt-retention")
        assert job is not None and job.trigger.interval == timedelta(hours=1)
    finally:
        scheduler.shutdown(wait=True)
        twilio_app.state.dispatcher.start_tick_now = None


def test_the_retention_is_a_setting_of_at_least_a_day(database_url: str) -> None:
    base = {"env": RunMode.test, "database_url": database_url}
    assert Settings(**base).webhook_receipt_retention_days == 365  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="webhook_receipt_retention_days"):
        Settings(**base, webhook_receipt_retention_days=0)  # type: ignore[arg-type]
