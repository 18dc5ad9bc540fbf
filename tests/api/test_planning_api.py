"""Editing planner inputs through the real app: shift types can be renamed, re-timed while
no published roster uses them, and retired; demand templates can be changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.users import Role
from oncall.roster_models import RosterStatus
from tests.roster_helpers import JAN1, covering_rows, make_intake, make_roster

Headers = Callable[[Role], dict[str, str]]


def test_shift_types_are_edited_and_retired_but_keep_what_published_rosters_use(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    jan7 = date(2027, 1, 7)
    make_roster(
        session,
        intake,
        JAN1,
        jan7,
        covering_rows(intake, JAN1, jan7),
        status=RosterStatus.published,
    )
    planner = auth_headers(Role.planner)
    day, night = intake.shifts["day"], intake.shifts["night"]
    renamed = client.patch(
        f"/api/v1/shift-types/{day}", json={"name": "白班（日）"}, headers=planner
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "白班（日）" and renamed.json()["start_time"] == "08:30:00"
    retimed = client.patch(
        f"/api/v1/shift-types/{day}", json={"start_time": "09:00"}, headers=planner
    )
    assert retimed.status_code == 409 and "published roster" in retimed.json()["detail"]
    retired = client.patch(
        f"/api/v1/shift-types/{night}", json={"is_active": False}, headers=planner
    )
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    leader = client.patch(
        f"/api/v1/shift-types/{intake.shifts['leader']}", json={"is_active": False}, headers=planner
    )
    assert leader.status_code == 422 and leader.json()["errors"][0]["field"] == "is_active"
    created = client.post(
        "/api/v1/shift-types",
        json={
            "unit_id": intake.unit_id,
            "code": "evening",
            "name": "晚班",
            "start_time": "16:00",
            "end_time": "22:00",
        },
        headers=planner,
    ).json()
    moved = client.patch(
        f"/api/v1/shift-types/{created['id']}",
        json={"start_time": "15:00", "code": "late"},
        headers=planner,
    )
    assert moved.status_code == 200 and moved.json()["start_time"] == "15:00:00"
    clash = client.patch(
        f"/api/v1/shift-types/{created['id']}", json={"code": "day"}, headers=planner
    )
    assert clash.status_code == 409 and clash.json()["errors"][0]["field"] == "code"
    same_code = client.post(
        "/api/v1/shift-types",
        json={"unit_id": intake.unit_id, "code": "late", "name": "又一个", "start_time": "16:00",
              "end_time": "22:00"},
        headers=planner,
    )  # fmt: skip
    assert same_code.status_code == 409 and same_code.json()["errors"][0]["field"] == "code"
    assert client.patch("/api/v1/shift-types/99999", json={}, headers=planner).status_code == 404
    viewer = auth_headers(Role.viewer)
    assert client.patch(f"/api/v1/shift-types/{day}", json={}, headers=viewer).status_code == 403
    actions = [e.action for e in list_entries(session, entity_type="shift_type")]
    assert actions.count("shift_type.update") == 3


def test_demand_templates_are_changed_and_checked(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner = auth_headers(Role.planner)
    demand = client.get(f"/api/v1/units/{intake.unit_id}/demand", headers=planner).json()
    night = next(d for d in demand if d["shift_type_id"] == intake.shifts["night"])
    url = f"/api/v1/units/{intake.unit_id}/demand/{night['id']}"
    too_many = client.patch(url, json={"minimum": 3}, headers=planner)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "minimum"
    changed = client.patch(url, json={"minimum": 2, "preferred": 3}, headers=planner)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["minimum"], changed.json()["preferred"]) == (2, 3)
    unknown = client.patch(url, json={"skill": "no-such-skill"}, headers=planner)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "skill"
    other_unit = client.patch(
        f"/api/v1/units/{intake.unit_id + 1}/demand/{night['id']}", json={}, headers=planner
    )
    assert other_unit.status_code == 404
    created = client.post(
        f"/api/v1/units/{intake.unit_id}/demand",
        json={"shift_type_id": intake.shifts["day"], "minimum": 3, "preferred": 2},
        headers=planner,
    )
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "preferred"
    entry = list_entries(session, entity_type="unit")[0]
    assert entry.action == "demand.update"


def test_a_rules_save_over_someone_elses_is_refused_when_the_editor_sends_its_tag(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner = auth_headers(Role.planner)
    url = f"/api/v1/units/{intake.unit_id}/rules"
    loaded = client.get(url, headers=planner)  # two planners open the rules page
    tag = loaded.headers["ETag"]
    mine, theirs = dict(loaded.json(), min_rest_hours=12), dict(loaded.json(), max_weekends=2)

    saved = client.put(url, json=mine, headers=planner | {"If-Match": tag})
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] not in (tag, "") and saved.json()["min_rest_hours"] == 12

    stale = client.put(url, json=theirs, headers=planner | {"If-Match": tag})
    assert stale.status_code == 412, stale.text
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["code"] == "edited_elsewhere" and "reload" in stale.json()["detail"]
    kept = client.get(url, headers=planner)
    assert kept.json()["min_rest_hours"] == 12 and kept.json()["max_weekends"] is None
    assert kept.headers["ETag"] == saved.headers["ETag"]

    again = client.put(
        url,
        json=dict(kept.json(), max_weekends=2),
        headers=planner | {"If-Match": kept.headers["ETag"]},
    )
    assert again.status_code == 200 and again.json()["min_rest_hours"] == 12
    assert client.put(url, json=theirs, headers=planner).status_code == 200  # no tag: as before


def test_a_wish_recorded_by_mistake_is_removed_and_the_removal_audited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner, person = auth_headers(Role.planner), intake.people[0]
    wish = {"person_id": person, "day": "2027-01-05", "wanted": False, "weight": 5}
    created = client.post("/api/v1/shift-requests", json=wish, headers=planner)
    assert created.status_code == 201, created.text
    url = f"/api/v1/shift-requests/{created.json()['id']}"
    assert client.delete(url, headers=auth_headers(Role.duty_officer)).status_code == 403
    assert client.delete(url, headers=planner).status_code == 204
    mine = client.get("/api/v1/shift-requests", params={"person_id": person}, headers=planner)
    assert created.json()["id"] not in {w["id"] for w in mine.json()}
    entry = list_entries(session, entity_type="person", entity_id=str(person))[0]
    assert entry.action == "request.delete" and entry.before is not None
    assert json.loads(entry.before)["day"] == wish["day"]
    assert client.delete(url, headers=planner).status_code == 404
