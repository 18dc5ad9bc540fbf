"""A rule set dated back over items already received: those items keep the set they were
timed by (running clocks keep their length), so a set that would time their receipt days is
refused with a 409 naming the field, nothing stored and nothing audited; dated after the last
of them it is created."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from complaints.config_models import ComplaintRuleSet
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import complaint_data, make_centre

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"  # today (T0) is 2026-11-23 in Asia/Shanghai


def _o121(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    sets = client.get(f"{BASE}/rule-sets", headers=admin).json()
    return dict(next(s for s in sets if s["code"] == "O121"))


def _refused(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["field"] == field
    return dict(error)


def test_a_set_dated_back_over_received_items_is_refused(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    make_centre(session)
    admin = auth_headers(Role.admin)
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    for received in ("2026-11-20T02:00:00Z", "2026-11-23T01:00:00Z"):
        posted = client.post(
            "/api/v1/complaints",
            json=body | {"received_at": received},
            headers=auth_headers(Role.coordinator),
        )
        assert posted.status_code == 201, posted.text
    o121 = _o121(client, admin)
    new = {"code": "O121-B", "name": "新规", "limits": o121["limits"]}
    error = _refused(
        client.post(
            f"{BASE}/rule-sets", json=new | {"effective_from": "2026-11-21"}, headers=admin
        ),
        "effective_from",
    )
    assert error["type"] == "items_keep_rule_set"
    assert error["ctx"] == {
        "n": 1,
        "code": "O121",
        "first": "2026-11-23",
        "last": "2026-11-23",
        "next": "2026-11-24",
    }
    assert "O121-B" not in {s.code for s in session.exec(select(ComplaintRuleSet)).all()}
    assert not [e for e in list_entries(session) if e.action == "complaint.rule_set.create"]
    # dated after the last item received under O121 it is created; O121 keeps its days
    created = client.post(
        f"{BASE}/rule-sets", json=new | {"effective_from": "2026-11-24"}, headers=admin
    )
    assert created.status_code == 201, created.text
    # moving it back over the items afterwards is refused the same way
    moved = client.patch(
        f"{BASE}/rule-sets/{created.json()['id']}",
        json={"effective_from": "2026-11-01"},
        headers=admin,
    )
    assert _refused(moved, "effective_from")["ctx"]["n"] == 2
    # and O121 may not move its start past the items it times
    late = client.patch(
        f"{BASE}/rule-sets/{o121['id']}", json={"effective_from": "2026-11-21"}, headers=admin
    )
    assert _refused(late, "effective_from")["type"] == "items_keep_this_rule_set"
    assert _o121(client, admin)["effective_from"] == o121["effective_from"]


def test_a_set_timing_received_items_cannot_be_switched_off(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    """Switching off the set in force would hand its receipt days to another set (or none)
    while the items received on them keep it: refused on `is_active`, nothing changed."""
    make_centre(session)
    admin = auth_headers(Role.admin)
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    posted = client.post(
        "/api/v1/complaints",
        json=body | {"received_at": "2026-11-20T02:00:00Z"},
        headers=auth_headers(Role.coordinator),
    )
    assert posted.status_code == 201, posted.text
    o121 = _o121(client, admin)
    off = client.patch(f"{BASE}/rule-sets/{o121['id']}", json={"is_active": False}, headers=admin)
    assert off.status_code == 409, off.text
    (error,) = off.json()["errors"]
    assert error["field"] == "is_active"
    assert _o121(client, admin)["is_active"] is True
    assert not [e for e in list_entries(session) if e.action == "complaint.rule_set.update"]
