"""Special-equipment accident details through the real app: set when opening and by PATCH
(audited, on the timeline, problems naming the field, nothing half-written), the level the
figures suggest (never applied by itself; raised on request), the TZ50 Art. 10 items a
report still lacks, and viewers' masking."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.users import Role

Headers = Callable[[Role], dict[str, str]]
LIFT = {"title": "电梯困人", "category": "special_equipment", "severity": "IV"}


def _open(client: TestClient, headers: Headers, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/incidents", json=LIFT | extra, headers=headers(Role.coordinator)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_details_set_when_opening_and_patched_later(
    client: TestClient, auth_headers: Headers
) -> None:
    opened = _open(
        client,
        auth_headers,
        equipment_type="lift",
        equipment_user="华府物业",
        people_at_risk=2,
        place="华府小区3号楼",
    )
    assert opened["equipment_type"] == "lift" and opened["people_at_risk"] == 2
    assert opened["deaths"] is None and opened["suggested_severity"] is None
    assert "casualties" in opened["report_items_missing"]
    assert "equipment_type" not in opened["report_items_missing"]
    url = f"/api/v1/incidents/{opened['id']}"

    patched = client.patch(
        f"{url}/details",
        json={"deaths": 3, "serious_injuries": 1, "measures_taken": "消防破门救援"},
        headers=auth_headers(Role.coordinator),
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["deaths"] == 3 and body["equipment_user"] == "华府物业"  # others stay
    assert body["severity"] == "IV"  # the suggestion never raises the level by itself
    assert body["suggested_severity"] == "III" and body["suggests_raise"] is True
    event = body["timeline"][-1]
    assert event["kind"] == "details_updated" and event["actor"] == "coordinator-user"
    assert "deaths — → 3" in event["text"] and "suggest level III" in event["text"]

    entries = client.get(
        f"/api/v1/audit?entity_type=incident&entity_id={opened['id']}",
        headers=auth_headers(Role.admin),
    ).json()
    assert entries[0]["action"] == "incident.details_updated"
    assert entries[0]["actor"] == "coordinator-user"
    before, after = json.loads(entries[0]["before"]), json.loads(entries[0]["after"])
    assert before["deaths"] is None and after["deaths"] == 3
    assert before["measures_taken"] == "" and after["measures_taken"] == "消防破门救援"
    assert "equipment_user" not in after  # only the changed fields

    cleared = client.patch(
        f"{url}/details", json={"equipment_user": None}, headers=auth_headers(Role.duty_officer)
    ).json()
    assert cleared["equipment_user"] == "" and cleared["deaths"] == 3
    again = client.patch(
        f"{url}/details", json={"deaths": 3}, headers=auth_headers(Role.coordinator)
    ).json()
    assert len(again["timeline"]) == len(cleared["timeline"])  # nothing changed: nothing written


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deaths": -1}, "deaths"),
        ({"serious_injuries": 100_001}, "serious_injuries"),
        ({"people_at_risk": 1.5}, "people_at_risk"),
        ({"direct_loss_yuan": 10**13}, "direct_loss_yuan"),
        ({"direct_loss_yuan": -5}, "direct_loss_yuan"),
        ({"equipment_type": "tractor"}, "equipment_type"),
        ({"explosion_or_overturn": "yes"}, "explosion_or_overturn"),
        ({"explosion_or_overturn": True, "equipment_type": "lift"}, "explosion_or_overturn"),
        ({"explosion_or_overturn": True}, "explosion_or_overturn"),
        ({"measures_taken": "x" * 4001}, "measures_taken"),
    ],
)
def test_bad_details_are_problems_naming_the_field(
    client: TestClient, auth_headers: Headers, body: dict[str, Any], field: str
) -> None:
    incident = _open(client, auth_headers)
    url = f"/api/v1/incidents/{incident['id']}"
    for response in (
        client.patch(f"{url}/details", json=body, headers=auth_headers(Role.coordinator)),
        client.post("/api/v1/incidents", json=LIFT | body, headers=auth_headers(Role.coordinator)),
    ):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [e["field"].split(".")[-1] for e in response.json()["errors"]]
    after = client.get(url, headers=auth_headers(Role.coordinator)).json()
    assert after["timeline"] == incident["timeline"]  # nothing half-written


def test_equipment_type_only_on_special_equipment(
    client: TestClient, auth_headers: Headers
) -> None:
    food = {"title": "食物中毒", "category": "food_safety", "severity": "IV"}
    response = client.post(
        "/api/v1/incidents",
        json=food | {"equipment_type": "boiler"},
        headers=auth_headers(Role.coordinator),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["equipment_type"]
    opened = client.post(
        "/api/v1/incidents", json=food | {"deaths": 40}, headers=auth_headers(Role.coordinator)
    ).json()
    assert opened["deaths"] == 40 and opened["suggested_severity"] is None  # TZR: special eq.
    assert opened["report_items_missing"] == []


def test_raise_to_the_suggested_level(client: TestClient, auth_headers: Headers) -> None:
    incident = _open(client, auth_headers, equipment_type="boiler")
    url = f"/api/v1/incidents/{incident['id']}"
    refused = client.post(f"{url}/raise-to-suggested", headers=auth_headers(Role.coordinator))
    assert refused.status_code == 409
    client.patch(
        f"{url}/details",
        json={"explosion_or_overturn": True},
        headers=auth_headers(Role.coordinator),
    )
    raised = client.post(f"{url}/raise-to-suggested", headers=auth_headers(Role.coordinator))
    assert raised.status_code == 200, raised.text
    body = raised.json()
    assert body["severity"] == "III" and body["suggests_raise"] is False
    event = body["timeline"][-1]
    assert event["kind"] == "severity_raised" and "by its accident figures" in event["text"]
    viewer = client.post(f"{url}/raise-to-suggested", headers=auth_headers(Role.viewer))
    assert viewer.status_code == 403


def test_reports_name_the_missing_items_and_viewers_see_masked_text(
    client: TestClient, auth_headers: Headers
) -> None:
    incident = _open(
        client,
        auth_headers,
        equipment_type="lift",
        measures_taken="已联系维保 13800001234",
    )
    url = f"/api/v1/incidents/{incident['id']}"
    made = client.post(
        f"{url}/reports",
        json={"kind": "initial", "reported_to": "市局"},
        headers=auth_headers(Role.duty_officer),
    )
    assert made.status_code == 201, made.text
    body = client.get(url, headers=auth_headers(Role.coordinator)).json()
    event = body["timeline"][-1]
    assert event["kind"] == "reported"
    assert "TZ50 Art. 10 items still missing: place, equipment_user" in event["text"]
    assert "measures_taken" not in event["text"]
    assert body["measures_taken"] == "已联系维保 13800001234"
    seen = client.get(url, headers=auth_headers(Role.viewer)).json()
    assert "13800001234" not in seen["measures_taken"]


def test_a_repeat_reports_details_go_into_its_audit_only(
    client: TestClient, auth_headers: Headers
) -> None:
    first = _open(client, auth_headers, place="万达广场", deaths=0)
    again = client.post(
        "/api/v1/incidents",
        json=LIFT | {"place": "万达广场", "deaths": 1, "equipment_type": "lift"},
        headers=auth_headers(Role.coordinator),
    )
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert again.json()["deaths"] == 0  # the coordinator decides which figure holds
    entries = client.get(
        f"/api/v1/audit?entity_type=incident&entity_id={first['id']}",
        headers=auth_headers(Role.admin),
    ).json()
    assert entries[0]["action"] == "incident.duplicate"
    after = json.loads(entries[0]["after"])
    assert after["deaths"] == 1 and after["equipment_type"] == "lift"


@pytest.mark.parametrize(
    ("body", "suggested"),
    [
        ({}, None),
        ({"deaths": 0, "serious_injuries": 0}, "IV"),
        ({"deaths": 3}, "III"),
        ({"serious_injuries": 50, "direct_loss_yuan": 1_000}, "II"),
        ({"equipment_type": "crane", "explosion_or_overturn": True}, "III"),
        ({"equipment_type": "lift", "explosion_or_overturn": True}, None),  # no such event
        ({"direct_loss_yuan": 100_000_000, "measures_taken": "封锁现场"}, "I"),
    ],
)
def test_the_new_incident_form_previews_the_suggested_level(
    client: TestClient, auth_headers: Headers, body: dict[str, Any], suggested: str | None
) -> None:
    response = client.post(
        "/api/v1/incidents/suggested-severity", json=body, headers=auth_headers(Role.coordinator)
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"suggested_severity": suggested}


def test_the_preview_refuses_bad_figures_and_read_only_users(
    client: TestClient, auth_headers: Headers
) -> None:
    url = "/api/v1/incidents/suggested-severity"
    bad = client.post(url, json={"deaths": -1}, headers=auth_headers(Role.coordinator))
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["deaths"]
    assert client.post(url, json={}, headers=auth_headers(Role.viewer)).status_code == 403
