"""Hour limits over HTTP: the Beijing preset, a local rule set built from it, refused hour
limits of 0 or less (422 naming the field, nothing stored), the utilities category in the
classifier's preview and in staff's classification (audited)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import make_centre

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"


def test_the_beijing_preset_becomes_a_local_rule_set(
    client: TestClient, auth_headers: Headers
) -> None:
    presets = client.get(f"{BASE}/rule-set-presets", headers=auth_headers(Role.viewer)).json()
    by_code = {p["code"]: p["limits"] for p in presets}
    beijing = by_code["beijing_12345"]
    assert (beijing["order_risk_hours"], beijing["order_utility_hours"]) == (2, 24)
    assert by_code["order121"]["order_risk_hours"] is None
    sets = client.get(f"{BASE}/rule-sets", headers=auth_headers(Role.admin)).json()
    assert all(s["limits"]["order_risk_hours"] is None for s in sets)  # defaults unchanged
    created = client.post(
        f"{BASE}/rule-sets",
        json={
            "code": "BJ12345",
            "name": "北京12345",
            "effective_from": "2026-05-01",
            "limits": beijing,
        },
        headers=auth_headers(Role.admin),
    )
    assert created.status_code == 201
    assert created.json()["limits"]["order_utility_hours"] == 24
    again = client.post(
        f"{BASE}/rule-sets",
        json={
            "code": "BJ12345",
            "name": "again",
            "effective_from": "2026-06-01",
            "limits": beijing,
        },
        headers=auth_headers(Role.admin),
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "code"


@pytest.mark.parametrize("field", ["order_risk_hours", "order_utility_hours"])
@pytest.mark.parametrize("value", [0, -1])
def test_an_hour_limit_of_zero_or_less_is_refused(
    client: TestClient, auth_headers: Headers, session: Session, field: str, value: int
) -> None:
    admin = auth_headers(Role.admin)
    o121 = client.get(f"{BASE}/rule-sets", headers=admin).json()[1]
    bad = client.patch(
        f"{BASE}/rule-sets/{o121['id']}",
        json={"limits": o121["limits"] | {field: value}},
        headers=admin,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == [f"limits.{field}"]
    created = client.post(
        f"{BASE}/rule-sets",
        json={"code": "BAD", "name": "x", "effective_from": "2026-05-01", "limits": {field: value}},
        headers=admin,
    )
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == f"limits.{field}"
    after = client.get(f"{BASE}/rule-sets", headers=admin).json()
    assert [s["code"] for s in after] == ["O20", "O121"] and after[1] == o121
    assert list_entries(session, entity_type="complaint_rule_set", entity_id=str(o121["id"])) == []


def test_utilities_are_classified_and_confirmed_by_staff(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    make_centre(session)
    coordinator = auth_headers(Role.coordinator)
    preview = client.post(
        "/api/v1/complaints/classify",
        json={"text": "小区停电两天，燃气也停了"},
        headers=coordinator,
    ).json()
    assert preview["utility_terms"] == ["停电", "燃气"] and preview["urgency"] == "normal"
    body = {
        "item_type": "help",
        "channel": "transfer_12345",
        "external_ref": "BJ-T1",
        "description": "商铺门前积水，请求处理。",
        "submitter_name": "张三",
        "submitter_phone": "13800138000",
        "respondent_name": "某商铺",
        "respondent_address": "城东区幸福路88号",
    }
    (item,) = client.post("/api/v1/complaints", json=body, headers=coordinator).json()["items"]
    assert item["utility"] is False
    confirmed = client.post(
        f"/api/v1/complaints/{item['id']}/classification",
        json={"utility": True, "note": "实为供水管爆裂"},
        headers=coordinator,
    )
    assert confirmed.status_code == 200 and confirmed.json()["utility"] is True
    (entry,) = [
        e
        for e in list_entries(session, entity_type="complaint", entity_id=str(item["id"]))
        if e.action == "complaint.classify"
    ]
    assert '"utility": false' in (entry.before or "") and '"utility": true' in (entry.after or "")
    wrong = client.post(
        f"/api/v1/complaints/{item['id']}/classification",
        json={"utility": "maybe"},
        headers=coordinator,
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "utility"
