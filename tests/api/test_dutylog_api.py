from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from core.audit import AuditEntry
from core.clock import FakeClock
from core.errors import FieldError
from core.users import Role
from oncall.dutylog_models import DutyLogEntry, Handover
from oncall.models import Person, Unit, UnitKind
from tests.api.test_refusal_wording import ZH, _worded
from tests.conftest import T0, TEST_PASSWORD, make_token, make_user
from tests.factories import make_person, make_unit
from web.field_errors import refusal_text

Headers = Callable[[Role], dict[str, str]]


def _count(session: Session, model: type[Any]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _entry(unit_id: int | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "unit_id": unit_id,
        "occurred_at": "2026-11-23T09:05:00+08:00",
        "caller_unit": "城东区市场监督管理局",
        "caller_name": "许涛",
        "caller_phone": "+8613912345670",
        "place": "城东区幸福路 12 号商场",
        "event": "电梯困人，两人被困约 20 分钟",
        "measures": "已通知维保单位赶赴现场",
        "informed": "119",
    }
    body.update(overrides)
    return body


def _people(session: Session) -> tuple[Unit, Person, Person]:
    unit = make_unit(session)
    return unit, make_person(session, unit=unit, name="杨帆"), make_person(session, unit=unit)


def _linked(session: Session, person: Person, username: str = "taker-user") -> Headers:
    """A duty officer's bearer token, the user linked to `person`."""
    user = make_user(session, role=Role.duty_officer, username=username)
    person.user_id = user.id
    session.add(person)
    session.commit()
    return {"Authorization": f"Bearer {make_token(session, user)}"}


def test_duty_officer_records_and_reads_the_log(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, recorder, _ = _people(session)
    officer = auth_headers(Role.duty_officer)
    created = client.post(
        "/api/v1/duty-log",
        json=_entry(unit.id, recorder_person_id=recorder.id, incident_ref="INC-2026-0042"),
        headers=officer,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["occurred_at"].startswith("2026-11-23T01:05:00")
    assert body["recorded_by"] == "duty_officer-user"
    assert body["recorded_at"].startswith("2026-11-23T01:30:00")
    assert body["recorder_person_id"] == recorder.id
    assert body["caller_phone"] == "+8613912345670"  # the duty staff see it in full
    handler = auth_headers(Role.handler)
    one = client.get(f"/api/v1/duty-log/{body['id']}", headers=handler)
    # a handling unit's reader sees the caller's number masked, the rest as recorded
    assert one.status_code == 200 and one.json() == body | {"caller_phone": "139****5670"}
    listed = client.get(
        "/api/v1/duty-log",
        params={
            "unit_id": unit.id,
            "start": "2026-11-23T09:00:00+08:00",
            "end": "2026-11-23T02:00:00Z",
        },
        headers=handler,
    )
    assert [e["id"] for e in listed.json()] == [body["id"]]
    empty = client.get("/api/v1/duty-log", params={"end": "2026-11-23T01:05:00Z"}, headers=handler)
    assert empty.json() == []
    missing = client.get("/api/v1/duty-log/999999", headers=handler)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    audit = client.get(
        f"/api/v1/audit?entity_type=duty_log_entry&entity_id={body['id']}",
        headers=auth_headers(Role.admin),
    ).json()
    assert [(e["action"], e["actor"]) for e in audit] == [
        ("duty_log_entry.create", "duty_officer-user")
    ]


def test_invalid_entries_are_422_naming_the_field_and_write_nothing(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit = make_unit(session)
    officer = auth_headers(Role.duty_officer)
    before = _count(session, DutyLogEntry), _count(session, AuditEntry)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("occurred_at", _entry(unit.id, occurred_at="2026-11-23T09:05:00")),
        ("occurred_at", _entry(unit.id, occurred_at="2026-11-24T01:30:01Z")),
        ("caller_phone", _entry(unit.id, caller_phone="13800001234")),
        ("unit_id", _entry(999_999)),
        ("recorder_person_id", _entry(unit.id, recorder_person_id=999_999)),
        ("event", _entry(unit.id, event="")),
    ]
    for field, body in cases:
        response = client.post("/api/v1/duty-log", json=body, headers=officer)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field], response.text
    naive_filter = client.get(
        "/api/v1/duty-log", params={"start": "2026-11-23T09:00:00"}, headers=officer
    )
    assert naive_filter.status_code == 422
    assert naive_filter.json()["errors"][0]["field"] == "start"
    reversed_window = client.get(
        "/api/v1/duty-log",
        params={"start": "2026-11-23T09:00:00Z", "end": "2026-11-23T08:00:00Z"},
        headers=officer,
    )
    assert reversed_window.status_code == 422
    assert reversed_window.json()["errors"][0]["field"] == "end"
    assert (_count(session, DutyLogEntry), _count(session, AuditEntry)) == before


def test_handover_and_single_acknowledgement(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, giver, taker = _people(session)
    leader = auth_headers(Role.leader)
    created = client.post(  # an admin records it on the giver's behalf
        "/api/v1/handovers",
        json={
            "unit_id": unit.id,
            "from_person_id": giver.id,
            "to_person_id": taker.id,
            "handed_over_at": "2026-11-23T08:30:00+08:00",
            "open_items": "城东电梯困人事件待终报",
        },
        headers=auth_headers(Role.admin),
    )
    assert created.status_code == 201, created.text
    handover = created.json()
    assert handover["handed_over_at"].startswith("2026-11-23T00:30:00")
    assert handover["acknowledged_at"] is None and handover["created_by"] == "admin-user"
    # only the receiver confirms: not the giver, not another duty officer, not the leader
    giver_headers, officer = _linked(session, giver, "giver-user"), _linked(session, taker)
    for other in (giver_headers, auth_headers(Role.duty_officer), leader):
        refused = client.post(f"/api/v1/handovers/{handover['id']}/ack", headers=other)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert (
        "own handover"
        in client.post(f"/api/v1/handovers/{handover['id']}/ack", headers=giver_headers).json()[
            "detail"
        ]
    )
    acked = client.post(f"/api/v1/handovers/{handover['id']}/ack", headers=officer)
    assert acked.status_code == 200, acked.text
    assert acked.json()["acknowledged_by"] == "taker-user"
    assert acked.json()["acknowledged_at"].startswith("2026-11-23T01:30:00")
    again = client.post(f"/api/v1/handovers/{handover['id']}/ack", headers=officer)
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    missing = client.post("/api/v1/handovers/999999/ack", headers=leader)
    assert missing.status_code == 404
    listed = client.get(f"/api/v1/handovers?unit_id={unit.id}", headers=auth_headers(Role.handler))
    assert [h["acknowledged_by"] for h in listed.json()] == ["taker-user"]
    audit = client.get(
        f"/api/v1/audit?entity_type=handover&entity_id={handover['id']}",
        headers=auth_headers(Role.admin),
    ).json()
    assert [e["action"] for e in audit] == ["handover.acknowledge", "handover.create"]


def test_one_hands_over_as_ones_own_person_or_for_someone_as_an_admin(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    """A duty officer hands over as the person linked to them; naming anyone else, or
    handing over with no person linked, is a 403 naming `from_person_id` that writes
    nothing. An admin records a handover for someone, and the audit entry says so."""
    unit, giver, taker = _people(session)
    base = {"unit_id": unit.id, "from_person_id": giver.id, "to_person_id": taker.id}
    others = [_linked(session, taker), auth_headers(Role.duty_officer), auth_headers(Role.leader)]
    before = _count(session, Handover), _count(session, AuditEntry)
    for headers in others:  # the receiver, an unlinked duty officer, the leader on duty
        refused = client.post("/api/v1/handovers", json=base, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "forbidden"
        assert [e["field"] for e in refused.json()["errors"]] == ["from_person_id"]
    assert (_count(session, Handover), _count(session, AuditEntry)) == before
    own = client.post("/api/v1/handovers", json=base, headers=_linked(session, giver, "giver"))
    assert own.status_code == 201, own.text
    for_giver = client.post("/api/v1/handovers", json=base, headers=auth_headers(Role.admin))
    assert for_giver.status_code == 201, for_giver.text
    audit = client.get(
        "/api/v1/audit?entity_type=handover", headers=auth_headers(Role.admin)
    ).json()
    recorded = {
        e["actor"]: json.loads(e["after"]).get("recorded_on_behalf_of")
        for e in audit
        if e["action"] == "handover.create"
    }
    assert recorded == {"giver": None, "admin-user": giver.id}


def test_invalid_handovers_are_422_naming_the_field_and_write_nothing(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, giver, taker = _people(session)
    admin = auth_headers(Role.admin)  # who may name anyone as the person handing over
    base = {"unit_id": unit.id, "from_person_id": giver.id, "to_person_id": taker.id}
    elsewhere = make_person(
        session, unit=make_unit(session, code="far", name="城西区局", kind=UnitKind.district)
    )
    before = _count(session, Handover), _count(session, AuditEntry)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("to_person_id", {"to_person_id": giver.id}),
        ("to_person_id", {"to_person_id": elsewhere.id}),  # not a member of the unit
        ("from_person_id", {"from_person_id": elsewhere.id}),
        ("from_person_id", {"from_person_id": 999_999}),
        ("unit_id", {"unit_id": 999_999}),
        ("handed_over_at", {"handed_over_at": "2026-11-23T08:30:00"}),
        ("handed_over_at", {"handed_over_at": "2026-11-25T00:00:00Z"}),
        ("open_items", {"open_items": "x" * 4001}),
    ]
    for field, overrides in cases:
        response = client.post("/api/v1/handovers", json=base | overrides, headers=admin)
        assert response.status_code == 422, (field, response.text)
        assert [e["field"] for e in response.json()["errors"]] == [field], response.text
    assert (_count(session, Handover), _count(session, AuditEntry)) == before


def test_caller_phones_are_masked_for_readers_without_full_numbers_and_in_the_audit(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, _, _ = _people(session)
    created = client.post(
        "/api/v1/duty-log", json=_entry(unit.id), headers=auth_headers(Role.duty_officer)
    ).json()
    for role, phone in (
        (Role.planner, "139****5670"),
        (Role.handler, "139****5670"),
        (Role.duty_officer, "+8613912345670"),
        (Role.leader, "+8613912345670"),
    ):
        headers = auth_headers(role)
        one = client.get(f"/api/v1/duty-log/{created['id']}", headers=headers).json()
        listed = client.get("/api/v1/duty-log", params={"unit_id": unit.id}, headers=headers)
        assert (one["caller_phone"], listed.json()[0]["caller_phone"]) == (phone, phone), role
    audit = client.get(
        f"/api/v1/audit?entity_type=duty_log_entry&entity_id={created['id']}",
        headers=auth_headers(Role.admin),
    ).text
    assert "139****5670" in audit and "13912345670" not in audit
    make_user(session, role=Role.planner, username="log-planner")
    client.cookies.clear()
    signed_in = client.post(
        "/login",
        data={"username": "log-planner", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    page = client.get("/duty/log").text
    # not 13800001234: the page quotes +8613800001234 as the example of a valid number
    assert "139****5670" in page and "13912345670" not in page
    client.cookies.clear()


def test_numbers_in_free_text_are_masked_like_the_caller_phone_and_always_in_the_audit(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, giver, taker = _people(session)
    officer = _linked(session, giver, "giver-user")
    written = {
        "event": "电梯困人，回拨电话13912345678",
        "measures": "已通知维保 0755-88888888",
        "informed": "派出所 0086 139 1234 5671",
    }
    created = client.post(
        "/api/v1/duty-log",
        json=_entry(unit.id, caller_phone="+8613912345678", **written),
        headers=officer,
    ).json()
    masked = {
        "event": "电梯困人，回拨电话139****5678",
        "measures": "已通知维保 075*****8888",
        "informed": "派出所 139****5671",
    }
    assert {k: created[k] for k in written} == written  # the duty staff see them in full
    for role in (Role.handler, Role.planner):
        one = client.get(f"/api/v1/duty-log/{created['id']}", headers=auth_headers(role)).json()
        listed = client.get(
            "/api/v1/duty-log", params={"unit_id": unit.id}, headers=auth_headers(role)
        ).json()
        for shown in (one, listed[0]):
            assert {k: shown[k] for k in written} == masked, role
            assert shown["caller_phone"] == "139****5678"
    handover = client.post(
        "/api/v1/handovers",
        json={
            "unit_id": unit.id,
            "from_person_id": giver.id,
            "to_person_id": taker.id,
            "open_items": "回拨 13912345678",
            "notes": "维保电话 0755-8888 8888",
        },
        headers=officer,
    ).json()
    assert handover["open_items"] == "回拨 13912345678"
    listed_handovers = client.get(
        "/api/v1/handovers", params={"unit_id": unit.id}, headers=auth_headers(Role.handler)
    ).json()
    assert [(h["open_items"], h["notes"]) for h in listed_handovers] == [
        ("回拨 139****5678", "维保电话 075*****8888")
    ]
    admin = auth_headers(Role.admin)
    entry_audit = client.get(
        f"/api/v1/audit?entity_type=duty_log_entry&entity_id={created['id']}", headers=admin
    ).json()
    after = json.loads(entry_audit[0]["after"])  # the audit log keeps it as JSON text
    assert {k: after[k] for k in written} == masked
    handover_audit = client.get(
        f"/api/v1/audit?entity_type=handover&entity_id={handover['id']}", headers=admin
    ).text
    assert "139****5678" in handover_audit and "13912345678" not in handover_audit
    assert "88888888" not in handover_audit and "8888 8888" not in handover_audit


def test_a_handover_hands_over_the_incidents_unresolved_then_explicitly(
    client: TestClient, auth_headers: Headers, session: Session, clock: FakeClock
) -> None:
    """DOMAIN.md §5: unfinished items are handed over explicitly. While an incident is open
    or acknowledged at the handover's time, a handover with no open items is a 422 naming
    `open_items` and the incident, and nothing is written; one resolved before that time, or
    opened after it, does not count."""
    unit, giver, taker = _people(session)
    officer = _linked(session, giver, "giver-user")
    base = {"unit_id": unit.id, "from_person_id": giver.id, "to_person_id": taker.id}
    opened = client.post(
        "/api/v1/incidents",
        json={"title": "电梯困人", "category": "special_equipment", "severity": "IV"},
        headers=officer,
    )
    assert opened.status_code == 201, opened.text
    incident = opened.json()
    clock.advance(timedelta(hours=1))
    before = _count(session, Handover), _count(session, AuditEntry)
    refused = client.post("/api/v1/handovers", json=base | {"open_items": "  "}, headers=officer)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == "open_items"
    assert f"#{incident['short_code']} (IV)" in error["reason"]
    assert _worded(error, ZH) == "交接时有 1 项未办结：请列入未尽事项"  # the page's language
    assert (_count(session, Handover), _count(session, AuditEntry)) == before
    listed = base | {"open_items": f"#{incident['short_code']} 电梯困人：维保已到场，待终报"}
    assert client.post("/api/v1/handovers", json=listed, headers=officer).status_code == 201
    # a handover recorded for a time before the incident opened had nothing unfinished
    earlier = base | {"handed_over_at": (T0 - timedelta(minutes=5)).isoformat()}
    assert client.post("/api/v1/handovers", json=earlier, headers=officer).status_code == 201
    resolved = client.post(f"/api/v1/incidents/{incident['id']}/resolve", headers=officer)
    assert resolved.status_code == 200, resolved.text
    clock.advance(timedelta(minutes=30))
    assert client.post("/api/v1/handovers", json=base, headers=officer).status_code == 201
    # one recorded afterwards for a time it was still open is refused
    back_then = base | {"handed_over_at": (T0 + timedelta(minutes=30)).isoformat()}
    refused_late = client.post("/api/v1/handovers", json=back_then, headers=officer)
    assert refused_late.status_code == 422
    assert refused_late.json()["errors"][0]["field"] == "open_items"


def test_a_person_or_unit_that_is_not_there_is_named_by_id_in_the_pages_language(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    """The refusal keeps its English reason for API clients and carries a type and the id, so
    a page words it in its own language (web.field_errors) instead of showing the English."""
    unit = make_unit(session)
    officer = auth_headers(Role.duty_officer)
    for body, kind, field, missing in (
        (_entry(unit.id, recorder_person_id=999_999), "no_person", "recorder_person_id", "999999"),
        (_entry(999_998), "no_unit", "unit_id", "999998"),
    ):
        response = client.post("/api/v1/duty-log", json=body, headers=officer)
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert (error["field"], error["type"], error["ctx"]) == (field, kind, {"id": missing})
        assert error["reason"].endswith("does not exist")
        worded = refusal_text("zh_CN", FieldError(field, error["reason"], kind, error["ctx"]))
        assert worded is not None and f"#{missing} " in worded and "不存在" in worded
        assert re.search(r"[A-Za-z]{3,}", worded) is None, worded
