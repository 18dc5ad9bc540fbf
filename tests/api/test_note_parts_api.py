"""The item's JSON carries its system-written notes as parts (`note_parts`,
`routing_note_parts`) beside the unchanged Chinese text, so other clients can localise them;
staff's words are the part `text`; a workflow action's reason keeps phones masked."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.complaint_helpers import Centre, complaint_data, make_centre

BASE = "/api/v1/complaints"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def test_history_and_routing_carry_parts_beside_the_chinese_text(
    client: TestClient, auth_headers: Any, centre: Centre
) -> None:
    staff = auth_headers(Role.coordinator)
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    created = client.post(BASE, json=body, headers=staff)
    assert created.status_code == 201, created.text
    item = created.json()["items"][0]
    registered = item["history"][0]
    assert registered["note"] == f"hotline_12315 登记；{item['routing_note']}"
    assert [p["key"] for p in registered["note_parts"]] == ["register.channel", "route.rule"]
    assert registered["note_parts"][0]["args"] == {"channel": "hotline_12315"}
    assert item["routing_note_parts"] == [registered["note_parts"][1]]
    assert item["routing_note_parts"][0]["args"]["domain"] == "price"

    changed = client.post(
        f"{BASE}/{item['id']}/classification",
        json={"urgency": "urgent", "note": "来电 13800138000 催问"},
        headers=staff,
    )
    assert changed.status_code == 200, changed.text
    entry = changed.json()["history"][-1]
    assert entry["note"] == "紧急程度 normal → urgent；来电 138****8000 催问"
    assert entry["note_parts"] == [
        {"key": "classify.urgency", "args": {"old": "normal", "new": "urgent"}},
        {"key": "text", "args": {"text": "来电 138****8000 催问"}},
    ]

    rerouted = client.post(
        f"{BASE}/{item['id']}/reroute",
        json={"unit_id": centre.west_id, "reason": "属城西区管辖"},
        headers=staff,
    )
    assert rerouted.status_code == 200, rerouted.text
    detail = rerouted.json()
    assert detail["routing_note"] == "人工指定承办单位"
    assert detail["routing_note_parts"] == [{"key": "route.manual", "args": {}}]
    assert [p["key"] for p in detail["history"][-1]["note_parts"]] == [
        "action.unit",
        "action.reroute_reason",
    ]


def test_the_schema_documents_the_parts(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    with_parts = [s for s in schemas.values() if "note_parts" in s.get("properties", {})]
    assert len(with_parts) == 2  # a history entry and a supervision record
    for schema in with_parts:
        assert "reader's language" in schema["properties"]["note_parts"]["description"]
    detail = schemas["ComplaintDetail"]["properties"]["routing_note_parts"]
    assert "reader's language" in detail["description"]
    assert set(schemas["NotePart"]["properties"]) == {"key", "args"}
