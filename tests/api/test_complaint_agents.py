"""Agents (O121 Art. 11) and group complaints (Art. 12) through the real app: registration
with an agent and representatives, a 422 naming each bad field (nothing stored), masking by
role in lists, detail, identity, history and audit, and the accept refused (409 naming the
power of attorney) until an audited update records it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from complaints.models import Complaint
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import (
    Centre,
    complaint_data,
    handler_headers,
    make_centre,
    report_data,
)

Headers = Callable[[Role], dict[str, str]]
AGENT = {
    "agent_name": "王律师",
    "agent_phone": "+8613912345678",  # as the form sends it (and the API stores it)
    "agent_id_type": "居民身份证",
    "agent_id_number": "110101198001015678",
}
GROUP = {
    "group_size": 12,
    "representatives": [
        {"name": "赵一", "phone": "+8613700000001"},
        {"name": "钱二", "phone": "+8613700000002"},
    ],
}
FULL_NUMBERS = ("13912345678", "110101198001015678", "13700000001", "13700000002")


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _body(**extra: Any) -> dict[str, Any]:
    return complaint_data().model_dump(mode="json", exclude_none=True) | extra


def _register(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    created = client.post("/api/v1/complaints", json=body, headers=headers)
    assert created.status_code == 201, created.text
    cid: int = created.json()["items"][0]["id"]
    return cid


def test_a_complaint_is_registered_with_its_agent_and_group(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    poa = {"agent_poa_received": True, "agent_poa_date": "2026-11-22"}
    cid = _register(client, coordinator, _body(**AGENT, **poa, **GROUP))
    item = client.get(f"/api/v1/complaints/{cid}", headers=coordinator).json()
    assert {k: item[k] for k in AGENT} == AGENT  # a coordinator sees identities in full
    assert item["agent_poa_received"] and item["agent_poa_date"] == "2026-11-22"
    assert item["group_size"] == 12 and item["representatives"] == GROUP["representatives"]


def test_a_split_report_carries_no_agent(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    body = _body(**AGENT, **GROUP, clue="该超市长期价格欺诈")
    created = client.post("/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator))
    assert created.status_code == 201, created.text
    complaint, report = created.json()["items"]
    assert complaint["agent_name"] == "王律师" and complaint["group_size"] == 12
    assert report["item_type"] == "report"
    assert report["agent_name"] == "" and report["agent_phone"] is None
    assert report["group_size"] is None and report["representatives"] == []


THIRD = {"name": "孙三", "phone": "13700000003"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({**AGENT, "agent_phone": "phone?"}, "agent_phone"),
        ({**AGENT, "agent_id_number": "11 01"}, "agent_id_number"),
        ({**AGENT, "agent_id_type": ""}, "agent_id_type"),
        ({**AGENT, "agent_name": "x" * 101}, "agent_name"),
        (
            {**AGENT, "agent_poa_received": "yes", "agent_poa_date": "2026-11-22"},
            "agent_poa_received",
        ),
        ({**AGENT, "agent_poa_received": True}, "agent_poa_date"),
        ({**AGENT, "agent_poa_date": "2026-11-22"}, "agent_poa_received"),
        ({**AGENT, "agent_poa_received": True, "agent_poa_date": "2026-11-24"}, "agent_poa_date"),
        ({**AGENT, "agent_poa_received": True, "agent_poa_date": "22/11/2026"}, "agent_poa_date"),
        ({"agent_phone": "13912345678"}, "agent_name"),
        ({"agent_name": "王律师"}, "agent_phone"),
        ({"group_size": 1}, "group_size"),
        ({"group_size": "many"}, "group_size"),
        ({**GROUP, "representatives": [*GROUP["representatives"], THIRD]}, "representatives"),
        ({"group_size": 5, "representatives": [{"name": "赵一"}]}, "representatives.0.phone"),
        (
            {"group_size": 5, "representatives": [{"phone": "13700000001"}]},
            "representatives.0.name",
        ),
        ({"representatives": GROUP["representatives"]}, "representatives"),
    ],
)
def test_each_invalid_agent_or_group_field_is_a_422_naming_it_and_stores_nothing(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    centre: Centre,
    extra: dict[str, Any],
    field: str,
) -> None:
    refused = client.post(
        "/api/v1/complaints", json=_body(**extra), headers=auth_headers(Role.coordinator)
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert session.exec(select(func.count()).select_from(Complaint)).one() == 0


def test_a_date_in_the_future_is_not_called_missing(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    body = _body(**AGENT, agent_poa_received=True, agent_poa_date="2026-11-24")
    refused = client.post("/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator))
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == "missing or invalid fields: agent_poa_date"
    assert refused.json()["errors"][0]["reason"] == "must not be in the future"


def test_a_report_has_no_agent(client: TestClient, auth_headers: Headers, centre: Centre) -> None:
    body = report_data().model_dump(mode="json", exclude_none=True) | AGENT
    refused = client.post("/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator))
    assert refused.status_code == 422, refused.text
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == ["agent_name", "agent_phone", "agent_id_type", "agent_id_number"]
    assert "only a complaint" in refused.json()["errors"][0]["reason"]


def test_agents_and_representatives_are_masked_by_role(
    client: TestClient, session: Session, auth_headers: Headers, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    cid = _register(client, coordinator, _body(**AGENT, **GROUP))
    client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
    handler = handler_headers(session, centre.east, "agent-handler")
    viewer, leader = auth_headers(Role.viewer), auth_headers(Role.leader)

    for headers in (coordinator, handler, viewer, leader):  # lists always mask
        (row,) = client.get("/api/v1/complaints", headers=headers).json()["items"]
        assert row["agent_phone"] == "139****5678" and row["group_size"] == 12
        assert not any(n in str(row) for n in FULL_NUMBERS)

    unit = client.get(f"/api/v1/complaints/{cid}", headers=handler).json()
    assert unit["agent_name"] == "王律师" and unit["agent_phone"] == "+8613912345678"
    assert unit["agent_id_number"] == "110***********5678"  # no complaint.confidential
    assert unit["representatives"][0] == {"name": "赵一", "phone": "+8613700000001"}

    seen = client.get(f"/api/v1/complaints/{cid}", headers=viewer).json()
    assert seen["agent_name"] == "王**" and seen["agent_phone"] == "139****5678"
    assert seen["agent_id_number"] == "110***********5678"
    assert seen["representatives"] == [
        {"name": "赵*", "phone": "137****0001"},
        {"name": "钱*", "phone": "137****0002"},
    ]
    assert not any(n in str(seen) for n in FULL_NUMBERS)

    full = client.get(f"/api/v1/complaints/{cid}", headers=leader).json()
    assert full["agent_id_number"] == "110101198001015678"
    identity = client.get(f"/api/v1/complaints/{cid}/identity", headers=leader).json()
    assert identity["agent_phone"] == "+8613912345678"
    assert identity["agent_id_number"] == "110101198001015678"
    assert identity["representatives"][1] == {"name": "钱二", "phone": "+8613700000002"}
    assert client.get(f"/api/v1/complaints/{cid}/identity", headers=handler).status_code == 403

    entries = list_entries(session, entity_type="complaint", entity_id=str(cid))
    register = next(e for e in entries if e.action == "complaint.register")
    assert '"agent_phone": "139****5678"' in (register.after or "")
    for entry in entries:
        assert not any(n in (entry.before or "") + (entry.after or "") for n in FULL_NUMBERS)


def _pending(client: TestClient, coordinator: dict[str, str], handler: dict[str, str]) -> int:
    cid = _register(client, coordinator, _body(**AGENT))
    distributed = client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
    assert distributed.json()["status"] == "distributed"
    signed = client.post(f"/api/v1/complaints/{cid}/sign-for", json={}, headers=handler)
    assert signed.json()["status"] == "pending_acceptance"
    return cid


def test_accept_is_refused_until_the_power_of_attorney_is_recorded(
    client: TestClient, session: Session, auth_headers: Headers, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    handler = handler_headers(session, centre.east, "poa-handler")
    cid = _pending(client, coordinator, handler)

    refused = client.post(f"/api/v1/complaints/{cid}/accept", json={}, headers=handler)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["agent_poa_received"]
    assert "power of attorney" in refused.json()["errors"][0]["reason"]
    item = client.get(f"/api/v1/complaints/{cid}", headers=handler).json()
    assert item["status"] == "pending_acceptance" and item["accepted_at"] is None
    assert "accept" in item["allowed_actions"]

    recorded = client.patch(
        f"/api/v1/complaints/{cid}/agent",
        json={"agent_poa_received": True, "agent_poa_date": "2026-11-23", "note": "原件已核对"},
        headers=handler,
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["agent_poa_received"] and recorded.json()["agent_name"] == "王律师"
    (event,) = [e for e in recorded.json()["history"] if e["action"] == "agent"]
    assert event["actor"] == "poa-handler" and "授权委托书已收到（2026-11-23）" in event["note"]
    (entry,) = [
        e
        for e in list_entries(session, entity_type="complaint", entity_id=str(cid))
        if e.action == "complaint.agent_update"
    ]
    assert entry.actor == "poa-handler"
    assert '"agent_poa_received": false' in (entry.before or "")
    assert '"agent_poa_date": "2026-11-23"' in (entry.after or "")

    accepted = client.post(f"/api/v1/complaints/{cid}/accept", json={}, headers=handler)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"


def test_accept_also_needs_the_agents_id_number(
    client: TestClient, session: Session, auth_headers: Headers, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    body = _body(agent_name="王律师", agent_phone="13912345678", agent_poa_received=True)
    body["agent_poa_date"] = "2026-11-23"
    cid = _register(client, coordinator, body)
    client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
    refused = client.post(f"/api/v1/complaints/{cid}/accept", json={}, headers=coordinator)
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["agent_id_number"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"representatives": [{"name": "赵一", "phone": "13700000001"}]}, "representatives"),
        (
            {"group_size": 3, "representatives": [*GROUP["representatives"], THIRD]},
            "representatives",
        ),
        ({"agent_poa_date": "2026-11-20"}, "agent_poa_received"),
        ({"agent_poa_received": True, "agent_poa_date": "2026-11-30"}, "agent_poa_date"),
        ({"agent_phone": None}, "agent_phone"),
        ({"agent_poa_received": 1}, "agent_poa_received"),
    ],
)
def test_a_bad_update_is_a_422_and_changes_nothing(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    centre: Centre,
    body: dict[str, Any],
    field: str,
) -> None:
    coordinator = auth_headers(Role.coordinator)
    cid = _register(client, coordinator, _body(**AGENT))
    refused = client.patch(f"/api/v1/complaints/{cid}/agent", json=body, headers=coordinator)
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    item = client.get(f"/api/v1/complaints/{cid}", headers=coordinator).json()
    assert item["agent_phone"] == "+8613912345678" and not item["agent_poa_received"]
    assert item["representatives"] == [] and item["group_size"] is None
    assert not [e for e in item["history"] if e["action"] == "agent"]


def test_who_may_update_the_agent(
    client: TestClient, session: Session, auth_headers: Headers, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    cid = _register(client, coordinator, _body(**AGENT))
    west = handler_headers(session, centre.west, "west-agent-handler")
    east = handler_headers(session, centre.east, "east-agent-handler")
    group = {"group_size": 4}
    url = f"/api/v1/complaints/{cid}/agent"
    assert client.patch(url, json=group, headers=auth_headers(Role.viewer)).status_code == 403
    assert client.patch(url, json=group, headers=auth_headers(Role.leader)).status_code == 403
    assert client.patch(url, json=group, headers=east).status_code == 403  # not yet distributed
    client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
    assert client.patch(url, json=group, headers=west).status_code == 403
    updated = client.patch(url, json=group, headers=east)
    assert updated.status_code == 200 and updated.json()["group_size"] == 4

    (report,) = client.post(
        "/api/v1/complaints",
        json=report_data().model_dump(mode="json", exclude_none=True),
        headers=coordinator,
    ).json()["items"]
    refused = client.patch(
        f"/api/v1/complaints/{report['id']}/agent", json=AGENT, headers=coordinator
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "agent_name"
