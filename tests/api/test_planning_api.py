"""Editing planner inputs through the real app: shift types can be renamed, re-timed while
no published roster uses them, and retired; demand templates can be changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.clock import FakeClock
from core.users import Role
from oncall import unit_directory
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


def test_a_shift_type_change_that_would_store_nonsense_is_refused_at_its_field(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner = auth_headers(Role.planner)
    day, backup = intake.shifts["day"], intake.shifts["backup"]
    rules_url = f"/api/v1/units/{intake.unit_id}/rules"
    rules = client.get(rules_url, headers=planner).json()
    unknown = client.put(
        rules_url, json=rules | {"forbidden_successions": [["nigth", "day"]]}, headers=planner
    )
    assert unknown.status_code == 422, unknown.text
    error = unknown.json()["errors"][0]
    assert error["field"] == "forbidden_successions" and error["ctx"] == {"code": "nigth"}
    named = client.put(
        rules_url, json=rules | {"forbidden_successions": [["night", "day"]]}, headers=planner
    )
    assert named.status_code == 200, named.text
    refused = {
        "name": ({"name": None}, 422),
        "start_time": ({"start_time": "08:30:45"}, 422),
        "is_active": ({"is_active": None}, 422),
    }
    for field, (body, status) in refused.items():
        answer = client.patch(f"/api/v1/shift-types/{day}", json=body, headers=planner)
        assert answer.status_code == status and answer.json()["errors"][0]["field"] == field
    same_name = client.patch(f"/api/v1/shift-types/{day}", json={"name": "夜班"}, headers=planner)
    assert same_name.status_code == 409 and same_name.json()["errors"][0]["field"] == "name"
    recoded = client.patch(
        f"/api/v1/shift-types/{intake.shifts['night']}", json={"code": "nights"}, headers=planner
    )
    assert recoded.status_code == 422 and recoded.json()["errors"][0]["field"] == "code"
    assert "forbidden succession" in recoded.json()["errors"][0]["reason"]
    twin = client.post(
        "/api/v1/shift-types",
        json={"unit_id": intake.unit_id, "code": "day2", "name": "白班", "start_time": "08:30",
              "end_time": "17:30"},
        headers=planner,
    )  # fmt: skip
    assert twin.status_code == 409 and twin.json()["errors"][0]["field"] == "name"
    stored = client.get(
        "/api/v1/shift-types", params={"unit_id": intake.unit_id}, headers=planner
    ).json()
    assert [(s["code"], s["name"], s["start_time"]) for s in stored if s["id"] == day] == [
        ("day", "白班", "08:30:00")
    ]
    assert "day2" not in {s["code"] for s in stored}
    assert client.get(rules_url, headers=planner).json()["forbidden_successions"] == [
        ["night", "day"]
    ]
    # an end before the start crosses midnight; the change is audited with before and after
    overnight = client.patch(
        f"/api/v1/shift-types/{backup}",
        json={"start_time": "20:00", "end_time": "06:00", "is_night": True},
        headers=planner,
    )
    assert overnight.status_code == 200, overnight.text
    entry = list_entries(session, entity_type="shift_type", entity_id=str(backup))[0]
    assert entry.action == "shift_type.update" and entry.before and entry.after
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert (after["start_time"], after["end_time"], after["is_night"]) == (
        "20:00:00",
        "06:00:00",
        True,
    )
    assert before["start_time"] != "20:00:00" and before["code"] == after["code"] == "backup"


def test_a_shift_type_that_a_published_roster_uses_names_its_fixed_fields(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    make_roster(
        session, intake, JAN1, JAN1, covering_rows(intake, JAN1, JAN1),
        status=RosterStatus.published,
    )  # fmt: skip
    planner = auth_headers(Role.planner)
    answer = client.patch(
        f"/api/v1/shift-types/{intake.shifts['day']}",
        json={"code": "day", "name": "白班", "start_time": "09:00", "end_time": "18:00"},
        headers=planner,
    )  # the page's form sends every field: the unchanged code is not a change
    assert answer.status_code == 409, answer.text
    assert {e["field"] for e in answer.json()["errors"]} == {"start_time", "end_time"}


def test_demand_lines_stay_one_per_shift_day_kind_and_skill_of_an_active_shift(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner = auth_headers(Role.planner)
    base = f"/api/v1/units/{intake.unit_id}/demand"
    lines = client.get(base, headers=planner).json()
    first, second = (
        lines[0],
        next(d for d in lines[1:] if d["shift_type_id"] == lines[0]["shift_type_id"]),
    )
    copy = {k: first[k] for k in ("shift_type_id", "day_kind", "skill", "minimum", "preferred")}
    again = client.post(base, json=copy, headers=planner)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "shift_type_id"
    moved = client.patch(
        f"{base}/{second['id']}", json={"day_kind": first["day_kind"]}, headers=planner
    )
    assert moved.status_code == 409 and moved.json()["errors"][0]["field"] == "day_kind"
    raised = client.patch(
        f"{base}/{first['id']}", json={"minimum": first["preferred"] + 1}, headers=planner
    )
    assert raised.status_code == 422 and raised.json()["errors"][0] == {
        "field": "minimum",
        "reason": "minimum must not be above preferred",
    }
    retired = client.patch(
        f"/api/v1/shift-types/{intake.shifts['backup']}", json={"is_active": False},
        headers=planner,
    )  # fmt: skip
    assert retired.status_code == 200, retired.text
    to_retired = client.patch(
        f"{base}/{first['id']}", json={"shift_type_id": intake.shifts["backup"]}, headers=planner
    )
    assert to_retired.status_code == 422
    assert to_retired.json()["errors"][0]["reason"] == "the shift type is retired"
    other = next(u for u in unit_directory.list_units(session) if u.id != intake.unit_id)
    elsewhere = client.post(
        "/api/v1/shift-types",
        json={"unit_id": other.id, "code": "day", "name": "白班", "start_time": "08:30",
              "end_time": "17:30"},
        headers=planner,
    ).json()  # fmt: skip
    foreign = client.patch(
        f"{base}/{first['id']}", json={"shift_type_id": elsewhere["id"]}, headers=planner
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "shift_type_id"
    assert client.get(base, headers=planner).json() == lines  # nothing of these was stored
    changed = client.patch(
        f"{base}/{second['id']}",
        json={"minimum": second["minimum"] + 1, "preferred": second["preferred"] + 2},
        headers=planner,
    )
    assert changed.status_code == 200, changed.text
    entry = list_entries(session, entity_type="unit", entity_id=str(intake.unit_id))[0]
    assert entry.action == "demand.update" and entry.before and entry.after
    assert json.loads(entry.before)["minimum"] == second["minimum"]
    assert json.loads(entry.after)["preferred"] == second["preferred"] + 2


@pytest.mark.parametrize(
    ("instant", "day", "accepted"),
    [
        # 01:00 on 23 November in Shanghai, still the 22nd in UTC: the 22nd is past there
        (datetime(2026, 11, 22, 17, 0, tzinfo=UTC), "2026-11-22", False),
        (datetime(2026, 11, 22, 17, 0, tzinfo=UTC), "2026-11-23", True),
        # 23:30 on 22 November in Shanghai: the 22nd is still today there
        (datetime(2026, 11, 22, 15, 30, tzinfo=UTC), "2026-11-22", True),
        (datetime(2026, 11, 22, 15, 30, tzinfo=UTC), "2026-11-01", False),
    ],
)
def test_a_wish_for_a_day_already_past_in_the_centre_is_refused_at_its_day(
    client: TestClient,
    auth_headers: Headers,
    session: Session,
    clock: FakeClock,
    instant: datetime,
    day: str,
    accepted: bool,
) -> None:
    intake = make_intake(session)
    clock.set(instant)
    wish = {"person_id": intake.people[0], "day": day, "wanted": True, "weight": 3}
    answer = client.post("/api/v1/shift-requests", json=wish, headers=auth_headers(Role.planner))
    if accepted:
        assert answer.status_code == 201, answer.text
        return
    assert answer.status_code == 422, answer.text
    error = answer.json()["errors"][0]
    assert error["field"] == "day" and error["type"] == "day_past"
    assert "already past" in error["reason"] and error["ctx"]["day"] == day
    kept = client.get("/api/v1/shift-requests", headers=auth_headers(Role.planner)).json()
    assert day not in {w["day"] for w in kept}


def test_leave_is_corrected_in_place_under_the_checks_of_recording_it_and_audited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner, person = auth_headers(Role.planner), intake.people[0]
    leave = {"person_id": person, "start_date": "2027-01-04", "end_date": "2027-01-06"}
    created = client.post("/api/v1/leave", json=leave | {"reason": "年假"}, headers=planner)
    assert created.status_code == 201, created.text
    url = f"/api/v1/leave/{created.json()['id']}"
    refusals = [
        ({"end_date": "2027-01-03"}, "end_date", "end_date must not be before start_date"),
        ({"start_date": "2027-01-07"}, "start_date", "start_date must not be after end_date"),
        ({"start_date": "2027-01-09", "end_date": "2027-01-08"}, "end_date", "must not be before"),
        ({"end_date": "2028-02-01"}, "end_date", "a leave spans at most a year"),
        ({"start_date": None}, "start_date", "must not be null"),
        ({"end_date": "01/06/2027"}, "end_date", "date"),
        ({"reason": "x" * 201}, "reason", "at most 200"),
    ]
    for body, field, reason in refusals:
        refused = client.patch(url, json=body, headers=planner)
        assert refused.status_code == 422, (body, refused.text)
        errors = refused.json()["errors"]
        assert [e["field"] for e in errors] == [field] and reason in errors[0]["reason"], body
    assert (
        client.patch(url, json={"reason": "x"}, headers=auth_headers(Role.duty_officer)).status_code
        == 403
    )
    kept = client.get("/api/v1/leave", params={"person_id": person}, headers=planner).json()
    assert [(x["start_date"], x["end_date"], x["reason"]) for x in kept] == [
        ("2027-01-04", "2027-01-06", "年假")
    ]

    fixed = client.patch(url, json={"end_date": "2027-01-08", "reason": "病假"}, headers=planner)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json() | {"id": 0} == {
        "id": 0,
        "person_id": person,
        "start_date": "2027-01-04",
        "end_date": "2027-01-08",
        "reason": "病假",
        "published_shifts": [],
    }
    entry = list_entries(session, entity_type="person", entity_id=str(person))[0]
    assert entry.action == "leave.update" and entry.actor is not None
    assert json.loads(entry.before or "{}") == {
        "id": created.json()["id"],
        "end_date": "2027-01-06",
        "reason": "年假",
    }
    assert json.loads(entry.after or "{}") == {
        "id": created.json()["id"],
        "end_date": "2027-01-08",
        "reason": "病假",
    }
    assert (
        client.patch("/api/v1/leave/999999", json={"reason": "x"}, headers=planner).status_code
        == 404
    )


def test_a_wish_is_corrected_in_place_under_the_checks_of_recording_it_and_audited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)  # the clock: Monday 23 November 2026 in Shanghai
    planner, person = auth_headers(Role.planner), intake.people[0]
    wish = {"person_id": person, "day": "2027-01-05", "wanted": False, "weight": 5}
    created = client.post("/api/v1/shift-requests", json=wish, headers=planner)
    assert created.status_code == 201, created.text
    url = f"/api/v1/shift-requests/{created.json()['id']}"
    refusals = [
        ({"day": "2026-11-22"}, "day", "already past"),
        ({"day": None}, "day", "must not be null"),
        ({"wanted": "no"}, "wanted", "boolean"),
        ({"weight": 11}, "weight", "less than or equal to 10"),
        ({"shift_type_id": 999999}, "shift_type_id", "does not exist"),
    ]
    for body, field, reason in refusals:
        refused = client.patch(url, json=body, headers=planner)
        assert refused.status_code == 422, (body, refused.text)
        errors = refused.json()["errors"]
        assert [e["field"] for e in errors] == [field] and reason in errors[0]["reason"], body
    refused = client.patch(url, json={"weight": 2}, headers=auth_headers(Role.duty_officer))
    assert refused.status_code == 403
    assert (
        client.patch("/api/v1/shift-requests/999999", json={}, headers=planner).status_code == 404
    )

    night = intake.shifts[sorted(intake.shifts)[0]]
    body = {"day": "2027-01-06", "shift_type_id": night, "wanted": True, "weight": 2}
    fixed = client.patch(url, json=body, headers=planner)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json() == {"id": created.json()["id"], "person_id": person} | body
    entry = list_entries(session, entity_type="person", entity_id=str(person))[0]
    assert entry.action == "request.update" and entry.actor is not None
    assert json.loads(entry.before or "{}") == {
        "id": created.json()["id"],
        "day": "2027-01-05",
        "shift_type_id": None,
        "wanted": False,
        "weight": 5,
    }
    assert json.loads(entry.after or "{}") == {"id": created.json()["id"]} | body
    anyshift = client.patch(url, json={"shift_type_id": None}, headers=planner)
    assert anyshift.status_code == 200 and anyshift.json()["shift_type_id"] is None
    unchanged = list_entries(session, entity_type="person", entity_id=str(person))
    assert client.patch(url, json={"weight": 2}, headers=planner).status_code == 200
    assert len(list_entries(session, entity_type="person", entity_id=str(person))) == len(
        unchanged
    )  # nothing changed, nothing recorded
