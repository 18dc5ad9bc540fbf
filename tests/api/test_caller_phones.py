"""One phone rule for an incident's caller and a complaint's submitter, through the real app
(core.phones): a landline with its area code is taken by both and stored in one form, a
mobile missing digits by neither, and a complaint made an emergency hands its submitter's
number, landline or mobile, to the incident it opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.complaint_helpers import complaint_data, make_centre

Headers = Callable[[Role], dict[str, str]]
FOOD = {"title": "疑似食物中毒", "category": "food_safety", "severity": "IV"}


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0531-86012345", "0531-86012345"),
        ("053186012345", "0531-86012345"),
        ("+8613800001234", "+8613800001234"),
        ("12315", "12315"),
    ],
)
def test_an_incident_and_a_complaint_take_the_same_numbers_in_the_same_form(
    client: TestClient, session: Session, auth_headers: Headers, written: str, stored: str
) -> None:
    make_centre(session)
    coordinator = auth_headers(Role.coordinator)
    incident = client.post(
        "/api/v1/incidents", json=FOOD | {"caller_phone": written}, headers=coordinator
    )
    assert incident.status_code == 201, incident.text
    assert incident.json()["caller_phone"] == stored
    body = complaint_data(submitter_phone=written).model_dump(mode="json", exclude_none=True)
    complaint = client.post("/api/v1/complaints", json=body, headers=coordinator)
    assert complaint.status_code == 201, complaint.text
    cid = complaint.json()["items"][0]["id"]
    shown = client.get(f"/api/v1/complaints/{cid}", headers=coordinator).json()
    assert shown["submitter_phone"] == stored


@pytest.mark.parametrize("written", ["1380000", "86012345", "call me"])
def test_a_number_nobody_could_call_back_is_refused_by_both(
    client: TestClient, session: Session, auth_headers: Headers, written: str
) -> None:
    make_centre(session)
    coordinator = auth_headers(Role.coordinator)
    incident = client.post(
        "/api/v1/incidents", json=FOOD | {"caller_phone": written}, headers=coordinator
    )
    body: dict[str, Any] = complaint_data().model_dump(mode="json", exclude_none=True)
    complaint = client.post(
        "/api/v1/complaints", json=body | {"submitter_phone": written}, headers=coordinator
    )
    for refused, field in ((incident, "caller_phone"), (complaint, "submitter_phone")):
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        errors = refused.json()["errors"]
        assert [e["field"] for e in errors] == [field]
        assert "landline with its area code" in errors[0]["reason"]
    assert client.get("/api/v1/incidents", headers=coordinator).json() == []  # nothing half-written


@pytest.mark.parametrize(
    ("written", "stored"), [("053186012345", "0531-86012345"), ("13800138000", "+8613800138000")]
)
def test_an_emergency_complaints_incident_keeps_the_submitters_number(
    client: TestClient, session: Session, auth_headers: Headers, written: str, stored: str
) -> None:
    """A landline complainant's incident said "来电人 李四" with no number at all."""
    make_centre(session)
    coordinator = auth_headers(Role.coordinator)
    body = complaint_data(submitter_name="李四", submitter_phone=written)
    created = client.post(
        "/api/v1/complaints",
        json=body.model_dump(mode="json", exclude_none=True),
        headers=coordinator,
    )
    assert created.status_code == 201, created.text
    cid = created.json()["items"][0]["id"]
    confirmed = client.post(
        f"/api/v1/complaints/{cid}/classification",
        json={"urgency": "emergency", "domain": "food"},
        headers=coordinator,
    )
    assert confirmed.status_code == 200, confirmed.text
    incident_id = confirmed.json()["incident_id"]
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=coordinator).json()
    assert incident["caller_name"] == "李四"
    assert incident["caller_phone"] == stored
