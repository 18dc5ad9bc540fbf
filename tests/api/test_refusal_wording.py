"""The refusals a complaint's forms meet read in the page's language: every field error the
API answers for intake and the workflow actions carries a reason the `field_errors`
catalogue knows, or a `type` (with its values in `ctx`) it words; the page's script
(`errorText` in static/app/problems.js) shows the English reason only when neither is known, and a
Chinese page showed "'agree' needs the result: what was done" beside the result."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.complaint_helpers import CONSENT, Centre, complaint_data, handler_headers, make_centre
from tests.complaint_helpers import report_data as report_body
from web.field_errors import texts

Headers = dict[str, str]
BASE = "/api/v1/complaints"
ZH = texts("zh_CN")
EN = texts("en")


def _worded(error: dict[str, Any], catalogue: dict[str, dict[str, str]]) -> str:
    """What the page's script shows beside the field (static/app/problems.js `errorText`)."""
    reason = str(error["reason"]).removeprefix("Value error, ")
    if reason in catalogue["reasons"]:
        return catalogue["reasons"][reason]
    kind = error.get("type")
    if kind and kind != "value_error" and kind in catalogue["types"]:
        values = error.get("ctx") or {}
        return re.sub(r"%\((\w+)\)s", lambda m: str(values[m.group(1)]), catalogue["types"][kind])
    return reason


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


@pytest.fixture
def people(
    session: Session, auth_headers: Callable[[Role], Headers], centre: Centre
) -> tuple[Headers, Headers]:
    return auth_headers(Role.coordinator), handler_headers(session, centre.east, "words-handler")


def _register(client: TestClient, headers: Headers, body: Any) -> dict[str, Any]:
    created = client.post(
        BASE, json=body.model_dump(mode="json", exclude_none=True), headers=headers
    )
    assert created.status_code == 201, created.text
    item: dict[str, Any] = created.json()["items"][0]
    return item


def _distributed(client: TestClient, coordinator: Headers, **overrides: Any) -> int:
    cid: int = _register(client, coordinator, complaint_data(**overrides))["id"]
    done = client.post(f"{BASE}/{cid}/distribute", json={}, headers=coordinator)
    assert done.status_code == 200, done.text
    return cid


def _accepted(client: TestClient, people: tuple[Headers, Headers]) -> int:
    cid = _distributed(client, people[0])
    done = client.post(f"{BASE}/{cid}/accept", json={}, headers=people[1])
    assert done.status_code == 200, done.text
    return cid


def _mediating(client: TestClient, people: tuple[Headers, Headers]) -> int:
    cid = _accepted(client, people)
    started = client.post(f"{BASE}/{cid}/start-mediation", json=CONSENT, headers=people[1])
    assert started.status_code == 200, started.text
    return cid


def _action_refusals(client: TestClient, people: tuple[Headers, Headers]) -> list[Any]:
    handler = people[1]
    accepted = _accepted(client, people)
    mediating = _mediating(client, people)
    # an item received under Order 20, which had no impersonation ground (O20 Art. 15)
    old = _distributed(client, people[0], received_at="2026-03-02T02:00:00Z")
    sent = [
        (accepted, "start-mediation", {}),
        (accepted, "start-mediation", {"complainant_consent": False, "respondent_consent": True}),
        (accepted, "start-mediation", {**CONSENT, "entrusted_to": "市消协"}),
        (mediating, "agree", {}),
        (mediating, "terminate", {"reason": "time_limit_reached"}),
        (mediating, "convert-to-case", {}),
        (old, "reject", {"ground": "impersonation"}),
    ]
    return [
        client.post(f"{BASE}/{cid}/{path}", json=body, headers=handler) for cid, path, body in sent
    ]


def _intake_refusals(client: TestClient, people: tuple[Headers, Headers]) -> list[Any]:
    coordinator = people[0]
    original = _register(client, coordinator, report_body())
    sent = [
        complaint_data(repeat_of=original["ref"]),
        report_body(repeat_of="JB2026000"),
        report_body(new_facts=True, submitter_phone="13700137000", respondent_name="别家小卖部"),
        report_body(repeat_of=original["ref"], respondent_name="另一家超市"),
    ]
    return [
        client.post(BASE, json=body.model_dump(mode="json", exclude_none=True), headers=coordinator)
        for body in sent
    ]


def test_every_refusal_of_the_complaint_forms_reads_in_chinese(
    client: TestClient, people: tuple[Headers, Headers]
) -> None:
    answers = _action_refusals(client, people) + _intake_refusals(client, people)
    assert [a.status_code for a in answers] == [422] * len(answers), [a.text for a in answers]
    errors = [e for a in answers for e in a.json()["errors"]]
    assert len(errors) == len(answers) + 1  # the empty consent names both parties
    for error in errors:
        chinese = _worded(error, ZH)
        assert re.search(r"[A-Za-z]{3,}", chinese) is None, (error, chinese)
        assert "%(" not in chinese and "%(" not in _worded(error, EN)
    terminate = next(e for e in errors if e.get("type") == "mediation_limit_running")
    assert str(terminate["ctx"]["due_on"]) in _worded(terminate, ZH)


def test_a_reports_decision_records_no_consumer_losses(
    client: TestClient, session: Session, centre: Centre, people: tuple[Headers, Headers]
) -> None:
    """Losses recovered are a complaint's figure; a report's case decision carrying them would
    count in the statistics of recovered losses, so it is refused and nothing is decided."""
    report = _register(client, people[0], report_body())
    assert client.post(f"{BASE}/{report['id']}/distribute", json={}, headers=people[0]).is_success
    unit = centre.west if report["unit_id"] == centre.west_id else centre.east
    handler = handler_headers(session, unit, "report-handler")
    assert client.post(f"{BASE}/{report['id']}/sign-for", json={}, headers=handler).is_success
    for step in ("file-case", "not-file"):
        body = {"result": "已核查", "amount_recovered_cents": 50_000}
        refused = client.post(f"{BASE}/{report['id']}/{step}", json=body, headers=handler)
        assert refused.status_code == 422, refused.text
        (error,) = refused.json()["errors"]
        assert error["field"] == "amount_recovered_cents"
        assert re.search(r"[A-Za-z]{3,}", _worded(error, ZH)) is None
    item = client.get(f"{BASE}/{report['id']}", headers=handler).json()
    assert item["status"] == "verifying" and item["amount_recovered_cents"] is None
