"""POST /api/v1/incidents/{id}/reports through the real app: 201 with the report, the incident
listing its reports and clocks met from the stored times (the FakeClock moves, nobody
sleeps), problems naming the field, 404, 409 and the acknowledgement's permission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.clock import FakeClock
from core.users import Role
from tests.conftest import T0
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)

Headers = Callable[[Role], dict[str, str]]
BUREAU = "市局应急值班室"
NAIVE, FUTURE, BEFORE = "2026-11-23T09:40", "2026-11-23T10:00+08:00", "2026-11-23T09:00+08:00"


@pytest.fixture
def incident(client: TestClient, auth_headers: Headers) -> dict[str, Any]:
    response = client.post(
        "/api/v1/incidents",
        json={"title": "电梯困人", "category": "special_equipment", "severity": "II"},
        headers=auth_headers(Role.coordinator),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _clocks(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in body["reporting_clocks"]}


def test_reports_meet_the_clocks(
    client: TestClient, auth_headers: Headers, clock: FakeClock, incident: dict[str, Any]
) -> None:
    url = f"/api/v1/incidents/{incident['id']}"
    opened = _clocks(incident)
    assert opened["initial_report"]["met_at"] is None and not opened["initial_report"]["overdue"]
    clock.advance(timedelta(minutes=10))
    made = client.post(
        f"{url}/reports",
        json={"kind": "initial", "reported_to": BUREAU, "summary": "2人被困，消防已到场"},
        headers=auth_headers(Role.duty_officer),
    )
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["kind"] == "initial" and report["method"] == "phone"
    assert report["reported_by"] == "duty_officer-user"
    initial_at = T0 + timedelta(minutes=10)
    assert report["reported_at"].startswith(initial_at.strftime("%Y-%m-%dT%H:%M"))

    clock.advance(timedelta(minutes=30))  # 40 min: the written report (30 min) is late now
    body = client.get(url, headers=auth_headers(Role.viewer)).json()
    clocks = _clocks(body)
    assert clocks["initial_report"]["met_at"] == report["reported_at"]
    assert clocks["initial_report"]["overdue"] is False
    assert clocks["written_report"]["met_at"] is None and clocks["written_report"]["overdue"]
    assert body["initial_reported_at"] == report["reported_at"]
    assert [r["kind"] for r in body["reports"]] == ["initial"]
    assert body["timeline"][-1]["kind"] == "reported"

    written_at = (T0 + timedelta(minutes=29)).isoformat()  # made in time, recorded late
    late = client.post(
        f"{url}/reports",
        json={"kind": "written", "reported_to": BUREAU, "method": "fax", "reported_at": written_at},
        headers=auth_headers(Role.coordinator),
    )
    assert late.status_code == 201, late.text
    clocks = _clocks(client.get(url, headers=auth_headers(Role.viewer)).json())
    assert clocks["written_report"]["met_at"] == late.json()["reported_at"]
    assert clocks["written_report"]["overdue"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "initial", "reported_to": "  "}, "reported_to"),
        ({"kind": "initial"}, "reported_to"),
        ({"kind": "daily", "reported_to": BUREAU}, "kind"),
        ({"kind": "initial", "reported_to": BUREAU, "method": "pigeon"}, "method"),
        ({"kind": "initial", "reported_to": BUREAU, "reported_at": NAIVE}, "reported_at"),
        ({"kind": "initial", "reported_to": BUREAU, "reported_at": FUTURE}, "reported_at"),
        ({"kind": "initial", "reported_to": BUREAU, "reported_at": BEFORE}, "reported_at"),
        ({"kind": "written", "reported_to": BUREAU, "method": "phone"}, "method"),
    ],
)  # fmt: skip
def test_bad_input_is_a_problem_naming_the_field(
    client: TestClient,
    auth_headers: Headers,
    clock: FakeClock,
    incident: dict[str, Any],
    body: dict[str, Any],
    field: str,
) -> None:
    clock.advance(timedelta(minutes=15))  # now 09:45 in Shanghai; opened 09:30
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/reports", json=body, headers=auth_headers(Role.admin)
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_unknown_incident_conflicts_and_permission(
    client: TestClient, auth_headers: Headers, incident: dict[str, Any]
) -> None:
    body = {"kind": "initial", "reported_to": BUREAU}
    missing = client.post(
        "/api/v1/incidents/999999/reports", json=body, headers=auth_headers(Role.coordinator)
    )
    assert missing.status_code == 404
    url = f"/api/v1/incidents/{incident['id']}/reports"
    denied = client.post(url, json=body, headers=auth_headers(Role.viewer))
    assert denied.status_code == 403  # the same permission as acknowledging
    assert client.post(url, json=body, headers=auth_headers(Role.leader)).status_code == 201
    again = client.post(url, json=body, headers=auth_headers(Role.leader))
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    follow_up = body | {"kind": "follow_up", "summary": "已救出"}
    assert client.post(url, json=follow_up, headers=auth_headers(Role.leader)).status_code == 201


def test_times_in_the_timeline_and_in_problems_are_the_centres(
    client: TestClient, auth_headers: Headers, clock: FakeClock, incident: dict[str, Any]
) -> None:
    """The settings' zone (Asia/Shanghai), not UTC: 09:35 made, 09:30 opened."""
    clock.advance(timedelta(minutes=15))
    url = f"/api/v1/incidents/{incident['id']}"
    made = {"kind": "initial", "reported_to": BUREAU, "reported_at": "2026-11-23T09:35+08:00"}
    assert client.post(f"{url}/reports", json=made, headers=auth_headers(Role.admin)).is_success
    timeline = client.get(url, headers=auth_headers(Role.viewer)).json()["timeline"]
    assert "made at 2026-11-23 09:35 +0800" in timeline[-1]["text"]
    early = {"kind": "follow_up", "reported_to": BUREAU, "reported_at": BEFORE}
    refused = client.post(f"{url}/reports", json=early, headers=auth_headers(Role.admin))
    assert refused.status_code == 422
    assert "(2026-11-23 09:30 +0800)" in refused.text, refused.text
