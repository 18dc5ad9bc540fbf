"""Configuration the API used to accept although it broke classification or routing: each is
refused with the field named, nothing stored, and the routing preview says which rule a new
item would hit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from complaints.config_models import ClassificationTerm, RoutingRule
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import Centre, complaint_data, make_centre

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


def test_a_district_that_is_part_of_a_known_districts_name_is_refused(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """ "城东" for 城东区: an address naming 城东区 is read as 城东区, so the rule would never
    match it; refused naming the district, nothing stored, and the page words it."""
    admin = auth_headers(Role.admin)
    post = f"{BASE}/routing-rules"
    before = len(session.exec(select(RoutingRule)).all())
    part = {"district": "城东", "domain": "food", "unit_id": centre.east_id}
    response = client.post(post, json=part, headers=admin)
    _refused(response, 422, "district")
    error = response.json()["errors"][0]
    assert error["type"] == "district_part_of" and error["ctx"]["district"] == "城东区"
    assert len(session.exec(select(RoutingRule)).all()) == before
    rule = client.get(post, headers=admin).json()[0]
    renamed = {k: v for k, v in rule.items() if k != "id"} | {"district": "城西"}
    _refused(client.put(f"{post}/{rule['id']}", json=renamed, headers=admin), 422, "district")
    # the whole name, a district no unit carries yet, or a rule keeping its own name are fine
    assert client.post(
        post, json=part | {"district": "城东区", "priority": 7}, headers=admin
    ).is_success
    assert client.post(post, json=part | {"district": "城南区"}, headers=admin).is_success
    same = {k: v for k, v in rule.items() if k != "id"}
    assert client.put(f"{post}/{rule['id']}", json=same, headers=admin).is_success


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


def test_no_edit_leaves_the_centre_without_a_rule_set_in_force(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    """Deactivating both rule sets, or moving the only active one's start into the future,
    refused every registration afterwards ("no rule set is in force")."""
    admin = auth_headers(Role.admin)
    o20, o121 = client.get(f"{BASE}/rule-sets", headers=admin).json()
    off = {"is_active": False}
    assert client.patch(f"{BASE}/rule-sets/{o20['id']}", json=off, headers=admin).is_success
    last = client.patch(f"{BASE}/rule-sets/{o121['id']}", json=off, headers=admin)
    _refused(last, 409, "is_active")
    later = client.patch(
        f"{BASE}/rule-sets/{o121['id']}", json={"effective_from": "2099-01-01"}, headers=admin
    )
    _refused(later, 409, "effective_from")
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    registered = client.post("/api/v1/complaints", json=body, headers=admin)
    assert registered.status_code == 201, registered.text
    assert client.get(f"{BASE}/rule-sets", headers=admin).json()[1]["is_active"] is True


def test_a_rule_set_name_already_used_is_refused_and_nothing_stored(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """Two sets of one name could not be told apart on the rule sets page."""
    admin = auth_headers(Role.admin)
    o20, o121 = client.get(f"{BASE}/rule-sets", headers=admin).json()
    body = {"code": "O121-2027", "name": o121["name"], "effective_from": "2027-01-01"}
    _refused(client.post(f"{BASE}/rule-sets", json=body, headers=admin), 409, "name")
    name = {"name": o121["name"]}
    _refused(client.patch(f"{BASE}/rule-sets/{o20['id']}", json=name, headers=admin), 409, "name")
    same = client.patch(f"{BASE}/rule-sets/{o121['id']}", json=name, headers=admin)
    assert same.is_success, same.text  # its own name
    stored = client.get(f"{BASE}/rule-sets", headers=admin).json()
    assert [(s["code"], s["name"]) for s in stored] == [
        ("O20", o20["name"]),
        ("O121", o121["name"]),
    ]
    assert not list_entries(session, entity_type="complaint_rule_set", entity_id=str(o20["id"]))


def test_every_configuration_change_is_audited_with_who_and_what(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    admin = auth_headers(Role.admin)
    rule = {"district": "城东区", "domain": "food", "unit_id": centre.west_id}
    term = {"term": "酒店", "kind": "domain", "domain": "price"}
    created_rule = client.post(f"{BASE}/routing-rules", json=rule, headers=admin).json()
    created_term = client.post(f"{BASE}/terms", json=term, headers=admin).json()
    o121 = client.get(f"{BASE}/rule-sets", headers=admin).json()[1]
    calls = [
        ("POST", "rule-sets", {"code": "BJ", "name": "北京", "effective_from": "2026-12-01"}),
        ("PATCH", f"rule-sets/{o121['id']}", {"name": "第121号令"}),
        ("PUT", f"routing-rules/{created_rule['id']}", rule | {"priority": 5}),
        ("DELETE", f"routing-rules/{created_rule['id']}", None),
        ("PUT", f"terms/{created_term['id']}", term | {"weight": 4}),
        ("DELETE", f"terms/{created_term['id']}", None),
        ("PUT", f"units/{centre.west_id}", {"contact_person_id": centre.west_contact.id}),
    ]
    for method, path, body in calls:
        response = client.request(method, f"{BASE}/{path}", json=body, headers=admin)
        assert response.is_success, (path, response.text)
    actions = [
        (e.action, e.actor)
        for e in sorted(list_entries(session), key=lambda e: e.seq)
        if e.action.startswith("complaint.") and e.actor != "test"
    ]
    admin_name = actions[0][1]
    assert actions == [
        (a, admin_name)
        for a in (
            "complaint.routing.create",
            "complaint.term.create",
            "complaint.rule_set.create",
            "complaint.rule_set.update",
            "complaint.routing.update",
            "complaint.routing.delete",
            "complaint.term.update",
            "complaint.term.delete",
            "complaint.unit_profile.set",
        )
    ]
