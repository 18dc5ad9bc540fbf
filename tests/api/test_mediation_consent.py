"""Mediation needs both parties' consent (O121 Arts. 18–19), through the real app: starting it
without an answer, or against a refusal, is a 422 naming the field and changes nothing; the
answers (and an entrustment agreed by both) are recorded, shown on the item's page, in its
history and in the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import Centre, complaint_data, handler_headers, make_centre
from tests.conftest import TEST_PASSWORD

Headers = dict[str, str]


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _accepted(client: TestClient, coordinator: Headers, handler: Headers) -> int:
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    created = client.post("/api/v1/complaints", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    cid: int = created.json()["items"][0]["id"]
    assert client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
    accepted = client.post(f"/api/v1/complaints/{cid}/accept", json={}, headers=handler)
    assert accepted.json()["status"] == "accepted"
    return cid


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, "complainant_consent respondent_consent", "complainant consents"),
        ({"complainant_consent": True}, "respondent_consent", "respondent consents"),
        (
            {"complainant_consent": False, "respondent_consent": True},
            "complainant_consent",
            "refused_or_absent",
        ),
        (
            {"complainant_consent": True, "respondent_consent": False},
            "respondent_consent",
            "refused_or_absent",
        ),
        (
            {"complainant_consent": True, "respondent_consent": True, "entrusted_to": "市消协"},
            "entrustment_consent",
            "Art. 19",
        ),
        ({"complainant_consent": "yes", "respondent_consent": True}, "complainant_consent", ""),
    ],
)
def test_starting_mediation_without_consent_is_refused_and_changes_nothing(
    client: TestClient,
    session: Session,
    auth_headers: Any,
    centre: Centre,
    body: dict[str, Any],
    field: str,
    words: str,
) -> None:
    handler = handler_headers(session, centre.east, "consent-handler")
    cid = _accepted(client, auth_headers(Role.coordinator), handler)
    refused = client.post(f"/api/v1/complaints/{cid}/start-mediation", json=body, headers=handler)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == field.split()
    assert words in errors[0].get("reason", errors[0].get("message", ""))
    item = client.get(f"/api/v1/complaints/{cid}", headers=handler).json()
    assert item["status"] == "accepted" and item["mediation_started_at"] is None
    assert item["complainant_mediation_consent"] is None
    assert "start_mediation" not in [e["action"] for e in item["history"]]
    audited = [e.action for e in list_entries(session, entity_type="complaint", entity_id=str(cid))]
    assert "complaint.start_mediation" not in audited


def test_consent_and_entrustment_are_recorded_shown_and_audited(
    client: TestClient, session: Session, auth_headers: Any, centre: Centre
) -> None:
    handler = handler_headers(session, centre.east, "consent-handler")
    cid = _accepted(client, auth_headers(Role.coordinator), handler)
    started = client.post(
        f"/api/v1/complaints/{cid}/start-mediation",
        json={
            "complainant_consent": True,
            "respondent_consent": True,
            "entrusted_to": "城东区消费者协会",
            "entrustment_consent": True,
        },
        headers=handler,
    )
    assert started.status_code == 200, started.text
    item = started.json()
    assert item["status"] == "mediating"
    assert item["complainant_mediation_consent"] is True
    assert item["respondent_mediation_consent"] is True
    assert item["mediation_entrusted_to"] == "城东区消费者协会"
    note = item["history"][-1]["note"]
    assert "均同意调解" in note and "委托城东区消费者协会调解" in note
    (entry,) = [
        e
        for e in list_entries(session, entity_type="complaint", entity_id=str(cid))
        if e.action == "complaint.start_mediation"
    ]
    assert entry.actor == "consent-handler"

    # the page: the handler's form asks both answers; the item shows them
    client.cookies.clear()
    login = client.post(
        "/login",
        data={"username": "consent-handler", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert login.status_code == 303
    page = client.get(f"/complaints/{cid}").text
    shown = re.search(r'id="complaint-mediation-consent">(.*?)</dd>', page, re.S)
    assert shown is not None and "城东区消费者协会" in shown.group(1)


def test_the_start_mediation_form_asks_both_parties(
    client: TestClient, session: Session, auth_headers: Any, centre: Centre
) -> None:
    handler = handler_headers(session, centre.east, "consent-handler")
    cid = _accepted(client, auth_headers(Role.coordinator), handler)
    client.cookies.clear()
    client.post(
        "/login",
        data={"username": "consent-handler", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    page = client.get(f"/complaints/{cid}").text
    form = re.search(r'data-action-name="start_mediation".*?</form>', page, re.S)
    assert form is not None
    for name in ("complainant_consent", "respondent_consent", "entrusted_to"):
        assert f'name="{name}"' in form.group(0)
    assert 'data-type="bool"' in form.group(0)
