"""A shift and skill have either one demand line for any day or lines for single day kinds:
a line that would overlap the other form is a 409 naming the field and the line already
there, and nothing is stored (the demo centre: the day shift by day kind, the night and
backup shifts for any day)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.users import Role
from tests.roster_helpers import make_intake

Headers = Callable[[Role], dict[str, str]]


def _line(lines: list[dict[str, Any]], shift: int, kind: str) -> dict[str, Any]:
    return next(d for d in lines if d["shift_type_id"] == shift and d["day_kind"] == kind)


def _overlap(response: Any, field: str, error_type: str, line: dict[str, Any]) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert (error["field"], error["type"]) == (field, error_type)
    assert error["ctx"]["line"] == line["id"]
    assert (error["ctx"]["minimum"], error["ctx"]["preferred"]) == (
        line["minimum"],
        line["preferred"],
    )
    assert f"demand line {line['id']} " in response.json()["detail"]


def test_an_any_day_line_and_a_day_kind_line_of_one_shift_and_skill_are_refused(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    planner = auth_headers(Role.planner)
    base = f"/api/v1/units/{intake.unit_id}/demand"
    lines = client.get(base, headers=planner).json()
    audited = len(list_entries(session, entity_type="unit", entity_id=str(intake.unit_id)))
    day, night = intake.shifts["day"], intake.shifts["night"]

    any_day = {"shift_type_id": day, "day_kind": "any", "minimum": 1, "preferred": 1}
    _overlap(
        client.post(base, json=any_day, headers=planner),
        "day_kind",
        "demand_day_kind_lines",
        _line(lines, day, "workday"),  # the first of the day shift's lines by day kind
    )
    workdays = {"shift_type_id": night, "day_kind": "workday", "minimum": 2, "preferred": 2}
    _overlap(
        client.post(base, json=workdays, headers=planner),
        "day_kind",
        "demand_any_day_line",
        _line(lines, night, "any"),
    )
    weekend = _line(lines, day, "weekend")
    _overlap(
        client.patch(f"{base}/{weekend['id']}", json={"shift_type_id": night}, headers=planner),
        "shift_type_id",
        "demand_any_day_line",
        _line(lines, night, "any"),
    )
    holiday = _line(lines, day, "holiday")
    _overlap(
        client.patch(f"{base}/{holiday['id']}", json={"day_kind": "any"}, headers=planner),
        "day_kind",
        "demand_day_kind_lines",
        _line(lines, day, "workday"),
    )
    assert client.get(base, headers=planner).json() == lines
    assert len(list_entries(session, entity_type="unit", entity_id=str(intake.unit_id))) == audited

    # a line with a skill is its own minimum (people with the skill among those on the shift)
    skilled = workdays | {"skill": "special_equipment", "minimum": 1, "preferred": 1}
    added = client.post(base, json=skilled, headers=planner)
    assert added.status_code == 201, added.text
    # and changing a line's numbers never meets the check
    raised = client.patch(f"{base}/{holiday['id']}", json={"preferred": 2}, headers=planner)
    assert raised.status_code == 200, raised.text
