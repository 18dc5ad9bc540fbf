"""Replies, key presses and second reports, through the real app: who may acknowledge or
escalate by reply (only someone paged for the incident), what every reply leaves on the
timeline, TwiML answers whatever state the incident is in, a more severe second report,
short codes on reopen, and resolving twice. The fake Twilio server and the dispatcher tick
with a fake clock, as in test_escalation_flow."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from core.audit import AuditEntry
from core.clock import FakeClock
from core.privacy import mask_phone
from core.users import Role
from escalation.dispatch import Dispatcher
from escalation.models import Incident, Notification
from oncall.models import Person
from tests.api import test_escalation_flow as flow
from tests.conftest import make_token, make_user
from tests.fakes.fake_twilio import FakeTwilio
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)

# the fixtures of the escalation flow tests, shared
fake, twilio_app, web, dispatcher = flow.fake, flow.twilio_app, flow.web, flow.dispatcher
centre, coordinator = flow.centre, flow.coordinator
_open, _mobile = flow._open, flow._mobile
STRANGER = "+8613999999999"  # in no directory, never paged


def _sms(web: TestClient, fake: FakeTwilio, sender: str, body: str) -> Any:
    return flow._signed_post(
        web, fake, "/twilio/sms", {"From": sender, "To": flow.FROM, "Body": body}
    )


def _incident(web: TestClient, headers: dict[str, str], incident_id: int) -> dict[str, Any]:
    body: dict[str, Any] = web.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()
    return body


def _events(body: dict[str, Any], kind: str) -> list[str]:
    return [e["text"] for e in body["timeline"] if e["kind"] == kind]


def _audits(session: Session, action: str) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


# ---- 1. only someone paged for the incident acknowledges or escalates by reply ---------------


def test_a_stranger_cannot_acknowledge_by_sms_and_the_escalation_goes_on(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident = _open(web, coordinator)
    dispatcher.tick()
    code = incident["short_code"]
    for body in (f"{code} 确认", f"{code} 升级"):
        answer = _sms(web, fake, STRANGER, body)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml"
        assert "未登记或未接到" in answer.text and "已确认" not in answer.text
    leader = _mobile(session, centre["leader"])  # in the directory, but not paged yet
    assert "您未接到" in _sms(web, fake, leader, f"{code} 确认").text
    state = _incident(web, coordinator, incident["id"])
    assert state["status"] == "open" and state["acknowledged_by"] is None
    refused = _events(state, "reply_refused")
    assert len(refused) == 3 and all("not paged for this incident" in t for t in refused)
    assert STRANGER in refused[0] and "an unknown sender" in refused[0]
    audits = _audits(session, "incident.reply_refused")
    assert len(audits) == 3
    assert all(STRANGER[-11:] not in f"{a.actor} {a.after}" for a in audits)  # masked
    clock.advance(timedelta(minutes=5))
    dispatcher.tick()
    assert len(fake.messages(to=_mobile(session, centre["backup"]))) == 1  # still climbing
    officer = _mobile(session, centre["officer"])
    assert "已确认" in _sms(web, fake, officer, f"{code} 确认").text  # paged: accepted
    assert _incident(web, coordinator, incident["id"])["status"] == "acknowledged"


def test_a_group_broadcast_in_the_outbox_acknowledges_nothing(
    client: TestClient,
    app: FastAPI,
    centre: dict[str, Person],
    coordinator: dict[str, str],
) -> None:
    first = _open(client, coordinator, severity="I", title="锅炉爆炸")
    second = _open(client, coordinator, title="电梯困人", place="万达广场")
    app.state.dispatcher.tick()
    outbox = client.get("/api/v1/outbox", headers=coordinator).json()
    broadcast = next(
        m for m in outbox if m["kind"] == "broadcast" and m["incident_id"] == first["id"]
    )
    for incident in (second, first):
        reply = client.post(
            f"/api/v1/outbox/{broadcast['id']}/reply",
            json={"body": f"{incident['short_code']} 确认"},
            headers=coordinator,
        )
        assert reply.status_code == 200 and "不能确认" in reply.json()["answer"]
        state = _incident(client, coordinator, incident["id"])
        assert state["status"] == "open" and _events(state, "reply_refused")


# ---- the outbox reply box: only outbox pages, and it says who typed the reply ----------------


def _outbox_page(client: TestClient, headers: dict[str, str], person: Person) -> dict[str, Any]:
    outbox = client.get("/api/v1/outbox", headers=headers).json()
    page: dict[str, Any] = next(m for m in outbox if m["person_id"] == person.id)
    return page


def test_an_outbox_reply_records_the_user_who_typed_it(
    client: TestClient,
    app: FastAPI,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident = _open(client, coordinator)
    app.state.dispatcher.tick()
    officer = centre["officer"]
    page = _outbox_page(client, coordinator, officer)
    reply = client.post(
        f"/api/v1/outbox/{page['id']}/reply",
        json={"body": f"{incident['short_code']} 确认"},
        headers=coordinator,
    )
    assert reply.status_code == 200 and "已确认" in reply.json()["answer"]
    state = _incident(client, coordinator, incident["id"])
    on_behalf = f"person:{officer.id} (outbox reply by coord)"
    assert state["status"] == "acknowledged" and state["acknowledged_by"] == on_behalf
    assert f"acknowledged by {on_behalf} via outbox; escalation stopped" in _events(
        state, "acknowledged"
    )
    (entry,) = _audits(session, "incident.acknowledged")
    assert entry.actor == "coord" and on_behalf in (entry.after or "")


def test_a_reply_to_an_acknowledged_incident_names_who_acknowledged(
    client: TestClient,
    app: FastAPI,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    """The answer to a late reply names the person or user who acknowledged, never their
    stored actor ("person:6 (outbox reply by coord)") or login."""
    officer = centre["officer"]
    for acknowledge_by_web, who in ((False, officer.name), (True, "Test coordinator")):
        incident = _open(client, coordinator, place=f"城东区{who}")
        code = incident["short_code"]
        app.state.dispatcher.tick()
        page = next(
            m
            for m in client.get("/api/v1/outbox", headers=coordinator).json()
            if m["person_id"] == officer.id and m["incident_id"] == incident["id"]
        )
        reply = f"/api/v1/outbox/{page['id']}/reply"
        if acknowledge_by_web:
            ack = client.post(f"/api/v1/incidents/{incident['id']}/ack", headers=coordinator)
            assert ack.is_success
        else:
            first = client.post(reply, json={"body": f"{code} 确认"}, headers=coordinator)
            assert first.is_success
        late = client.post(reply, json={"body": f"{code} 升级"}, headers=coordinator)
        assert late.json()["answer"] == f"事件 {code} 已由 {who} 确认，无需再确认或升级"


def test_a_user_linked_to_the_recipient_replies_as_that_person(
    client: TestClient,
    app: FastAPI,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer = centre["officer"]
    user = make_user(session, role=Role.duty_officer, username="yangfan")
    officer.user_id = user.id
    session.add(officer)
    session.commit()
    own = {"Authorization": f"Bearer {make_token(session, user)}"}
    incident = _open(client, coordinator)
    app.state.dispatcher.tick()
    page = _outbox_page(client, own, officer)
    body = {"body": f"{incident['short_code']} 确认"}
    assert client.post(f"/api/v1/outbox/{page['id']}/reply", json=body, headers=own).is_success
    state = _incident(client, coordinator, incident["id"])
    assert state["acknowledged_by"] == f"person:{officer.id}"
    (entry,) = _audits(session, "incident.acknowledged")
    assert entry.actor == "yangfan"


def test_a_page_sent_through_twilio_cannot_be_answered_in_the_outbox(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
) -> None:
    incident = _open(web, coordinator)
    dispatcher.tick()
    page = _outbox_page(web, coordinator, centre["officer"])
    assert page["channel"] == "twilio" and page["status"] == "sent"
    reply = web.post(
        f"/api/v1/outbox/{page['id']}/reply",
        json={"body": f"{incident['short_code']} 确认"},
        headers=coordinator,
    )
    assert reply.status_code == 409 and reply.json()["code"] == "conflict"
    assert "from their phone" in reply.json()["detail"]
    state = _incident(web, coordinator, incident["id"])
    assert state["status"] == "open" and not _events(state, "reply")


# ---- 7. every reply is on the timeline; the others are audited -------------------------------


def test_every_reply_leaves_a_trace(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident = _open(web, coordinator)
    dispatcher.tick()
    code, officer = incident["short_code"], _mobile(session, centre["officer"])
    assert "未识别" in _sms(web, fake, officer, f"{code} maybe").text
    assert "已确认" in _sms(web, fake, officer, f"{code} 确认").text
    again = _sms(web, fake, officer, f"{code} 收到")
    assert "已由" in again.text and "确认" in again.text
    state = _incident(web, coordinator, incident["id"])
    replies = _events(state, "reply")
    assert len(replies) == 3
    assert f"{code} maybe" in replies[0] and "not understood" in replies[0]
    assert "already acknowledged" in replies[2]
    unknown = "0000" if code != "0000" else "0001"
    assert "不存在或已办结" in _sms(web, fake, officer, f"{unknown} 确认").text
    assert "未识别" in _sms(web, fake, STRANGER, "hello").text
    unmatched = _audits(session, "incident.reply_unmatched")
    assert [a.actor for a in unmatched] == [mask_phone(officer), "139****9999"]  # masked
    assert json.loads(unmatched[0].after or "{}") == {
        "from": mask_phone(officer),
        "length": len(f"{unknown} 确认"),
        "code": unknown,
        "word": "确认",
    }


def test_an_unmatched_reply_is_logged_and_audited_without_its_personal_data(
    web: TestClient, fake: FakeTwilio, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    body = "举报人李四身份证110101199003071234电话13712345678"
    with caplog.at_level(logging.INFO, logger="dutydesk"):
        assert "未识别" in _sms(web, fake, STRANGER, body).text
        assert "不存在或已办结" in _sms(web, fake, STRANGER, named := "0000 李四13712345678").text
    logged = [r.getMessage() for r in caplog.records if "no unresolved incident" in r.getMessage()]
    assert logged == [
        f"reply from 139****9999 ({len(body)} characters, code none) names no unresolved incident",
        f"reply from 139****9999 ({len(named)} characters, code 0000) names no unresolved incident",
    ]
    stored = " ".join(
        f"{a.actor} {a.entity_id} {a.after}" for a in _audits(session, "incident.reply_unmatched")
    )
    for secret in ("李四", "110101199003071234", "13712345678", "13999999999"):
        assert secret not in caplog.text and secret not in stored, secret


# ---- 8. TwiML whatever the incident's state --------------------------------------------------


def test_twilio_answers_twiml_on_acknowledged_and_resolved_incidents(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer = _mobile(session, centre["officer"])
    incident = _open(web, coordinator)
    dispatcher.tick()
    clock.advance(timedelta(minutes=2))
    dispatcher.tick()
    url = f"/api/v1/incidents/{incident['id']}"
    web.post(f"{url}/ack", headers=coordinator)
    escalate = _sms(web, fake, officer, f"{incident['short_code']} 升级")
    assert escalate.status_code == 200 and escalate.headers["content-type"] == "application/xml"
    assert "<Message>" in escalate.text and "无需再确认或升级" in escalate.text
    call = fake.calls(to=officer)[0]
    path = call.gather_action()[0].removeprefix(flow.PUBLIC)
    press = {"CallSid": call.sid, "From": flow.FROM, "To": officer}
    acked = flow._signed_post(web, fake, path, press | {"Digits": "2"})
    assert acked.status_code == 200 and "已有人确认" in acked.text
    web.post(f"{url}/resolve", headers=coordinator)
    for digits in ("1", "2"):  # not the very callback of above: that would be a replay
        later = press | {"Digits": digits, "CallStatus": "in-progress"}
        answer = flow._signed_post(web, fake, path, later)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml"
        assert "<Say" in answer.text and "已办结" in answer.text
    state = _incident(web, coordinator, incident["id"])
    assert state["status"] == "resolved"
    assert len(_events(state, "key_press")) == 3 and len(_events(state, "reply")) == 1


# ---- 3 and 5. second reports -----------------------------------------------------------------


def test_a_more_severe_second_report_raises_the_level_and_keeps_the_reporter(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer = _mobile(session, centre["officer"])
    first = _open(web, coordinator, severity="IV", place="万达广场", title="电梯异响")
    dispatcher.tick()
    clock.advance(timedelta(minutes=10))
    second = _open(
        web,
        coordinator,
        severity="II",
        place="万达广场",
        title="电梯坠落",
        description="轿厢下坠至负一层，3人受伤",
        caller_name="李四",
        caller_phone="+8613800000004",
    )
    assert second["deduplicated"] is True and second["id"] == first["id"]
    assert second["severity"] == "II"
    stored = session.get(Incident, first["id"])
    assert stored is not None
    session.refresh(stored)
    assert '"special_equipment-II"' in stored.policy_json
    # II reports are due 15 / 30 min after this report, 10 min after the opening
    assert (stored.initial_report_minutes, stored.written_report_minutes) == (25, 40)
    state = _incident(web, coordinator, first["id"])
    duplicate = _events(state, "duplicate")[0]
    assert "轿厢下坠至负一层" in duplicate and "+8613800000004" in duplicate
    assert "李四" in duplicate and "II 电梯坠落" in duplicate
    raised = _events(state, "severity_raised")[0]
    assert "from IV to II" in raised
    audit = _audits(session, "incident.duplicate")[0]
    assert "+8613800000004" in (audit.after or "") and "轿厢下坠" in (audit.after or "")
    assert _audits(session, "incident.severity_raised")
    dispatcher.tick()  # the officer is paged again at once, with the new level
    sms = fake.messages(to=officer)
    assert len(sms) == 2 and "重大(II级)" in sms[1].body
    clock.advance(timedelta(minutes=5))  # II waits 5 minutes per step, not IV's 15
    dispatcher.tick()
    assert len(fake.messages(to=_mobile(session, centre["backup"]))) == 1
    milder = _open(web, coordinator, severity="IV", place="万达广场", title="电梯停运")
    assert milder["deduplicated"] is True and milder["severity"] == "II"


def test_raising_an_acknowledged_incident_to_level_one_tells_the_leadership_and_pages_nobody(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    first = _open(web, coordinator, severity="IV", place="万达广场", title="电梯异响")
    dispatcher.tick()
    web.post(f"/api/v1/incidents/{first['id']}/ack", headers=coordinator)
    second = _open(web, coordinator, severity="I", place="万达广场", title="电梯坠落多人伤亡")
    assert second["deduplicated"] is True and second["status"] == "acknowledged"
    raised = _events(second, "severity_raised")[0]
    assert "already acknowledged: telling leadership now" in raised
    dispatcher.tick()
    # level I tells the leadership group at once (DOMAIN.md §5), though someone owns it
    broadcasts = session.exec(
        select(Notification).where(
            Notification.incident_id == first["id"], Notification.kind == "broadcast"
        )
    ).all()
    assert [b.to for b in broadcasts] == ["leadership"]
    assert "特别重大(I级)" in broadcasts[0].body
    state = _incident(web, coordinator, first["id"])
    assert state["status"] == "acknowledged" and _events(state, "broadcast")
    assert len(fake.messages()) == 1  # the first page only: nobody is paged again
    dispatcher.tick()
    assert len(session.exec(select(Notification)).all()) == len(broadcasts) + 1


def test_a_second_report_of_an_acknowledged_incident_pages_nobody(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    first = _open(web, coordinator)
    dispatcher.tick()
    web.post(f"/api/v1/incidents/{first['id']}/ack", headers=coordinator)
    second = _open(web, coordinator, title="同一电梯又有人报警")
    dispatcher.tick()
    assert second["id"] == first["id"] and second["deduplicated"] is True
    assert second["status"] == "acknowledged"
    assert len(fake.messages()) == 1
    assert session.exec(select(Incident.id)).all() == [first["id"]]


# ---- 6. a reopened incident never shares its code --------------------------------------------


def test_reopen_takes_a_new_code_when_its_own_was_given_away(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    a = _open(web, coordinator, place="万达广场")
    dispatcher.tick()
    web.post(f"/api/v1/incidents/{a['id']}/resolve", headers=coordinator)
    b = _open(web, coordinator, place="城西区")
    stored_b = session.get(Incident, b["id"])
    assert stored_b is not None
    stored_b.short_code = a["short_code"]  # the random draw gave b the code a had
    session.add(stored_b)
    session.commit()
    clock.advance(timedelta(minutes=1))
    reopened = web.post(f"/api/v1/incidents/{a['id']}/reopen", headers=coordinator).json()
    assert reopened["status"] == "open" and reopened["short_code"] != a["short_code"]
    note = _events(reopened, "reopened")[0]
    assert f"its code {a['short_code']} is now another incident's" in note
    assert reopened["short_code"] in note
    dispatcher.tick()
    officer = _mobile(session, centre["officer"])
    assert f"回复“{reopened['short_code']} 确认”" in fake.messages(to=officer)[-1].body
    _sms(web, fake, officer, f"{reopened['short_code']} 确认")
    assert _incident(web, coordinator, a["id"])["status"] == "acknowledged"
    assert _incident(web, coordinator, b["id"])["status"] == "open"
    kept = web.post(f"/api/v1/incidents/{b['id']}/resolve", headers=coordinator)
    assert kept.status_code == 200
    web.post(f"/api/v1/incidents/{a['id']}/resolve", headers=coordinator)
    again = web.post(f"/api/v1/incidents/{a['id']}/reopen", headers=coordinator).json()
    assert again["short_code"] == reopened["short_code"]  # free: kept


# ---- 11. resolving twice ---------------------------------------------------------------------


def test_resolving_twice_keeps_the_first_resolution(
    web: TestClient,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident = _open(web, coordinator)
    url = f"/api/v1/incidents/{incident['id']}"
    first = web.post(f"{url}/resolve", headers=coordinator).json()
    clock.advance(timedelta(minutes=5))
    second = web.post(f"{url}/resolve", headers=coordinator)
    assert second.status_code == 200  # a no-op, as acknowledging twice is
    assert second.json()["resolved_at"] == first["resolved_at"]
    assert len(_events(second.json(), "resolved")) == 1
    resolved = session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "incident.resolved",
            col(AuditEntry.entity_id) == str(incident["id"]),
        )
    ).all()
    assert len(resolved) == 1
