"""Configuration the API used to accept although it broke classification or routing: each is
refused with the field named, nothing stored, and the routing preview says which rule a new
item would hit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from complaints.models import ClassificationTerm, RoutingRule
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import Centre, make_centre

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _refused(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"term": "食物 中毒", "kind": "emergency"}, "term"),  # jieba cuts at the space
        ({"term": "3·15", "kind": "urgent"}, "term"),  # … and at punctuation
        ({"term": "\u200b", "kind": "urgent"}, "term"),  # invisible
        ({"term": "   ", "kind": "urgent"}, "term"),  # empty once stripped
        ({"term": "酒店", "kind": "urgent", "domain": "food"}, "domain"),  # ignored domain
        ({"term": "酒店", "kind": "urgent", "severity": "II"}, "severity"),
        (
            {"term": "酒店", "kind": "domain", "domain": "food", "incident_category": "other"},
            "incident_category",
        ),
    ],
)
def test_terms_the_classifier_cannot_use_are_refused(
    client: TestClient, auth_headers: Headers, session: Session, body: dict[str, str], field: str
) -> None:
    _refused(client.post(f"{BASE}/terms", json=body, headers=auth_headers(Role.admin)), 422, field)
    assert session.exec(select(ClassificationTerm)).all() == []


def test_a_term_is_not_changed_into_one_that_never_matches(
    client: TestClient, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    term = client.post(
        f"{BASE}/terms", json={"term": "食物中毒", "kind": "emergency"}, headers=admin
    ).json()
    changed = client.put(
        f"{BASE}/terms/{term['id']}", json={"term": "食物 中毒", "kind": "emergency"}, headers=admin
    )
    _refused(changed, 422, "term")
    (kept,) = client.get(f"{BASE}/terms", headers=admin).json()
    assert kept["term"] == "食物中毒"


def test_a_rule_to_a_unit_that_takes_no_items_is_refused(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    admin = auth_headers(Role.admin)
    west = f"{BASE}/units/{centre.west_id}"
    assert client.put(west, json={"accepts_items": False}, headers=admin).status_code == 409
    rules = client.get(f"{BASE}/routing-rules", headers=admin).json()
    for rule in rules:  # the west bureau's rule goes first; then it may stop taking items
        if rule["unit_id"] == centre.west_id:
            assert client.delete(f"{BASE}/routing-rules/{rule['id']}", headers=admin).is_success
    assert client.put(west, json={"accepts_items": False}, headers=admin).status_code == 200
    new = {"district": "城西区", "domain": "food", "unit_id": centre.west_id}
    _refused(client.post(f"{BASE}/routing-rules", json=new, headers=admin), 422, "unit_id")
    east_rule = next(r for r in rules if r["unit_id"] == centre.east_id)
    moved = {k: v for k, v in east_rule.items() if k != "id"} | {"unit_id": centre.west_id}
    changed = client.put(f"{BASE}/routing-rules/{east_rule['id']}", json=moved, headers=admin)
    _refused(changed, 422, "unit_id")


def test_a_stop_while_rules_route_to_the_unit_names_the_field(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    response = client.put(
        f"{BASE}/units/{centre.west_id}",
        json={"accepts_items": False},
        headers=auth_headers(Role.admin),
    )
    _refused(response, 409, "accepts_items")
    entries = list_entries(session, entity_type="unit", entity_id=str(centre.west_id))
    assert "complaint.unit_profile.set" not in {e.action for e in entries}


def test_rules_without_an_order_between_them_are_refused(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    admin = auth_headers(Role.admin)
    post = f"{BASE}/routing-rules"
    first = {"district": "城东区", "domain": "food", "unit_id": centre.east_id}
    assert client.post(post, json=first, headers=admin).status_code == 201
    again = first | {"unit_id": centre.west_id}
    _refused(client.post(post, json=again, headers=admin), 409, "priority")
    # an order between them, or the second one inactive, is fine
    assert client.post(post, json=again | {"priority": 50}, headers=admin).status_code == 201
    inactive = again | {"priority": 100, "is_active": False}
    created = client.post(post, json=inactive, headers=admin)
    assert created.status_code == 201
    activated = client.put(
        f"{post}/{created.json()['id']}", json=inactive | {"is_active": True}, headers=admin
    )
    _refused(activated, 409, "priority")
    # the catch-all of make_centre (any district, any domain, priority 1000) has a twin
    twin = {"unit_id": centre.east_id, "priority": 1000}
    _refused(client.post(post, json=twin, headers=admin), 409, "priority")
    assert len(session.exec(select(RoutingRule)).all()) == 7


def test_a_level_override_needs_its_domain(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    body = {"unit_id": centre.drugs.id, "overrides_territory": True, "priority": 5}
    response = client.post(f"{BASE}/routing-rules", json=body, headers=auth_headers(Role.admin))
    _refused(response, 422, "domain")


def test_the_routing_preview_names_the_rule_a_new_item_would_hit(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    viewer = auth_headers(Role.viewer)
    url = f"{BASE}/routing-preview"
    by_address = client.get(
        url, params={"domain": "food", "address": "城东区人民路1号"}, headers=viewer
    ).json()
    assert by_address["district"] == "城东区" and by_address["district_source"] == "address"
    assert by_address["unit_id"] == centre.east_id and by_address["unit_name"] == "城东区局"
    assert by_address["tier"] == "district"
    drugs = client.get(url, params={"domain": "drugs", "district": "城东区"}, headers=viewer).json()
    assert drugs["unit_id"] == centre.drugs.id and drugs["tier"] == "override"
    nowhere = client.get(url, params={"domain": "food", "address": "外省某地"}, headers=viewer)
    assert nowhere.json()["district"] is None and nowhere.json()["tier"] == "default"
    assert nowhere.json()["unit_id"] == centre.intake.id
    _refused(client.get(url, params={"domain": "nope"}, headers=viewer), 422, "domain")
