"""Escalation end to end in one process: the real app (TestClient), the real dispatcher tick
driven by a fake clock, the real `twilio` client talking HTTP to the fake Twilio server, and
signed webhooks back into the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Connection, event
from sqlmodel import Session, select

from api import demo
from api.app import create_app
from core.clock import FakeClock
from core.config import RunMode, Settings
from core.users import Role
from escalation.dispatch import MAX_RETRY_DELAY_S, Dispatcher
from escalation.models import Incident
from escalation.twilio_channel import TwilioChannel
from oncall import contacts, directory
from oncall.models import ContactCreate, ContactKind, Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.conftest import T0, make_token, make_user, savepoint_session
from tests.fakes.fake_twilio import FakeResource, FakeTwilio
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)

SID, TOKEN, FROM = "AC" + "0" * 32, "test-auth-token", "+8610012315"
PUBLIC = "http://dutydesk.test"
TODAY = date(2026, 11, 23)  # T0 is 09:30 in Shanghai


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(SID, TOKEN) as server:
        yield server


@pytest.fixture
def twilio_app(connection: Connection, clock: FakeClock, database_url: str) -> FastAPI:
    settings = Settings(
        env=RunMode.test,
        database_url=database_url,
        public_url=PUBLIC,
        twilio_auth_token=SecretStr(TOKEN),
    )
    return create_app(settings, clock=clock, session_factory=partial(savepoint_session, connection))


@pytest.fixture
def web(twilio_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(twilio_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def dispatcher(twilio_app: FastAPI, fake: FakeTwilio, clock: FakeClock) -> Dispatcher:
    channel = TwilioChannel(SID, TOKEN, FROM, fake.base_url, PUBLIC, timeout_s=2)
    return Dispatcher(
        open_session=partial(twilio_app.state.session_factory, write=True),
        clock=clock,
        channel=channel,
        tz=ZoneInfo("Asia/Shanghai"),
    )


def _person(session: Session, name: str) -> Person:
    return session.exec(select(Person).where(Person.name == name)).one()


def _mobile(session: Session, person: Person) -> str:
    return directory.person_public(session, person).contacts[0].value


@pytest.fixture
def centre(session: Session) -> dict[str, Person]:
    """The demo centre with today's roster: 杨帆 on the day shift, 胡军 on backup, 王建国
    leading; published directly so the test controls who is on duty."""
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    shifts = {s.code: s for s in session.exec(select(ShiftType)).all()}
    roster = Roster(
        unit_id=unit.id or 0,
        period_start=TODAY,
        period_end=TODAY,
        version=1,
        status=RosterStatus.published,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
        published_at=T0,
        published_by="test",
        staff_notified_at=T0,  # announced long ago: this test counts pages only
    )
    session.add(roster)
    session.flush()
    people = {
        "officer": _person(session, "杨帆"),
        "backup": _person(session, "胡军"),
        "leader": _person(session, "王建国"),
    }
    for code, key in (("day", "officer"), ("backup", "backup"), ("leader", "leader")):
        session.add(
            RosterAssignment(
                roster_id=roster.id or 0,
                person_id=people[key].id or 0,
                day=TODAY,
                shift_type_id=shifts[code].id or 0,
            )
        )
    session.commit()
    return people


@pytest.fixture
def coordinator(session: Session) -> dict[str, str]:
    user = make_user(session, role=Role.coordinator, username="coord")
    return {"Authorization": f"Bearer {make_token(session, user)}"}


def _open(web: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "电梯困人",
        "category": "special_equipment",
        "severity": "II",
        "place": "城东区幸福小区3号楼",
        "caller_name": "刘女士",
    }
    body.update(overrides)
    response = web.post("/api/v1/incidents", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def status_callback_of(sms: FakeResource) -> tuple[str, dict[str, str]]:
    """The path and query Twilio posts the message's status callbacks to, and the form's
    fields other than the status."""
    callback = urlsplit(sms.status_callback or "")
    params = {"MessageSid": sms.sid, "AccountSid": SID, "From": FROM, "To": sms.to}
    return f"{callback.path}?{callback.query}", params


def _signed_post(web: TestClient, fake: FakeTwilio, path: str, params: dict[str, str]) -> Any:
    signature = fake.sign(PUBLIC + path, params)
    return web.post(path, data=params, headers={"X-Twilio-Signature": signature})


def test_a_new_incident_is_answered_as_committed_without_reading_it_back(
    web: TestClient,
    coordinator: dict[str, str],
    centre: dict[str, Person],  # noqa: ARG001 (the plans and people to open with)
    connection: Connection,
) -> None:
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(args[2])  # (connection, cursor, statement, ...)

    event.listen(connection, "before_cursor_execute", note)
    try:
        opened = _open(web, coordinator)
    finally:
        event.remove(connection, "before_cursor_execute", note)
    read_back = [s for s in statements if "FROM incident_event" in s or "FROM incident_report" in s]
    assert read_back == []
    assert [e["kind"] for e in opened["timeline"]] == ["opened"]
    # the answer is what reading the incident gives
    assert web.get(f"/api/v1/incidents/{opened['id']}", headers=coordinator).json() == opened


def test_sms_then_voice_then_backup_then_ack_by_sms_reply(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer, backup = _mobile(session, centre["officer"]), _mobile(session, centre["backup"])
    incident = _open(web, coordinator)
    dispatcher.tick()
    sms = fake.messages(to=officer)
    assert len(sms) == 1 and incident["short_code"] in sms[0].body
    assert fake.calls() == []
    clock.advance(timedelta(minutes=2))
    dispatcher.tick()
    assert len(fake.calls(to=officer)) == 1
    assert 'language="zh-CN"' in (fake.calls(to=officer)[0].twiml or "")
    clock.advance(timedelta(minutes=3))  # severity II waits 5 minutes per step
    dispatcher.tick()
    assert len(fake.messages(to=backup)) == 1
    reply = _signed_post(
        web,
        fake,
        "/twilio/sms",
        {
            "From": backup,
            "To": FROM,
            "Body": f"{incident['short_code']} 确认",
            "MessageSid": "SMreply1",
        },
    )
    assert reply.status_code == 200 and "已确认" in reply.text
    state = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    assert state["status"] == "acknowledged"
    kinds = [e["kind"] for e in state["timeline"]]
    assert kinds[0] == "opened" and "acknowledged" in kinds and kinds.count("page") == 3
    sent = len(fake.requests)
    for _ in range(6):
        clock.advance(timedelta(minutes=5))
        dispatcher.tick()
    assert len(fake.requests) == sent  # acknowledged: nothing more is sent


def test_key_press_2_escalates_and_1_acknowledges(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer, backup = _mobile(session, centre["officer"]), _mobile(session, centre["backup"])
    incident = _open(web, coordinator)
    dispatcher.tick()
    clock.advance(timedelta(minutes=2))
    dispatcher.tick()
    call = fake.calls(to=officer)[0]
    action_url, _ = call.gather_action()
    path = action_url.removeprefix(PUBLIC)
    pressed = _signed_post(
        web, fake, path, {"CallSid": call.sid, "Digits": "2", "From": FROM, "To": officer}
    )
    assert pressed.status_code == 200 and "已升级" in pressed.text
    dispatcher.tick()
    assert len(fake.messages(to=backup)) == 1  # climbed at once, no 5-minute wait
    acked = _signed_post(
        web, fake, path, {"CallSid": call.sid, "Digits": "1", "From": FROM, "To": officer}
    )
    assert "已确认" in acked.text
    final = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    assert final["status"] == "acknowledged"


def test_gap_in_the_roster_climbs_at_once(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    clock.advance(timedelta(hours=9))  # 18:30: the day shift is over, nobody is on night duty
    user = make_user(session, role=Role.duty_officer, username="evening")
    coordinator = {"Authorization": f"Bearer {make_token(session, user, now=clock.now())}"}
    incident = _open(web, coordinator)
    dispatcher.tick()
    backup = _mobile(session, centre["backup"])
    assert len(fake.messages(to=backup)) == 1
    timeline = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    assert any("resolved to nobody" in e["text"] for e in timeline["timeline"])


def test_bad_signature_is_refused_and_changes_nothing(
    web: TestClient,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident = _open(web, coordinator)
    dispatcher.tick()
    forged = web.post(
        "/twilio/sms",
        data={"From": _mobile(session, centre["officer"]), "Body": f"{incident['short_code']} ack"},
        headers={"X-Twilio-Signature": "forged"},
    )
    assert forged.status_code == 403
    unsigned = web.post("/twilio/status", data={"MessageSid": "SMx", "MessageStatus": "failed"})
    assert unsigned.status_code == 403
    state = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    assert state["status"] == "open"


def test_transient_failures_are_retried_and_permanent_ones_fall_back(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer = centre["officer"]
    assert officer.id is not None
    contacts.add_contact(
        session,
        person_id=officer.id,
        data=ContactCreate(kind=ContactKind.mobile, value="+8613900009999", priority=2),
        actor="test",
        now=T0,
    )
    mobile = _mobile(session, officer)
    fake.fail_next(status=500, count=1)
    incident = _open(web, coordinator)
    dispatcher.tick()
    pending = web.get(
        f"/api/v1/incidents/{incident['id']}/notifications", headers=coordinator
    ).json()
    assert pending[0]["status"] == "pending" and pending[0]["attempts"] == 1
    clock.advance(timedelta(seconds=5))
    dispatcher.tick()
    assert len(fake.messages(to=mobile)) == 1
    fake.invalid_number(mobile)
    clock.advance(timedelta(minutes=2))
    dispatcher.tick()  # voice to the first mobile fails permanently → next contact
    dispatcher.tick()
    assert len(fake.calls(to="+8613900009999")) == 1
    timeline = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    texts = " | ".join(e["text"] for e in timeline["timeline"])
    assert "failed permanently" in texts and "next contact +8613900009999" in texts


def test_a_status_callback_arriving_late_does_not_turn_a_delivered_page_back(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    """Twilio does not promise the order of its status callbacks: a `sent` posted after the
    `delivered` (or a `failed` after it) changes nothing and adds nothing to the timeline."""
    incident = _open(web, coordinator)
    dispatcher.tick()
    sms = fake.messages(to=_mobile(session, centre["officer"]))[0]
    path, params = status_callback_of(sms)

    def status(value: str) -> None:
        answer = _signed_post(web, fake, path, params | {"MessageStatus": value})
        assert answer.status_code == 204

    status("delivered")
    status("sent")
    status("undelivered")
    url = f"/api/v1/incidents/{incident['id']}"
    (page,) = web.get(f"{url}/notifications", headers=coordinator).json()
    assert (page["status"], page["provider_status"]) == ("delivered", "delivered")
    timeline = web.get(url, headers=coordinator).json()["timeline"]
    deliveries = [e["text"] for e in timeline if e["kind"] == "delivery"]
    assert deliveries == [f"sms to {sms.to}: delivered"]
    assert len(fake.messages()) + len(fake.calls()) == 1  # no fall back to another contact


def test_second_report_attaches_instead_of_paging_again(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
) -> None:
    first = _open(web, coordinator)
    dispatcher.tick()
    second = _open(web, coordinator, title="同一电梯又有人报警", caller_name="王先生")
    dispatcher.tick()
    assert second["id"] == first["id"] and second["deduplicated"] is True
    assert second["duplicate_reports"] == 1
    assert len(fake.messages()) == 1


def test_outbox_channel_and_reply_box(
    client: TestClient,
    app: FastAPI,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
) -> None:
    incident = _open(client, coordinator)
    app.state.dispatcher.tick()
    outbox = client.get("/api/v1/outbox", headers=coordinator).json()
    assert outbox and outbox[0]["channel"] == "outbox" and outbox[0]["status"] == "sent"
    reply = client.post(
        f"/api/v1/outbox/{outbox[0]['id']}/reply",
        json={"body": f"{incident['short_code']} 确认"},
        headers=coordinator,
    )
    assert reply.status_code == 200 and "已确认" in reply.json()["answer"]
    ack = client.post(f"/api/v1/incidents/{incident['id']}/ack", headers=coordinator)
    assert ack.json()["status"] == "acknowledged"
    resolved = client.post(f"/api/v1/incidents/{incident['id']}/resolve", headers=coordinator)
    assert resolved.json()["status"] == "resolved"
    reopened = client.post(f"/api/v1/incidents/{incident['id']}/reopen", headers=coordinator)
    assert reopened.json()["status"] == "open"
    clock.advance(timedelta(seconds=1))
    app.state.dispatcher.tick()
    keys = [
        n["idempotency_key"]
        for n in client.get(
            f"/api/v1/incidents/{incident['id']}/notifications", headers=coordinator
        ).json()
    ]
    assert len(keys) == len(set(keys)) and any(k.endswith(":e1") for k in keys)


def test_severity_one_broadcasts_to_the_leadership_robot(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
) -> None:
    from escalation.group_channel import GroupWebhook, GroupWebhookChannel
    from tests.unit.test_group_channel import Robot

    robot = Robot()
    try:
        dispatcher.groups = GroupWebhookChannel({"leadership": GroupWebhook("wecom", robot.url)})
        incident = _open(web, coordinator, severity="I", title="锅炉爆炸")
        dispatcher.tick()
        assert len(robot.received) == 1
        assert "锅炉爆炸" in robot.received[0]["text"]["content"]
        dispatcher.tick()
        assert len(robot.received) == 1  # once, not every tick
        rows = web.get(
            f"/api/v1/incidents/{incident['id']}/notifications", headers=coordinator
        ).json()
        assert any(r["kind"] == "broadcast" and r["channel"] == "group" for r in rows)
    finally:
        robot.stop()


def test_retry_after_is_obeyed_only_up_to_the_backoff_bound(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    officer = _mobile(session, centre["officer"])
    fake.fail_next(status=429, count=1, retry_after=86400)  # "come back tomorrow"
    incident = _open(web, coordinator)
    dispatcher.tick()
    assert fake.messages(to=officer) == []
    clock.advance(timedelta(seconds=MAX_RETRY_DELAY_S))
    dispatcher.tick()
    assert len(fake.messages(to=officer)) == 1
    timeline = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    assert any(e["text"].endswith(f"retry in {MAX_RETRY_DELAY_S} s") for e in timeline["timeline"])


def test_rate_limited_leadership_robot_is_retried(
    web: TestClient,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
) -> None:
    from escalation.group_channel import GroupWebhook, GroupWebhookChannel
    from tests.unit.test_group_channel import Robot

    robot = Robot()
    try:
        dispatcher.groups = GroupWebhookChannel({"leadership": GroupWebhook("wecom", robot.url)})
        robot.reply = (200, {"errcode": 45009, "errmsg": "api freq out of limit"})
        incident = _open(web, coordinator, severity="I", title="锅炉爆炸")
        dispatcher.tick()
        robot.reply = (200, {"errcode": 0, "errmsg": "ok"})
        clock.advance(timedelta(seconds=60))
        dispatcher.tick()
        assert len(robot.received) == 2
        rows = web.get(
            f"/api/v1/incidents/{incident['id']}/notifications", headers=coordinator
        ).json()
        broadcast = next(r for r in rows if r["kind"] == "broadcast")
        assert broadcast["status"] == "sent" and broadcast["attempts"] == 2
    finally:
        robot.stop()


def test_food_safety_incident_pages_the_food_expert(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    """Step 3 pages the experts with skill `food` (the category is `food_safety`): nobody of
    them is on shift, so every food expert is paged instead of the step resolving to nobody."""
    food_experts = [_person(session, "马超"), _person(session, "朱琳")]
    others = [_person(session, "郭芳"), _person(session, "林娜")]  # experts in other domains
    incident = _open(web, coordinator, category="food_safety", severity="I", title="集体食物中毒")
    dispatcher.tick()
    for _ in range(2):  # severity I waits 3 minutes per step: officer, backup, then expert
        clock.advance(timedelta(minutes=3))
        dispatcher.tick()
    for expert in food_experts:
        assert len(fake.messages(to=_mobile(session, expert))) == 1, expert.name
    for expert in others:
        assert fake.messages(to=_mobile(session, expert)) == [], expert.name
    texts = [
        e["text"]
        for e in web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()[
            "timeline"
        ]
    ]
    assert not any("resolved to nobody" in t for t in texts), texts


def test_a_replayed_sms_reply_does_not_acknowledge_a_later_incident_with_its_code(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    """Twilio signs a callback without a timestamp: a captured "1234 确认" stays valid for
    ever. Replayed once the code names another incident the same officer is paged for, it
    must change nothing (each signed callback is acted on once)."""
    officer = _mobile(session, centre["officer"])
    first = _open(web, coordinator)
    dispatcher.tick()
    params = {"From": officer, "To": FROM, "Body": f"{first['short_code']} 确认"}
    params["MessageSid"] = "SMreplay1"
    assert "已确认" in _signed_post(web, fake, "/twilio/sms", params).text
    resolved = web.post(f"/api/v1/incidents/{first['id']}/resolve", headers=coordinator, json={})
    assert resolved.status_code == 200, resolved.text
    second = _open(web, coordinator, title="锅炉房漏气", place="城西区工业园")
    later = session.get(Incident, second["id"])
    assert later is not None
    later.short_code = first["short_code"]  # codes are reused once an incident is resolved
    session.add(later)
    session.commit()
    dispatcher.tick()
    assert any(first["short_code"] in m.body for m in fake.messages(to=officer)[1:])
    replayed = _signed_post(web, fake, "/twilio/sms", params)
    assert replayed.status_code == 200 and "已确认" not in replayed.text
    state = web.get(f"/api/v1/incidents/{second['id']}", headers=coordinator).json()
    assert state["status"] == "open"


def test_a_replayed_key_press_does_not_climb_again(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    clock: FakeClock,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    leader = _mobile(session, centre["leader"])
    incident = _open(web, coordinator)
    dispatcher.tick()
    clock.advance(timedelta(minutes=2))
    dispatcher.tick()
    call = fake.calls(to=_mobile(session, centre["officer"]))[0]
    path = call.gather_action()[0].removeprefix(PUBLIC)
    press = {"CallSid": call.sid, "Digits": "2", "From": FROM, "To": call.to}
    assert "已升级" in _signed_post(web, fake, path, press).text
    dispatcher.tick()
    replayed = _signed_post(web, fake, path, press)
    assert replayed.status_code == 200 and "已升级" not in replayed.text
    dispatcher.tick()
    assert fake.messages(to=leader) == []  # still the backup's step
    state = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()
    assert sum(e["kind"] == "escalation_requested" for e in state["timeline"]) <= 1
