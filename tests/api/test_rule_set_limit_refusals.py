"""A rule set's limits the API refuses: a zero or negative handling limit (the schema's
bounds) and 12345 steps that would fall due after the reply they belong to (the service's
check, typed so that the page can word it). Nothing is stored or audited; a good edit is
stored and audited with before and after."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.users import Role

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"


def _o121(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    sets = client.get(f"{BASE}/rule-sets", headers=headers).json()
    return next(s for s in sets if s["code"] == "O121")


@pytest.mark.parametrize(
    ("change", "field", "error_type"),
    [
        ({"acceptance_wd": 0}, "limits.acceptance_wd", "greater_than_equal"),
        ({"order_reply_wd": -1}, "limits.order_reply_wd", "greater_than_equal"),
        ({"mediation_limit": 0}, "limits.mediation_limit", "greater_than_equal"),
        ({"order_risk_hours": 0}, "limits.order_risk_hours", "greater_than_equal"),
        ({"acceptance_wd": None}, "limits.acceptance_wd", "int_type"),
        ({"order_sign_for_wd": 6}, "limits.order_sign_for_wd", "sign_for_after_reply"),
        ({"order_return_wd": 6}, "limits.order_return_wd", "return_after_reply"),
        ({"order_urgent_reply_wd": 6}, "limits.order_urgent_reply_wd", "urgent_after_reply"),
        # Guangdong's 2 days for a consultation: a return window of 3 outlasts that reply
        (
            {"order_reply_by_type": {"consultation": 2}, "order_return_wd": 3},
            "limits.order_return_wd",
            "return_after_reply",
        ),
        ({"order_reply_by_type": {"help": 0}}, "limits.order_reply_by_type.help", None),
    ],
)
def test_nonsense_limits_are_refused_beside_the_field_and_nothing_is_stored(
    client: TestClient,
    auth_headers: Headers,
    session: Session,
    change: dict[str, Any],
    field: str,
    error_type: str | None,
) -> None:
    admin = auth_headers(Role.admin)
    before = _o121(client, admin)
    limits = before["limits"] | change
    refused = client.patch(
        f"{BASE}/rule-sets/{before['id']}", json={"limits": limits}, headers=admin
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    (error,) = refused.json()["errors"]
    assert error["field"] == field
    if error_type is not None:
        assert error["type"] == error_type
    if error_type and error_type.endswith("_after_reply"):
        assert error["ctx"] == {"le": min([5, *change.get("order_reply_by_type", {}).values()])}
    assert _o121(client, admin) == before
    assert not list_entries(session, entity_type="complaint_rule_set", entity_id=str(before["id"]))
    created = client.post(
        f"{BASE}/rule-sets",
        json={"code": "LOCAL", "name": "本地", "effective_from": "2026-12-01", "limits": limits},
        headers=admin,
    )
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == field
    assert [s["code"] for s in client.get(f"{BASE}/rule-sets", headers=admin).json()] == [
        "O20",
        "O121",
    ]


def test_steps_within_the_reply_limit_are_stored_and_audited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    admin = auth_headers(Role.admin)
    before = _o121(client, admin)
    limits = before["limits"] | {
        "order_reply_wd": 3,
        "order_sign_for_wd": 3,
        "order_return_wd": 3,
        "order_urgent_reply_wd": None,  # no separate limit for urgent orders
    }
    saved = client.patch(f"{BASE}/rule-sets/{before['id']}", json={"limits": limits}, headers=admin)
    assert saved.status_code == 200, saved.text
    assert _o121(client, admin)["limits"] == limits
    (entry,) = list_entries(session, entity_type="complaint_rule_set", entity_id=str(before["id"]))
    assert entry.action == "complaint.rule_set.update"
    assert entry.before is not None and entry.after is not None
    assert json.loads(entry.before)["limits"]["order_reply_wd"] == 5
    assert json.loads(entry.after)["limits"] == limits
