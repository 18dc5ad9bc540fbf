"""An item's `allowed_actions` (the buttons of its page and of the unit inbox) leave out what
the API would refuse with a 409 whatever the form says: an extension already granted, a
working-day extension of an hour limit. A handler saw "Extend the reply limit" on an urgent
12345 order with a 24-hour limit, pressed it and read only that the record's state forbids it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.complaint_helpers import (
    Centre,
    complaint_data,
    handler_headers,
    make_centre,
    report_data,
)

Headers = dict[str, str]
BASE = "/api/v1/complaints"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


@pytest.fixture
def people(
    session: Session, auth_headers: Callable[[Role], Headers], centre: Centre
) -> tuple[Headers, Headers]:
    return auth_headers(Role.coordinator), handler_headers(session, centre.east, "offer-handler")


def _handled(client: TestClient, people: tuple[Headers, Headers], body: Any, step: str) -> int:
    coordinator, handler = people
    created = client.post(
        BASE, json=body.model_dump(mode="json", exclude_none=True), headers=coordinator
    )
    assert created.status_code == 201, created.text
    cid: int = created.json()["items"][0]["id"]
    for path, headers in (("distribute", coordinator), (step, handler)):
        done = client.post(f"{BASE}/{cid}/{path}", json={}, headers=headers)
        assert done.status_code == 200, done.text
    return cid


def _offered(client: TestClient, cid: int, handler: Headers) -> list[str]:
    actions: list[str] = client.get(f"{BASE}/{cid}", headers=handler).json()["allowed_actions"]
    return actions


def _order(**overrides: Any) -> Any:
    return complaint_data(channel="transfer_12345", external_ref="GD-OFFER", claim="", **overrides)


@pytest.mark.parametrize(
    ("body", "action", "grant"),
    [
        (_order(), "extend_reply", {}),
        (
            report_data(occurred_address="城东区幸福路88号"),
            "extend_verification",
            {"approved_by": "王局长"},
        ),
    ],
)
def test_an_extension_granted_once_is_no_longer_offered(
    client: TestClient,
    people: tuple[Headers, Headers],
    body: Any,
    action: str,
    grant: dict[str, str],
) -> None:
    handler = people[1]
    cid = _handled(client, people, body, "sign-for")
    assert action in _offered(client, cid, handler)
    path = f"{BASE}/{cid}/{action.replace('_', '-')}"
    granted = client.post(path, json=grant, headers=handler)
    assert granted.status_code == 200, granted.text
    assert action not in _offered(client, cid, handler)
    assert client.post(path, json=grant, headers=handler).status_code == 409


def test_an_hour_limit_is_not_offered_a_working_day_extension(
    client: TestClient,
    people: tuple[Headers, Headers],
    auth_headers: Callable[[Role], Headers],
) -> None:
    admin = auth_headers(Role.admin)
    o121 = client.get("/api/v1/complaint-config/rule-sets", headers=admin).json()[1]
    hours = {"order_risk_hours": 2, "order_utility_hours": 24}
    changed = client.patch(
        f"/api/v1/complaint-config/rule-sets/{o121['id']}",
        json={"limits": o121["limits"] | hours},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    handler = people[1]
    cid = _handled(client, people, _order(utility=True), "sign-for")
    reply = {c["kind"]: c for c in client.get(f"{BASE}/{cid}", headers=handler).json()["clocks"]}
    assert reply["reply"]["unit"] == "hours"
    assert "extend_reply" not in _offered(client, cid, handler)
    refused = client.post(f"{BASE}/{cid}/extend-reply", json={}, headers=handler)
    assert refused.status_code == 409


def test_a_replied_order_is_the_centres_to_close(
    client: TestClient, session: Session, people: tuple[Headers, Headers]
) -> None:
    """The unit signs for a 12345 order and replies; the centre checks the reply (回访) and
    closes it (办结): the unit is neither offered the close nor allowed it, and nothing changes
    when it tries."""
    coordinator, handler = people
    cid = _handled(client, people, _order(), "sign-for")
    reply = {"result": "已联系商家退款"}
    assert client.post(f"{BASE}/{cid}/reply", json=reply, headers=handler).status_code == 200
    assert "close" not in _offered(client, cid, handler)
    refused = client.post(f"{BASE}/{cid}/close", json={"result": "办结"}, headers=handler)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get(f"{BASE}/{cid}", headers=handler).json()["status"] == "replied"
    assert "close" in _offered(client, cid, coordinator)
    closed = client.post(f"{BASE}/{cid}/close", json={"result": "回访满意"}, headers=coordinator)
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
