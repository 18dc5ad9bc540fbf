"""The roster lifecycle through the real app: generate → draft → publish, on-duty resolution,
repair with minimal change, overrides, swaps, iCal feeds. The demo centre provides the data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.audit import list_entries
from core.users import Role
from escalation import targets
from escalation.default_plans import default_plans
from escalation.policy import OnDutyTarget
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.models import Unit
from scheduler.roster_soft import KEYS
from tests.conftest import T0
from tests.roster_helpers import infeasible_roster

Headers = Callable[[Role], dict[str, str]]
SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 11, 30), date(2026, 12, 6)


def _local(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).isoformat()


@pytest.fixture
def intake(session: Session) -> int:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    return unit.id


def _generate(client: TestClient, planner: dict[str, str], unit_id: int) -> dict[str, Any]:
    response = client.post(
        "/api/v1/rosters",
        json={
            "unit_id": unit_id,
            "period_start": str(START),
            "period_end": str(END),
            "time_limit_s": 4,
        },
        headers=planner,
    )
    assert response.status_code == 202, response.text
    roster: dict[str, Any] = client.get(
        f"/api/v1/rosters/{response.json()['id']}", headers=planner
    ).json()
    return roster


def _published(client: TestClient, auth_headers: Headers, unit_id: int) -> dict[str, Any]:
    planner = auth_headers(Role.planner)
    roster = _generate(client, planner, unit_id)
    assert roster["status"] == "draft", roster
    published = client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=planner)
    assert published.status_code == 200
    return published.json()


def _assignments(
    client: TestClient, headers: dict[str, str], roster_id: int
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = client.get(
        f"/api/v1/rosters/{roster_id}/assignments", headers=headers
    ).json()
    return result


def test_generate_review_and_publish(
    client: TestClient, auth_headers: Headers, intake: int, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    roster = _generate(client, planner, intake)
    assert roster["status"] == "draft" and roster["progress"] == 1.0
    assert roster["objective"] == sum(v["cost"] for v in roster["violations"])
    assert roster["totals"]
    rows = _assignments(client, planner, roster["id"])
    by_day_shift: dict[tuple[str, str], int] = {}
    for row in rows:
        by_day_shift[(row["day"], row["shift"])] = (
            by_day_shift.get((row["day"], row["shift"]), 0) + 1
        )
    for offset in range(7):
        day = str(START + timedelta(days=offset))
        assert by_day_shift[(day, "leader")] == 1  # exactly one leader on duty per day
        assert by_day_shift[(day, "night")] >= 1 and by_day_shift[(day, "day")] >= 1
    published = client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=planner)
    assert published.json()["status"] == "published"
    again = client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=planner)
    assert again.status_code == 409
    actions = [e.action for e in list_entries(session, entity_type="roster")]
    assert actions[:3] == ["roster.publish", "roster.draft", "roster.generate"]


def test_on_duty_across_midnight(client: TestClient, auth_headers: Headers, intake: int) -> None:
    roster = _published(client, auth_headers, intake)
    viewer = auth_headers(Role.viewer)
    rows = _assignments(client, viewer, roster["id"])
    first = START + timedelta(days=2)
    night = next(r["person_id"] for r in rows if r["day"] == str(first) and r["shift"] == "night")
    leader = next(r["person_id"] for r in rows if r["day"] == str(first) and r["shift"] == "leader")
    after_midnight = client.get(
        "/api/v1/oncall/now", params={"at": _local(first + timedelta(days=1), 2)}, headers=viewer
    ).json()
    assert {(p["person_id"], p["shift"]) for p in after_midnight} >= {
        (night, "night"),
        (leader, "leader"),
    }
    assert all(p["phones"] for p in after_midnight)
    leaders = client.get(
        "/api/v1/oncall/now", params={"at": _local(first, 12), "role": "leader"}, headers=viewer
    ).json()
    assert [p["person_id"] for p in leaders] == [leader]
    naive = client.get("/api/v1/oncall/now", params={"at": "2026-12-02T02:00:00"}, headers=viewer)
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "at"


def test_repair_changes_only_what_it_must(
    client: TestClient, auth_headers: Headers, intake: int
) -> None:
    roster = _published(client, auth_headers, intake)
    planner = auth_headers(Role.planner)
    rows = _assignments(client, planner, roster["id"])
    sick_day = START + timedelta(days=3)
    sick = next(r["person_id"] for r in rows if r["day"] == str(sick_day) and r["shift"] == "night")
    repair = client.post(
        f"/api/v1/rosters/{roster['id']}/repair",
        json={
            "person_id": sick,
            "start_date": str(sick_day),
            "end_date": str(sick_day),
            "reason": "病假",
            "time_limit_s": 4,
        },
        headers=planner,
    )
    assert repair.status_code == 202, repair.text
    repaired = client.get(f"/api/v1/rosters/{repair.json()['id']}", headers=planner).json()
    assert repaired["status"] == "draft" and repaired["base_roster_id"] == roster["id"]
    assert repaired["repair_reason"] == "病假" and repaired["note"] == "repair: 病假"
    assert roster["repair_reason"] is None
    diff = client.get(
        f"/api/v1/rosters/{repaired['id']}/compare/{roster['id']}", headers=planner
    ).json()
    assert {"person_id": sick, "day": str(sick_day), "shift": "night"} in diff["removed"]
    assert all(a["person_id"] != sick or a["day"] != str(sick_day) for a in diff["added"])
    assert len(diff["removed"]) + len(diff["added"]) <= 8
    assert (
        client.post(f"/api/v1/rosters/{repaired['id']}/publish", headers=planner).status_code == 200
    )
    old = client.get(f"/api/v1/rosters/{roster['id']}", headers=planner).json()
    assert old["status"] == "superseded"


def test_infeasible_roster_is_explained(
    client: TestClient, auth_headers: Headers, intake: int
) -> None:
    planner = auth_headers(Role.planner)
    night = next(
        s
        for s in client.get(f"/api/v1/shift-types?unit_id={intake}", headers=planner).json()
        if s["code"] == "night"
    )
    client.post(
        f"/api/v1/units/{intake}/demand",
        json={
            "shift_type_id": night["id"],
            "day_kind": "any",
            "skill": "cosmetics",
            "minimum": 3,
            "preferred": 3,
        },
        headers=planner,
    )
    roster = _generate(client, planner, intake)
    assert roster["status"] == "infeasible"
    assert roster["explanation"]
    assert any(e["skill"] == "cosmetics" for e in roster["explanation"])
    cover = next(e for e in roster["explanation"] if e["skill"] == "cosmetics")
    assert cover["key"] == "cover"
    assert cover["message"].startswith(f"{cover['day']} night needs 3 cosmetics people, only ")
    assert cover["values"] == {
        "day": cover["day"],
        "shift": "night",
        "minimum": 3,
        "available": cover["values"]["available"],
        "skill": "cosmetics",
        "absent": cover["values"]["absent"],
    }
    assert cover["values"]["available"] < 3
    assert cover["people_short"] == 3 - cover["values"]["available"]
    assert (
        client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=planner).status_code == 409
    )


def test_an_explanation_stored_before_message_keys_is_returned_as_stored(
    client: TestClient, auth_headers: Headers, session: Session, intake: int
) -> None:
    item = {
        "rule": "minimum_cover",
        "day": "2027-01-04",
        "shift": "night",
        "skill": None,
        "people_short": 1,
        "message": "2027-01-04 night needs 1 person, only 0 available",
    }
    roster = infeasible_roster(session, unit_id=intake, start=START, explanation=[item])
    shown = client.get(f"/api/v1/rosters/{roster.id}", headers=auth_headers(Role.planner))
    assert shown.status_code == 200
    assert shown.json()["explanation"] == [item | {"person": None, "key": None, "values": {}}]


def test_broken_wishes_are_returned_with_their_keys_and_values(
    client: TestClient, auth_headers: Headers, intake: int
) -> None:
    roster = _generate(client, auth_headers(Role.planner), intake)
    assert roster["status"] == "draft" and roster["violations"], roster
    for item in roster["violations"]:
        assert item["values"].keys() == KEYS[item["key"]], item
        if "person" in item["values"]:
            assert (item["values"]["person"], item["values"]["day"]) == (
                item["person"],
                item["day"],
            )


def test_a_violation_stored_before_message_keys_is_returned_as_stored(
    client: TestClient, auth_headers: Headers, session: Session, intake: int
) -> None:
    item = {
        "goal": "request",
        "cost": 5,
        "detail": "6 asked for day off on 2027-01-05",
        "person": "6",
        "day": "2027-01-05",
    }
    roster = infeasible_roster(session, unit_id=intake, start=START, explanation=[])
    roster.result_json = json.dumps({"violations": [item]})
    session.add(roster)
    session.commit()
    shown = client.get(f"/api/v1/rosters/{roster.id}", headers=auth_headers(Role.planner))
    assert shown.status_code == 200
    assert shown.json()["violations"] == [item | {"key": None, "values": {}}]


def test_override_is_checked_and_changes_who_is_on_duty(
    client: TestClient, auth_headers: Headers, intake: int
) -> None:
    roster = _published(client, auth_headers, intake)
    planner = auth_headers(Role.planner)
    rows = _assignments(client, planner, roster["id"])
    day = START + timedelta(days=4)
    night_row = next(r for r in rows if r["day"] == str(day) and r["shift"] == "night")
    busy_that_day = {
        r["person_id"]
        for r in rows
        if r["day"] in {str(day), str(day - timedelta(days=1)), str(day + timedelta(days=1))}
    }
    officers = client.get("/api/v1/people?duty_role=duty_officer", headers=planner).json()
    free = next(p["id"] for p in officers if p["id"] not in busy_that_day)
    shift_id = next(
        s["id"]
        for s in client.get(f"/api/v1/shift-types?unit_id={intake}", headers=planner).json()
        if s["code"] == "night"
    )
    leader = next(r["person_id"] for r in rows if r["day"] == str(day) and r["shift"] == "leader")
    refused = client.post(
        "/api/v1/overrides",
        json={
            "shift_type_id": shift_id,
            "day": str(day),
            "covering_person_id": leader,
            "original_person_id": night_row["person_id"],
        },
        headers=planner,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "covering_person_id"
    accepted = client.post(
        "/api/v1/overrides",
        json={
            "shift_type_id": shift_id,
            "day": str(day),
            "covering_person_id": free,
            "original_person_id": night_row["person_id"],
            "reason": "家中有事",
        },
        headers=planner,
    )
    assert accepted.status_code == 201, accepted.text
    now_on = client.get(
        "/api/v1/oncall/now", params={"at": _local(day, 22), "role": "duty"}, headers=planner
    ).json()
    ids = {p["person_id"] for p in now_on}
    assert free in ids and night_row["person_id"] not in ids


def test_swap_request_and_approval(client: TestClient, auth_headers: Headers, intake: int) -> None:
    roster = _published(client, auth_headers, intake)
    planner = auth_headers(Role.planner)
    rows = _assignments(client, planner, roster["id"])
    days_of: dict[int, set[str]] = {}
    for row in rows:
        days_of.setdefault(row["person_id"], set()).add(row["day"])
    day_rows = [r for r in rows if r["shift"] == "day"]
    pairs = [
        (x, y)
        for x in day_rows
        for y in day_rows
        if x["day"] < y["day"]
        and x["day"] not in days_of[y["person_id"]]
        and y["day"] not in days_of[x["person_id"]]
    ]
    for a, b in pairs:  # the first swap the rules allow; a refused one names who and why
        requested = client.post(
            "/api/v1/swaps",
            json={
                "roster_id": roster["id"],
                "a_person_id": a["person_id"],
                "a_day": a["day"],
                "b_person_id": b["person_id"],
                "b_day": b["day"],
                "reason": "调换",
            },
            headers=planner,  # a duty officer may only put up a swap of their own shifts
        )
        if requested.status_code != 422:
            break
        assert requested.json()["errors"][0]["field"] in {"a_person_id", "b_person_id"}
    assert requested.status_code == 201, requested.text
    swap_id = requested.json()["id"]
    decided = client.post(f"/api/v1/swaps/{swap_id}/approve", headers=planner)
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    on_first_day = client.get(
        "/api/v1/oncall/now",
        params={"at": _local(date.fromisoformat(a["day"]), 10), "role": "duty"},
        headers=planner,
    ).json()
    assert b["person_id"] in {p["person_id"] for p in on_first_day}
    assert client.post(f"/api/v1/swaps/{swap_id}/reject", headers=planner).status_code == 409


def test_ical_feed_for_a_unit(client: TestClient, auth_headers: Headers, intake: int) -> None:
    _published(client, auth_headers, intake)
    created = client.post(
        "/api/v1/feeds",
        json={"kind": "unit", "subject_id": intake},
        headers=auth_headers(Role.planner),
    )
    assert created.status_code == 201
    path = created.json()["url"].split("8000", 1)[1]
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text.count("BEGIN:VEVENT") >= 21 and "带班领导" in feed.text
    assert client.get("/ical/not-a-real-token-123.ics").status_code == 404


def test_one_pass_cache_resolves_each_target_as_on_its_own(
    client: TestClient, auth_headers: Headers, intake: int, session: Session
) -> None:
    """The dispatcher resolves a whole pass at one instant with one `TargetCache`: the
    roster layers are read once, and every policy step still gets the people its targets
    have when each is resolved alone (day, night across midnight, leader, experts)."""
    _published(client, auth_headers, intake)
    policies = [plan.policy for plan in default_plans()]
    for offset, hour in ((1, 2), (1, 12), (3, 23), (5, 1)):
        instant = datetime.combine(START + timedelta(days=offset), time(hour), tzinfo=SHANGHAI)
        cache = targets.TargetCache()
        for policy in policies:
            shared = targets.resolve_policy(session, policy, at=instant, tz=SHANGHAI, cache=cache)
            alone = {
                index: frozenset().union(
                    *(
                        targets.resolve_target(session, target, at=instant, tz=SHANGHAI)
                        for target in step.targets
                    )
                )
                for index, step in enumerate(policy.steps)
            }
            assert shared == alone
        assert cache.layers is not None
        on_duty = cache.people[OnDutyTarget(role="duty_officer")]
        assert len(on_duty) >= 1, (instant, cache.people)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/leave",
            {"person_id": 1, "start_date": "2026-12-10", "end_date": "2026-12-09"},
            "end_date",
        ),
        (
            "/api/v1/rosters",
            {"unit_id": 1, "period_start": "2026-12-10", "period_end": "2026-12-09"},
            "period_end",
        ),
        (
            "/api/v1/rosters",
            {"unit_id": 1, "period_start": "2026-12-01", "period_end": "2027-02-28"},
            "period_end",
        ),
        (
            "/api/v1/rosters/5/repair",
            {"person_id": 1, "start_date": "2026-12-10", "end_date": "2026-12-09"},
            "end_date",
        ),
        (
            "/api/v1/rosters/5/repair",
            {"person_id": 13, "start_date": "2026-01-01", "end_date": "2027-12-31"},
            "end_date",
        ),
    ],
)
def test_date_range_errors_name_the_end_field(
    client: TestClient, auth_headers: Headers, path: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(path, json=body, headers=auth_headers(Role.planner))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_repair_keeps_the_approved_swaps_of_the_roster_it_replaces(
    client: TestClient, auth_headers: Headers, intake: int, session: Session
) -> None:
    roster = _published(client, auth_headers, intake)
    planner = auth_headers(Role.planner)
    rows = _assignments(client, planner, roster["id"])
    days_of: dict[int, set[str]] = {}
    for row in rows:
        days_of.setdefault(row["person_id"], set()).add(row["day"])
    day_rows = [r for r in rows if r["shift"] == "day"]

    def around(day: str) -> set[str]:  # a day shift next to another shift breaks the rest rule
        when = date.fromisoformat(day)
        return {str(when + timedelta(days=offset)) for offset in (-1, 0, 1)}

    sick_day = END  # whoever works its night falls sick; the swap is between two others
    sick = next(r["person_id"] for r in rows if r["day"] == str(sick_day) and r["shift"] == "night")
    a, b = next(
        (x, y)
        for x in day_rows
        for y in day_rows
        if x["day"] < y["day"]
        and sick not in (x["person_id"], y["person_id"])
        and not around(x["day"]) & days_of[y["person_id"]]
        and not around(y["day"]) & days_of[x["person_id"]]
    )
    session.add(
        SwapRequestRow(
            roster_id=roster["id"],
            a_person_id=a["person_id"],
            a_day=date.fromisoformat(a["day"]),
            b_person_id=b["person_id"],
            b_day=date.fromisoformat(b["day"]),
            status=SwapStatus.approved,
            requested_by="officer",
            requested_at=T0,
            decided_by="planner",
            decided_at=T0,
        )
    )
    session.commit()
    repair = client.post(
        f"/api/v1/rosters/{roster['id']}/repair",
        json={
            "person_id": sick,
            "start_date": str(sick_day),
            "end_date": str(sick_day),
            "time_limit_s": 4,
        },
        headers=planner,
    ).json()
    assert (
        client.get(f"/api/v1/rosters/{repair['id']}", headers=planner).json()["status"] == "draft"
    )
    published = client.post(f"/api/v1/rosters/{repair['id']}/publish", headers=planner).json()
    on_a_day = client.get(
        "/api/v1/oncall/now",
        params={"at": _local(date.fromisoformat(a["day"]), 10), "role": "duty"},
        headers=planner,
    ).json()
    on_duty = {p["person_id"] for p in on_a_day}
    if published["dropped_swaps"]:  # the repair had to move a swapped slot: reported
        assert published["dropped_swaps"][0]["from_roster_id"] == roster["id"]
    else:
        assert b["person_id"] in on_duty and a["person_id"] not in on_duty


def test_a_roster_says_which_of_its_days_rest_on_an_estimated_calendar(
    client: TestClient, auth_headers: Headers, intake: int
) -> None:
    """No official notice for 2027 is packaged: a period reaching into it says from which day
    its day kinds (holidays, make-up working days) are estimates, in the generate answer, the
    version and the publish answer; once an administrator confirms the year's notice is
    entered, nothing is estimated."""
    planner = auth_headers(Role.planner)
    body = {"unit_id": intake, "period_start": "2026-12-28", "period_end": "2027-01-03"}
    started = client.post("/api/v1/rosters", json=body | {"time_limit_s": 2}, headers=planner)
    assert started.status_code == 202, started.text
    span = {"first": "2027-01-01", "last": "2027-01-03"}
    assert started.json()["estimated_days"] == span
    roster = client.get(f"/api/v1/rosters/{started.json()['id']}", headers=planner).json()
    assert roster["status"] == "draft" and roster["estimated_days"] == span
    published = client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=planner)
    assert published.status_code == 200 and published.json()["estimated_days"] == span
    listed = client.get("/api/v1/rosters", params={"unit_id": intake}, headers=planner).json()
    assert [r["estimated_days"] for r in listed if r["id"] == roster["id"]] == [span]
    admin = auth_headers(Role.admin)
    assert client.put("/api/v1/calendar/notices/2027", json={}, headers=admin).status_code == 200
    confirmed = client.get(f"/api/v1/rosters/{roster['id']}", headers=planner).json()
    assert confirmed["estimated_days"] is None
    # a period of an official year alone estimates nothing
    assert _generate(client, planner, intake)["estimated_days"] is None
