"""The incident page's special-equipment accident details through the real app: the details
form names every field the API's problems name, saving it as `app.js` does (PATCH, JSON,
empty fields as null) shows the figures, the suggested level with its raise button and the
TZ50 Art. 10 items still missing; a viewer sees the text masked and no form."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user


def _sign_in(client: TestClient, session: Session, role: Role) -> str:
    username = f"page-{role.value}"
    make_user(session, role=role, username=username)
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/").text)
    assert token is not None
    return token.group(1)


def _send(client: TestClient, csrf: str, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.request(method, path, json=body, headers={CSRF_HEADER: csrf})


def test_details_form_suggestion_and_missing_items(client: TestClient, session: Session) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    opened = _send(
        client,
        csrf,
        "POST",
        "/api/v1/incidents",
        {"title": "起重机倾覆", "category": "special_equipment", "severity": "IV"},
    )
    assert opened.status_code == 201, opened.text
    incident_id = opened.json()["id"]
    page = client.get(f"/incidents/{incident_id}").text
    api = f"/api/v1/incidents/{incident_id}/details"
    assert f'data-api="{api}" data-method="PATCH" data-empty="null"' in page
    boxes = set(re.findall(r'data-field="(\w+)"', page))
    fields = {
        "equipment_type",
        "equipment_user",
        "deaths",
        "serious_injuries",
        "people_at_risk",
        "direct_loss_yuan",
        "explosion_or_overturn",
        "measures_taken",
    }
    assert fields <= boxes
    assert '<option value="crane">起重机械</option>' in page
    assert 'data-item="equipment_type"' in page and "事故报告尚缺" in page
    assert 'id="raise-button"' not in page

    bad = _send(client, csrf, "PATCH", api, {"deaths": -1, "direct_loss_yuan": "很多"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} <= boxes

    saved = _send(  # the whole form as app.js sends it: empty fields as null
        client,
        csrf,
        "PATCH",
        api,
        {
            "equipment_type": "crane",
            "equipment_user": "城建三公司 13912345678",
            "deaths": 1,
            "serious_injuries": None,
            "people_at_risk": None,
            "direct_loss_yuan": 2_000_000,
            "explosion_or_overturn": True,
            "measures_taken": None,
        },
    )
    assert saved.status_code == 200, saved.text
    page = client.get(f"/incidents/{incident_id}").text
    assert '<option value="crane" selected>' in page
    assert 'data-suggested="III"' in page and 'id="raise-button"' in page
    assert f'data-action="/api/v1/incidents/{incident_id}/raise-to-suggested"' in page
    assert "¥2000000" in page and "爆炸或倾覆" in page
    assert 'data-item="casualties"' in page and 'data-item="equipment_type"' not in page
    assert "事故情况更新" in page  # the timeline names the change

    raised = _send(client, csrf, "POST", f"/api/v1/incidents/{incident_id}/raise-to-suggested", {})
    assert raised.status_code == 200, raised.text
    page = client.get(f"/incidents/{incident_id}").text
    assert 'id="raise-button"' not in page and 'data-suggested="III"' in page

    client.post("/logout", headers={CSRF_HEADER: csrf})
    _sign_in(client, session, Role.viewer)
    seen = client.get(f"/incidents/{incident_id}").text
    assert "13912345678" not in seen and "城建三公司" in seen
    assert 'id="details-form"' not in seen
