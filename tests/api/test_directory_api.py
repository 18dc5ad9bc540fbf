from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from core.audit import AuditEntry
from core.users import Role
from oncall.models import Person, Unit

Headers = Callable[[Role], dict[str, str]]


def _count(session: Session, model: type[Unit] | type[Person]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_planner_builds_a_unit_with_people(client: TestClient, auth_headers: Headers) -> None:
    planner = auth_headers(Role.planner)
    skill = client.post(
        "/api/v1/skills",
        json={"code": "food", "name_zh": "食品安全", "name_en": "Food"},
        headers=planner,
    )
    assert skill.status_code == 201, skill.text
    unit = client.post(
        "/api/v1/units",
        json={
            "code": "d-east",
            "name": "城东区市场监督管理局",
            "kind": "district",
            "district": "城东区",
            "phone": "+862160001234",
        },
        headers=planner,
    )
    assert unit.status_code == 201, unit.text
    unit_id = unit.json()["id"]
    person = client.post(
        "/api/v1/people",
        json={
            "name": "许涛",
            "unit_id": unit_id,
            "position": "股长",
            "duty_roles": ["handler"],
            "skills": ["food"],
            "contacts": [{"kind": "mobile", "value": "+8613800001234"}],
        },
        headers=planner,
    )
    assert person.status_code == 201, person.text
    person_id = person.json()["id"]
    contact = client.post(
        f"/api/v1/people/{person_id}/contacts",
        json={"kind": "landline", "value": "+862160009999", "priority": 2},
        headers=planner,
    )
    assert contact.status_code == 201
    viewer = auth_headers(Role.viewer)
    listed = client.get(f"/api/v1/people?unit_id={unit_id}&skill=food", headers=viewer).json()
    assert [p["name"] for p in listed] == ["许涛"]
    assert [c["value"] for c in listed[0]["contacts"]] == ["+8613800001234", "+862160009999"]
    patched = client.patch(
        f"/api/v1/people/{person_id}", json={"duty_roles": ["handler", "expert"]}, headers=planner
    )
    assert patched.json()["duty_roles"] == ["expert", "handler"]
    archived = client.delete(f"/api/v1/people/{person_id}", headers=planner)
    assert archived.status_code == 200 and archived.json()["is_active"] is False
    assert client.get("/api/v1/people", headers=viewer).json() == []


def test_bad_number_is_422_naming_the_field_and_writes_nothing(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    unit_id = client.post(
        "/api/v1/units",
        json={"code": "intake", "name": "受理科", "kind": "section"},
        headers=planner,
    ).json()["id"]
    people_before = _count(session, Person)
    audit_before = session.exec(select(func.count()).select_from(AuditEntry)).one()
    response = client.post(
        "/api/v1/people",
        json={
            "name": "黄磊",
            "unit_id": unit_id,
            "contacts": [{"kind": "mobile", "value": "13800001234"}],
        },
        headers=planner,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contacts.0.value"
    unknown_skill = client.post(
        "/api/v1/people",
        json={"name": "黄磊", "unit_id": unit_id, "skills": ["astrology"]},
        headers=planner,
    )
    assert unknown_skill.status_code == 422
    assert unknown_skill.json()["errors"] == [
        {"field": "skills", "reason": "unknown skill 'astrology'"}
    ]
    assert _count(session, Person) == people_before
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audit_before


def test_deleting_a_unit_with_people_is_409(client: TestClient, auth_headers: Headers) -> None:
    planner = auth_headers(Role.planner)
    unit_id = client.post(
        "/api/v1/units",
        json={"code": "intake", "name": "受理科", "kind": "section"},
        headers=planner,
    ).json()["id"]
    client.post("/api/v1/people", json={"name": "孙强", "unit_id": unit_id}, headers=planner)
    response = client.delete(f"/api/v1/units/{unit_id}", headers=planner)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_used_unit_code_is_a_409_naming_the_code(
    client: TestClient, auth_headers: Headers
) -> None:
    planner = auth_headers(Role.planner)
    unit = {"code": "intake", "name": "受理科", "kind": "section"}
    assert client.post("/api/v1/units", json=unit, headers=planner).status_code == 201
    again = client.post("/api/v1/units", json=unit, headers=planner)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["errors"] == [{"field": "code", "reason": "is already used"}]


def test_every_change_is_in_the_audit_log(client: TestClient, auth_headers: Headers) -> None:
    planner = auth_headers(Role.planner)
    unit_id = client.post(
        "/api/v1/units",
        json={"code": "intake", "name": "受理科", "kind": "section"},
        headers=planner,
    ).json()["id"]
    client.patch(f"/api/v1/units/{unit_id}", json={"name": "受理一科"}, headers=planner)
    entries = client.get(
        f"/api/v1/audit?entity_type=unit&entity_id={unit_id}", headers=auth_headers(Role.admin)
    ).json()
    assert [e["action"] for e in entries] == ["unit.update", "unit.create"]
    assert entries[0]["actor"] == "planner-user"
    assert "受理科" in entries[0]["before"] and "受理一科" in entries[0]["after"]
    chain = client.get("/api/v1/audit/verify", headers=auth_headers(Role.leader)).json()
    assert chain["ok"] is True and chain["entries"] >= 2


def test_duty_phones_are_published_without_signing_in(
    client: TestClient, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    units = [
        ("zz-bureau", "district", "城东区市场监督管理局", "+8653186010001"),
        ("aa-office", "field_office", "东关市场监管所", "+8653186010009"),
        ("intake", "section", "受理科", "+8653186012315"),
        ("quiet", "section", "信息科", None),
    ]
    ids = {}
    for code, kind, name, phone in units:
        created = client.post(
            "/api/v1/units",
            json={"code": code, "kind": kind, "name": name, "phone": phone},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        ids[code] = created.json()["id"]
    closed = client.post(
        "/api/v1/units",
        json={"code": "closed", "kind": "district", "name": "旧局", "phone": "+8653186010099"},
        headers=admin,
    ).json()
    archived = client.patch(
        f"/api/v1/units/{closed['id']}", json={"is_active": False}, headers=admin
    )
    assert archived.status_code == 200, archived.text
    # no token: the centre's sections first, then district bureaus, then field offices
    listed = client.get("/api/v1/duty-phones")
    assert listed.status_code == 200
    assert [(p["unit_id"], p["phone"]) for p in listed.json()] == [
        (ids["intake"], "+8653186012315"),
        (ids["zz-bureau"], "+8653186010001"),
        (ids["aa-office"], "+8653186010009"),
    ]


def _person_with_two_numbers(client: TestClient, planner: dict[str, str]) -> tuple[int, int, int]:
    unit_id = client.post(
        "/api/v1/units",
        json={"code": "hotline", "name": "热线科", "kind": "section"},
        headers=planner,
    ).json()["id"]
    person = client.post(
        "/api/v1/people",
        json={
            "name": "韩梅",
            "unit_id": unit_id,
            "contacts": [
                {"kind": "mobile", "value": "+8613800001111", "priority": 1},
                {"kind": "landline", "value": "+862160002222", "priority": 2},
            ],
        },
        headers=planner,
    ).json()
    mobile, landline = (c["id"] for c in person["contacts"])
    return person["id"], mobile, landline


def _numbers(client: TestClient, planner: dict[str, str], person_id: int) -> list[tuple[str, int]]:
    """The person's numbers and their places, in the order escalation tries them."""
    contacts = client.get(f"/api/v1/people/{person_id}", headers=planner).json()["contacts"]
    return [(c["value"], c["priority"]) for c in contacts]


def test_a_contact_is_renumbered_and_reordered_in_place_and_audited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    person_id, mobile, landline = _person_with_two_numbers(client, planner)
    url = f"/api/v1/people/{person_id}/contacts"
    moved = client.patch(f"{url}/{landline}", json={"priority": 1}, headers=planner)
    assert moved.status_code == 200, moved.text
    client.patch(
        f"{url}/{mobile}", json={"priority": 2, "value": "+8613900003333"}, headers=planner
    )
    assert _numbers(client, planner, person_id) == [("+862160002222", 1), ("+8613900003333", 2)]
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.action == "contact.update").order_by(AuditEntry.id)
    ).all()
    changes = [(json.loads(e.before or "{}"), json.loads(e.after or "{}")) for e in entries]
    assert [(before["value"], after["value"], after["priority"]) for before, after in changes] == [
        ("+862160002222", "+862160002222", 1),
        ("+8613800001111", "+8613900003333", 2),
    ]


def test_a_bad_contact_change_names_its_field_and_changes_nothing(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    person_id, mobile, landline = _person_with_two_numbers(client, planner)
    url = f"/api/v1/people/{person_id}/contacts"
    refusals = [
        (mobile, {"value": "13800001234"}, 422, "value"),  # not E.164
        (mobile, {"priority": 0}, 422, "priority"),
        (mobile, {"value": None}, 422, "value"),
        (mobile, {"kind": "landline", "value": "+862160002222"}, 409, "value"),  # the other one
    ]
    for contact_id, body, status, field in refusals:
        response = client.patch(f"{url}/{contact_id}", json=body, headers=planner)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field], body
    other_person = client.patch(f"/api/v1/people/{person_id + 1}/contacts/{mobile}", json={})
    assert other_person.status_code == 401  # no token: refused before anything is looked up
    missing = client.patch(f"{url}/{landline + 100}", json={"priority": 3}, headers=planner)
    assert missing.status_code == 404
    assert _numbers(client, planner, person_id) == [("+8613800001111", 1), ("+862160002222", 2)]
    updates = (
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "contact.update")
    )
    assert session.exec(updates).one() == 0
