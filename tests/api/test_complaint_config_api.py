"""Complaint configuration over HTTP: rule sets (local [U] limits, audited), routing rules,
terms that change the classifier, unit profiles; admins only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints.config_models import ClassificationTerm
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import complaint_data, make_centre

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"


def test_rule_sets_are_listed_and_local_limits_edited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    admin = auth_headers(Role.admin)
    sets = client.get(f"{BASE}/rule-sets", headers=auth_headers(Role.viewer)).json()
    assert [s["code"] for s in sets] == ["O20", "O121"]
    o121 = sets[1]
    assert o121["limits"]["acceptance_wd"] == 7 and o121["limits"]["mediation_limit"] == 60
    limits = o121["limits"] | {"order_reply_wd": 3, "roll_weekends": True}
    denied = client.patch(
        f"{BASE}/rule-sets/{o121['id']}", json={"limits": limits}, headers=auth_headers(Role.leader)
    )
    assert denied.status_code == 403
    edited = client.patch(f"{BASE}/rule-sets/{o121['id']}", json={"limits": limits}, headers=admin)
    assert edited.status_code == 200 and edited.json()["limits"]["order_reply_wd"] == 3
    bad = client.patch(
        f"{BASE}/rule-sets/{o121['id']}",
        json={"limits": limits | {"acceptance_wd": 0}},
        headers=admin,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limits.acceptance_wd"
    (entry,) = list_entries(session, entity_type="complaint_rule_set", entity_id=str(o121["id"]))
    assert entry.action == "complaint.rule_set.update" and '"order_reply_wd": 3' in (
        entry.after or ""
    )


def test_terms_and_routing_rules(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    centre = make_centre(session)
    admin = auth_headers(Role.admin)
    text = {"text": "酒店拒绝退还押金"}
    before = client.post("/api/v1/complaints/classify", json=text, headers=admin).json()
    assert before["domain"] == "consumer_protection"  # the built-in dictionary
    added = client.post(
        f"{BASE}/terms", json={"term": "酒店", "kind": "domain", "domain": "price"}, headers=admin
    )
    assert added.status_code == 201
    after = client.post("/api/v1/complaints/classify", json=text, headers=admin).json()
    assert after["domain"] == "price"  # a non-empty table replaces the built-in dictionary
    missing = client.post(f"{BASE}/terms", json={"term": "x", "kind": "domain"}, headers=admin)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "domain"
    duplicate = client.post(
        f"{BASE}/terms", json={"term": "酒店", "kind": "domain", "domain": "price"}, headers=admin
    )
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["field"] == "term"

    rules = client.get(f"{BASE}/routing-rules", headers=admin).json()
    assert len(rules) == 4
    bad_unit = client.post(f"{BASE}/routing-rules", json={"unit_id": 9999}, headers=admin)
    assert bad_unit.status_code == 422 and bad_unit.json()["errors"][0]["field"] == "unit_id"
    rule = client.post(
        f"{BASE}/routing-rules",
        json={"district": "城东区", "domain": "food", "unit_id": centre.west_id},
        headers=admin,
    ).json()
    deleted = client.delete(f"{BASE}/routing-rules/{rule['id']}", headers=admin)
    assert deleted.status_code == 204

    profile = client.get(f"{BASE}/units/{centre.east_id}", headers=admin).json()
    assert profile["contact_person_id"] == centre.east_contact.id
    wrong = client.put(
        f"{BASE}/units/{centre.east_id}", json={"contact_person_id": 9999}, headers=admin
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "contact_person_id"


def test_12345_reply_limits_may_differ_by_type(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    """Guangdong times a 12345 order's reply by its type (consultation 2, help and suggestion
    10, complaint and report 15 working days); a rule set could only say one limit for all."""
    make_centre(session)
    admin = auth_headers(Role.admin)
    o121 = client.get(f"{BASE}/rule-sets", headers=admin).json()[1]
    by_type = {"consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15}
    limits = o121["limits"] | {"order_reply_by_type": by_type}
    edited = client.patch(f"{BASE}/rule-sets/{o121['id']}", json={"limits": limits}, headers=admin)
    assert edited.status_code == 200 and edited.json()["limits"]["order_reply_by_type"] == by_type
    bad = client.patch(
        f"{BASE}/rule-sets/{o121['id']}",
        json={"limits": limits | {"order_reply_by_type": {"complaint": 0}}},
        headers=admin,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("limits.order_reply_by_type")

    coordinator = auth_headers(Role.coordinator)
    due: dict[str, str] = {}
    for kind in ("consultation", "complaint"):
        body = complaint_data(
            item_type=kind, channel="transfer_12345", external_ref=f"GD-{kind}", claim=""
        ).model_dump(mode="json", exclude_none=True)
        (item,) = client.post("/api/v1/complaints", json=body, headers=coordinator).json()["items"]
        sent = client.post(f"/api/v1/complaints/{item['id']}/distribute", json={}, headers=admin)
        assert sent.status_code == 200, sent.text
        clocks = client.get(f"/api/v1/complaints/{item['id']}", headers=admin).json()["clocks"]
        due[kind] = next(c["due_on"] for c in clocks if c["kind"] == "reply")
    # dispatched Monday 2026-11-23: 2 and 15 working days on
    assert due == {"consultation": "2026-11-25", "complaint": "2026-12-14"}


MEAT = {"text": "菜市场买的肉不新鲜"}


def _suggested(client: TestClient, headers: dict[str, str]) -> tuple[str, str]:
    response = client.post("/api/v1/complaints/classify", json=MEAT, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["domain"], response.json()["urgency"]


@pytest.mark.parametrize("change", ["delete", "deactivate", "rename", "elsewhere"])
def test_a_term_taken_out_of_the_dictionary_is_no_longer_kept_whole(
    client: TestClient, auth_headers: Headers, session: Session, change: str
) -> None:
    """The classifier kept every term it had seen whole until a restart: with 买的肉 removed,
    肉 (food) was still no token of its own. `elsewhere`: the row changed by another process
    (straight in the database, no request to this one)."""
    admin = auth_headers(Role.admin)
    meat = {"term": "肉", "kind": "domain", "domain": "food"}
    assert client.post(f"{BASE}/terms", json=meat, headers=admin).status_code == 201
    assert _suggested(client, admin) == ("food", "normal")
    whole = {"term": "买的肉", "kind": "urgent"}
    added = client.post(f"{BASE}/terms", json=whole, headers=admin)
    assert added.status_code == 201, added.text
    assert _suggested(client, admin) == ("other", "urgent")  # 买的肉 is one token now

    path = f"{BASE}/terms/{added.json()['id']}"
    if change == "delete":
        assert client.delete(path, headers=admin).status_code == 204
    elif change == "elsewhere":
        row = session.get(ClassificationTerm, added.json()["id"])
        assert row is not None
        row.is_active = False
        session.add(row)
        session.commit()
    else:
        body = whole | ({"is_active": False} if change == "deactivate" else {"term": "卖的鱼"})
        assert client.put(path, json=body, headers=admin).status_code == 200
    assert _suggested(client, admin) == ("food", "normal")
