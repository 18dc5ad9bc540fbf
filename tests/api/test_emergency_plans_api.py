"""/api/v1/emergency-plans: stored plans (category × severity → policy and deadlines), who may
change them, strict validation, audit, and which plan an incident freezes when it opens."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from core.audit import AuditEntry, list_entries
from core.clock import FakeClock
from core.users import Role
from escalation.models import Incident, StoredPlan
from oncall import contacts, directory
from oncall.models import ContactCreate, ContactKind, Person, PersonUpdate
from tests.conftest import T0
from tests.factories import make_person, make_skill, make_unit

Headers = Callable[[Role], dict[str, str]]
URL = "/api/v1/emergency-plans"


@pytest.fixture
def people(session: Session) -> dict[str, Person]:
    """Two named people with mobiles, and the skill `food`."""
    unit = make_unit(session)
    make_skill(session, "food")
    out = {}
    for key, name, number in (("a", "李秀英", "+8613900000001"), ("b", "张伟", "+8613900000002")):
        person = make_person(session, unit=unit, name=name)
        assert person.id is not None
        contacts.add_contact(
            session,
            person_id=person.id,
            data=ContactCreate(kind=ContactKind.mobile, value=number),
            actor="test",
            now=T0,
        )
        out[key] = person
    return out


def _plan(person_id: int, *, name: str = "河南食品安全I级", wait: int = 10) -> dict[str, Any]:
    """Henan's 15/35-minute deadlines; a named person, then the food expert and leadership."""
    return {
        "name": name,
        "steps": [
            {
                "targets": [{"type": "person", "person_id": person_id}],
                "wait_minutes": wait,
                "rules": [{"kind": "sms", "after_minutes": 0}],
            },
            {
                "targets": [
                    {"type": "on_duty", "role": "expert", "skill": "food"},
                    {"type": "group", "group": "leadership"},
                ],
                "wait_minutes": 5,
                "repeat": 2,
                "broadcast_groups": ["leadership"],
            },
        ],
        "initial_report_minutes": 15,
        "written_report_minutes": 35,
    }


def _open(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    body = {"title": "集体食物中毒", "category": "food_safety", "severity": "I"}
    body.update(overrides)
    response = client.post("/api/v1/incidents", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _audit_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_unedited_plans_are_the_built_in_defaults(
    client: TestClient, auth_headers: Headers
) -> None:
    plans = client.get(URL, headers=auth_headers(Role.viewer))
    assert plans.status_code == 200, plans.text
    assert len(plans.json()) == 5 * 4
    assert all(not p["stored"] and p["active"] and p["version"] == 0 for p in plans.json())
    food = client.get(f"{URL}/food_safety/II", headers=auth_headers(Role.duty_officer)).json()
    assert food["name"] == "food_safety-II"
    assert (food["initial_report_minutes"], food["written_report_minutes"]) == (15, 30)
    assert food["steps"][2]["targets"] == [{"type": "on_duty", "role": "expert", "skill": "food"}]
    unknown = client.get(f"{URL}/weather/II", headers=auth_headers(Role.viewer))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "category"


def test_an_admin_stores_a_plan_audited_and_new_incidents_freeze_it(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    people: dict[str, Person],
) -> None:
    admin = auth_headers(Role.admin)
    body = _plan(people["a"].id or 0)
    put = client.put(f"{URL}/food_safety/I", json=body, headers=admin)
    assert put.status_code == 200, put.text
    stored = put.json()
    assert (stored["stored"], stored["active"], stored["version"]) == (True, True, 1)
    assert stored["updated_by"] == "admin-user" and stored["name"] == "河南食品安全I级"
    assert client.get(f"{URL}/food_safety/I", headers=admin).json() == stored

    (entry, *_) = list_entries(session, entity_type="emergency_plan", entity_id="food_safety/I")
    assert (entry.action, entry.actor) == ("emergency_plan.replace", "admin-user")
    before, after = json.loads(entry.before or ""), json.loads(entry.after or "")
    assert (before["stored"], before["name"], before["written_report_minutes"]) == (
        False,
        "food_safety-I",
        30,
    )
    assert (after["version"], after["written_report_minutes"]) == (1, 35)

    incident = _open(client, auth_headers(Role.coordinator))
    assert incident["timeline"][0]["text"].endswith("plan 河南食品安全I级")
    row = session.get(Incident, incident["id"])
    assert row is not None and (row.initial_report_minutes, row.written_report_minutes) == (15, 35)
    frozen = json.loads(row.policy_json)
    assert frozen["steps"][0]["targets"] == [{"type": "person", "person_id": people["a"].id}]
    # other categories and levels keep their defaults
    other = _open(client, auth_headers(Role.coordinator), category="food_safety", severity="II")
    assert other["timeline"][0]["text"].endswith("plan food_safety-II")


def test_editing_a_plan_never_changes_a_running_incident(
    client: TestClient,
    app: FastAPI,
    clock: FakeClock,
    session: Session,
    auth_headers: Headers,
    people: dict[str, Person],
) -> None:
    admin, coordinator = auth_headers(Role.admin), auth_headers(Role.coordinator)
    a, b = people["a"].id, people["b"].id
    assert a is not None and b is not None
    client.put(f"{URL}/food_safety/I", json=_plan(a, wait=10), headers=admin)
    running = _open(client, coordinator)
    app.state.dispatcher.tick()

    edited = client.put(f"{URL}/food_safety/I", json=_plan(b, name="改后", wait=3), headers=admin)
    assert edited.status_code == 200 and edited.json()["version"] == 2
    for _ in range(3):  # past the new plan's 3-minute wait, inside the frozen 10 minutes
        clock.advance(timedelta(minutes=1))
        app.state.dispatcher.tick()
    fresh = _open(client, coordinator, place="另一处")  # not a duplicate of the running one
    app.state.dispatcher.tick()

    def paged(incident: dict[str, Any]) -> set[int | None]:
        rows = client.get(
            f"/api/v1/incidents/{incident['id']}/notifications", headers=coordinator
        ).json()
        return {r["person_id"] for r in rows}

    assert paged(running) == {a}  # still the first plan's step 1, not climbed after 3 minutes
    assert paged(fresh) == {b}
    row = session.get(Incident, running["id"])
    assert row is not None and json.loads(row.policy_json)["name"] == "河南食品安全I级"
    assert row.written_report_minutes == 35


VALID = _plan(1)


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(VALID)
    node: Any = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


def _without(path: list[Any]) -> dict[str, Any]:
    body = copy.deepcopy(VALID)
    node: Any = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


INVALID: list[tuple[dict[str, Any], str]] = [
    (_with(["steps"], []), "steps"),
    (_without(["steps"]), "steps"),
    (_with(["steps", 0, "wait_minutes"], -5), "steps[0].wait_minutes"),
    (_with(["steps", 0, "wait_minutes"], 0), "steps[0].wait_minutes"),
    (_with(["steps", 0, "wait_minutes"], 10**12), "steps[0].wait_minutes"),
    (_with(["steps", 0, "wait_minutes"], "10"), "steps[0].wait_minutes"),
    (_with(["steps", 1, "repeat"], -1), "steps[1].repeat"),
    (_with(["steps", 0, "targets"], []), "steps[0].targets"),
    (
        _with(["steps", 0, "targets", 0], {"type": "pager", "number": "1"}),
        "steps[0].targets[0].type",
    ),
    (
        _with(["steps", 0, "targets", 0], {"type": "on_duty", "role": "janitor"}),
        "steps[0].targets[0].role",
    ),
    (_with(["steps", 1, "targets", 0, "skill"], "astrology"), "steps[1].targets[0].skill"),
    (_with(["steps", 1, "targets", 0, "skill"], "x" * 65), "steps[1].targets[0].skill"),
    (_with(["steps", 0, "targets", 0, "person_id"], 999_999), "steps[0].targets[0].person_id"),
    (_with(["steps", 0, "targets", 0, "person_id"], 2**40), "steps[0].targets[0].person_id"),
    (_with(["steps", 1, "targets", 1, "group"], "no-such-group"), "steps[1].targets[1].group"),
    (_with(["steps", 1, "broadcast_groups"], ["nowhere"]), "steps[1].broadcast_groups[0]"),
    (_with(["steps", 0, "rules", 0, "kind"], "fax"), "steps[0].rules[0].kind"),
    (_with(["steps", 0, "rules", 0, "after_minutes"], 10), "steps[0].rules[0].after_minutes"),
    (_with(["steps", 0, "colour"], "red"), "steps[0].colour"),
    (_with(["steps", 0], 7), "steps[0]"),
    (_with(["initial_report_minutes"], 0), "initial_report_minutes"),
    (_with(["written_report_minutes"], 10), "written_report_minutes"),  # before the initial
    (_with(["written_report_minutes"], "35"), "written_report_minutes"),
    (_with(["name"], ""), "name"),
    (_with(["owner"], "me"), "owner"),
]


@pytest.mark.parametrize(("body", "field_path"), INVALID, ids=[f for _, f in INVALID])
def test_an_invalid_plan_is_a_422_naming_the_field_and_changes_nothing(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    people: dict[str, Person],
    body: dict[str, Any],
    field_path: str,
) -> None:
    admin = auth_headers(Role.admin)
    body = copy.deepcopy(body)
    for step in body.get("steps", []):  # VALID names person 1; use a real one
        for target in step.get("targets", []) if isinstance(step, dict) else []:
            if isinstance(target, dict) and target.get("person_id") == 1:
                target["person_id"] = people["a"].id
    url = f"{URL}/food_safety/I"
    assert client.put(url, json=_plan(people["b"].id or 0), headers=admin).status_code == 200
    kept, audited = client.get(url, headers=admin).json(), _audit_count(session)

    response = client.put(url, json=body, headers=admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert [e["field"] for e in problem["errors"]] == [field_path]
    assert client.get(url, headers=admin).json() == kept
    assert _audit_count(session) == audited


def test_every_wrong_field_of_a_step_is_named_at_once(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Person]
) -> None:
    """A step's own checks stop at its first problem (a wait of 0); its other fields, and
    the names of its targets, are still checked in the same answer."""
    admin = auth_headers(Role.admin)
    body = _plan(people["a"].id or 0)
    body["steps"][1] |= {"wait_minutes": 0, "repeat": 11, "broadcast_groups": ["nowhere", ""]}
    body["steps"][1]["targets"] = [
        {"type": "on_duty", "role": "expert", "skill": "astrology"},
        {"type": "person"},
        {"type": "person", "person_id": 2**40},
    ]
    audited = _audit_count(session)

    response = client.put(f"{URL}/food_safety/I", json=body, headers=admin)

    assert response.status_code == 422, response.text
    assert sorted(e["field"] for e in response.json()["errors"]) == sorted(
        [
            "steps[1].targets[1].person_id",  # missing
            "steps[1].targets[2].person_id",  # out of bounds, so never looked up
            "steps[1].wait_minutes",
            "steps[1].repeat",
            "steps[1].broadcast_groups[1]",  # empty
            "steps[1].targets[0].skill",  # no such skill
            "steps[1].broadcast_groups[0]",  # no such group
        ]
    )
    assert _audit_count(session) == audited


def test_a_special_equipment_plan_looser_than_tz50_is_refused_and_changes_nothing(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Person]
) -> None:
    """TZ50 Arts. 8-9: each level reports a special-equipment accident within 2 h and enters it
    in the accident system within 24 h; a local plan may tighten these, never loosen them."""
    admin = auth_headers(Role.admin)
    url = f"{URL}/special_equipment/IV"
    kept, audited = client.get(url, headers=admin).json(), _audit_count(session)
    plan = _plan(people["a"].id or 0)
    for initial, written, field in ((240, 360, "initial_report_minutes"), (120, 2880, "written")):
        body = plan | {"initial_report_minutes": initial, "written_report_minutes": written}
        response = client.put(url, json=body, headers=admin)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"].startswith(field)
    assert client.get(url, headers=admin).json() == kept
    assert _audit_count(session) == audited
    tight = plan | {"initial_report_minutes": 60, "written_report_minutes": 24 * 60}
    assert client.put(url, json=tight, headers=admin).status_code == 200


def test_a_looser_special_equipment_plan_stored_earlier_is_held_to_tz50_when_it_runs(
    client: TestClient, session: Session, auth_headers: Headers, clock: FakeClock
) -> None:
    """A plan stored before the national limits were checked (a 4 h initial, 48 h written
    report) still gives a new special-equipment incident TZ50's 2 h and 24 h."""
    session.add(
        StoredPlan(
            category="special_equipment",
            severity="IV",
            policy_json=json.dumps(
                {
                    "version": 1,
                    "name": "旧预案",
                    "steps": [
                        {"targets": [{"type": "on_duty", "role": "leader"}], "wait_minutes": 10}
                    ],
                }
            ),
            initial_report_minutes=240,
            written_report_minutes=2880,
            updated_at=T0,
            updated_by="old-version",
        )
    )
    session.commit()
    incident = _open(
        client, auth_headers(Role.coordinator), category="special_equipment", severity="IV"
    )
    due = {c["name"]: c["due_at"] for c in incident["reporting_clocks"]}
    assert due == {
        "initial_report": (clock.now() + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        "written_report": (clock.now() + timedelta(hours=24)).isoformat().replace("+00:00", "Z"),
    }
    assert "plan 旧预案" in incident["timeline"][0]["text"]


def test_an_inactive_person_is_refused(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Person]
) -> None:
    person = people["a"]
    assert person.id is not None
    directory.update_person(
        session, person_id=person.id, data=PersonUpdate(is_active=False), actor="test", now=T0
    )
    response = client.put(
        f"{URL}/food_safety/I", json=_plan(person.id), headers=auth_headers(Role.admin)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "steps[0].targets[0].person_id"


def test_only_administrators_change_plans(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Person]
) -> None:
    body = _plan(people["a"].id or 0)
    for role in (Role.coordinator, Role.leader, Role.planner, Role.duty_officer):
        put = client.put(f"{URL}/food_safety/I", json=body, headers=auth_headers(role))
        assert put.status_code == 403, (role, put.text)
        off = client.post(f"{URL}/food_safety/I/deactivate", headers=auth_headers(role))
        assert off.status_code == 403, (role, off.text)
    assert session.exec(select(StoredPlan)).all() == []


def test_deactivating_falls_back_to_the_more_severe_or_other_plan_never_to_none(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Person]
) -> None:
    admin, coordinator = auth_headers(Role.admin), auth_headers(Role.coordinator)
    client.put(f"{URL}/food_safety/I", json=_plan(people["a"].id or 0), headers=admin)
    off = client.post(f"{URL}/food_safety/I/deactivate", headers=admin)
    assert off.status_code == 200, off.text
    assert (off.json()["active"], off.json()["version"]) == (False, 2)
    (entry, *_) = list_entries(session, entity_type="emergency_plan", entity_id="food_safety/I")
    assert entry.action == "emergency_plan.deactivate"
    assert json.loads(entry.before or "")["active"] and not json.loads(entry.after or "")["active"]
    again = client.post(f"{URL}/food_safety/I/deactivate", headers=admin)
    assert again.json() == off.json()  # nothing changes, nothing more is audited
    assert len(list_entries(session, entity_type="emergency_plan")) == 2

    incident = _open(client, coordinator)  # no active food_safety plan at I: other-I
    assert incident["timeline"][0]["text"].endswith("plan other-I")
    lower = _open(client, coordinator, severity="II", place="别处")  # food II: its default
    assert lower["timeline"][0]["text"].endswith("plan food_safety-II")

    # other-I is now the only plan food_safety/I incidents have: it stays
    refused = client.post(f"{URL}/other/I/deactivate", headers=admin)
    assert refused.status_code == 409, refused.text
    assert "food_safety/I" in refused.json()["detail"]
    # a built-in default is deactivated as a stored, inactive copy
    default_off = client.post(f"{URL}/mass_event/IV/deactivate", headers=admin)
    assert default_off.status_code == 200
    assert (default_off.json()["stored"], default_off.json()["active"]) == (True, False)
    mass = _open(client, coordinator, category="mass_event", severity="IV", title="聚集")
    assert mass["timeline"][0]["text"].endswith("plan mass_event-III")
    # storing the plan again brings it back into force
    back = client.put(f"{URL}/food_safety/I", json=_plan(people["a"].id or 0), headers=admin)
    assert (back.json()["active"], back.json()["version"]) == (True, 3)


def test_a_type_error_elsewhere_does_not_hide_the_names_that_do_not_exist(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Person]
) -> None:
    """A body failing the type checks (a deadline given as text) is answered before the plan
    is checked whole; the same 422 still names the steps' skill and group that do not exist
    and the archived person, so the form is not sent back a second time for them."""
    admin = auth_headers(Role.admin)
    archived = make_person(session, unit=make_unit(session, code="gone"), name="离职者")
    archived.is_active = False
    session.add(archived)
    session.commit()
    body = _plan(people["a"].id or 0) | {"initial_report_minutes": "thirty"}
    body["steps"][1]["targets"] = [
        {"type": "on_duty", "role": "expert", "skill": "astrology"},
        {"type": "person", "person_id": archived.id},
    ]
    body["steps"][1]["broadcast_groups"] = ["nowhere"]
    audited = _audit_count(session)

    response = client.put(f"{URL}/food_safety/I", json=body, headers=admin)

    assert response.status_code == 422, response.text
    assert sorted(e["field"] for e in response.json()["errors"]) == sorted(
        [
            "initial_report_minutes",
            "steps[1].targets[0].skill",
            "steps[1].targets[1].person_id",
            "steps[1].broadcast_groups[0]",
        ]
    )
    assert _audit_count(session) == audited
    # well-typed steps alongside the type error: their names are checked all the same
    plain = _plan(people["a"].id or 0) | {"written_report_minutes": None}
    plain["steps"][0]["targets"] = [{"type": "on_duty", "role": "expert", "skill": "astrology"}]
    again = client.put(f"{URL}/food_safety/I", json=plain, headers=admin)
    assert again.status_code == 422
    fields = sorted(e["field"] for e in again.json()["errors"])
    assert fields == ["steps[0].targets[0].skill", "written_report_minutes"]
