"""An emergency plan with several wrong fields is refused with one 422 naming each of them
(the page marks them all at once), whether the type checks or escalation's own checks find
them; nothing is written."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from oncall.models import Person
from tests.api.test_emergency_plans_api import (  # noqa: F401 - the fixture `people`
    URL,
    VALID,
    Headers,
    _audit_count,
    _plan,
    people,
)


def _changed(changes: dict[tuple[Any, ...], Any], person_id: int) -> dict[str, Any]:
    body = copy.deepcopy(VALID)
    body["steps"][0]["targets"][0]["person_id"] = person_id
    for path, value in changes.items():
        node: Any = body
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return body


CASES = [
    (  # escalation's checks only: bounds, names that do not exist, deadlines out of order
        {
            ("steps", 0, "wait_minutes"): 0,
            ("steps", 1, "targets", 0, "skill"): "astrology",
            ("steps", 1, "broadcast_groups"): ["nowhere"],
            ("written_report_minutes",): 10,
        },
        [
            "steps[0].wait_minutes",
            "written_report_minutes",
            "steps[1].targets[0].skill",
            "steps[1].broadcast_groups[0]",
        ],
    ),
    (  # a type error beside the steps' own problems
        {
            ("name",): "",
            ("steps", 0, "rules", 0, "after_minutes"): 10,
            ("steps", 1, "repeat"): 99,
        },
        ["name", "steps[0].rules[0].after_minutes", "steps[1].repeat"],
    ),
    (
        {("initial_report_minutes",): 0, ("steps", 0, "wait_minutes"): "10"},
        ["initial_report_minutes", "steps[0].wait_minutes"],
    ),
]


@pytest.mark.parametrize(("changes", "fields"), CASES)
def test_every_wrong_field_of_a_plan_is_named_at_once_and_nothing_is_written(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    people: dict[str, Person],  # noqa: F811
    changes: dict[tuple[Any, ...], Any],
    fields: list[str],
) -> None:
    admin = auth_headers(Role.admin)
    url = f"{URL}/food_safety/I"
    assert client.put(url, json=_plan(people["b"].id or 0), headers=admin).status_code == 200
    kept, audited = client.get(url, headers=admin).json(), _audit_count(session)

    response = client.put(url, json=_changed(changes, people["a"].id or 0), headers=admin)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert sorted(e["field"] for e in problem["errors"]) == sorted(fields)
    assert client.get(url, headers=admin).json() == kept
    assert _audit_count(session) == audited
