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
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)

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


def _repeat(client: TestClient, headers: Headers, **extra: Any) -> dict[str, Any]:
    again = client.post(
        "/api/v1/incidents",
        json=LIFT | {"place": "万达广场"} | extra,
        headers=headers(Role.duty_officer),
    )
    assert again.status_code == 200, again.text
    body: dict[str, Any] = again.json()
    assert body["deduplicated"] is True
    return body


def _audit(client: TestClient, headers: Headers, incident_id: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = client.get(
        f"/api/v1/audit?entity_type=incident&entity_id={incident_id}",
        headers=headers(Role.admin),
    ).json()
    return entries


def test_a_repeat_report_raises_figures_and_fills_gaps_but_never_lowers(
    client: TestClient, auth_headers: Headers
) -> None:
    first = _open(
        client,
        auth_headers,
        place="万达广场",
        deaths=0,
        people_at_risk=3,
        equipment_user="万达物业",
    )
    again = _repeat(
        client,
        auth_headers,
        deaths=1,
        serious_injuries=10,
        people_at_risk=1,
        equipment_type="lift",
        equipment_user="万达商管",
    )
    assert again["id"] == first["id"]
    # higher and new figures are the incident's now; a lower one and other text are not
    assert (again["deaths"], again["serious_injuries"], again["equipment_type"]) == (1, 10, "lift")
    assert again["people_at_risk"] == 3 and again["equipment_user"] == "万达物业"
    # the suggested level follows the figures; the level itself stays a person's decision
    assert again["suggested_severity"] == "III" and again["suggests_raise"] is True
    assert again["severity"] == "IV"
    duplicate, details = again["timeline"][-2:]
    assert duplicate["kind"] == "duplicate"
    assert details["kind"] == "details_updated" and details["actor"] == "duty_officer-user"
    text = details["text"]
    assert text.startswith("accident details from a repeat report: ")
    assert "deaths 0 → 1" in text and "serious_injuries — → 10" in text
    assert "equipment_type — → lift" in text
    assert "people_at_risk 3 kept (report: 1)" in text
    assert "equipment_user 万达物业 kept (report: 万达商管)" in text
    assert text.endswith("the figures suggest level III (now IV)")

    entries = _audit(client, auth_headers, first["id"])
    changed = next(e for e in entries if e["action"] == "incident.details_updated")
    assert changed["actor"] == "duty_officer-user"
    before, after = json.loads(changed["before"]), json.loads(changed["after"])
    assert (before["deaths"], after["deaths"]) == (0, 1)
    assert before["serious_injuries"] is None and after["serious_injuries"] == 10
    assert "people_at_risk" not in after  # only the changed fields
    assert after["source"] == "repeat report"
    assert after["not_applied"] == {"people_at_risk": 1, "equipment_user": "万达商管"}
    reported = json.loads(next(e for e in entries if e["action"] == "incident.duplicate")["after"])
    assert reported["people_at_risk"] == 1 and reported["deaths"] == 1  # the report as made

    # raising to the suggested level is one press away, as after a PATCH
    raised = client.post(
        f"/api/v1/incidents/{first['id']}/raise-to-suggested",
        headers=auth_headers(Role.coordinator),
    )
    assert raised.status_code == 200 and raised.json()["severity"] == "III"


def test_a_repeat_report_with_only_lower_figures_changes_nothing_and_says_so(
    client: TestClient, auth_headers: Headers
) -> None:
    first = _open(client, auth_headers, place="万达广场", people_at_risk=2, deaths=1)
    audited = len(_audit(client, auth_headers, first["id"]))
    again = _repeat(client, auth_headers, people_at_risk=0, deaths=1)
    assert (again["people_at_risk"], again["deaths"]) == (2, 1)
    kept = again["timeline"][-1]
    assert kept["kind"] == "details_kept"
    assert kept["text"] == (
        "accident details from a repeat report not applied: people_at_risk 2 kept (report: 0)"
    )
    actions = [e["action"] for e in _audit(client, auth_headers, first["id"])]
    assert actions[: len(actions) - audited] == ["incident.duplicate"]  # no details change
    same = _repeat(client, auth_headers, people_at_risk=2)
    assert same["timeline"][-1]["kind"] == "duplicate"  # nothing new: no details entry


def test_a_more_severe_repeat_report_raises_the_level_then_takes_its_figures(
    client: TestClient, auth_headers: Headers
) -> None:
    first = _open(client, auth_headers, place="万达广场", equipment_type="crane")
    again = _repeat(
        client, auth_headers, severity="III", explosion_or_overturn=True, equipment_type="crane"
    )
    assert again["severity"] == "III" and again["explosion_or_overturn"] is True
    assert [e["kind"] for e in again["timeline"][-3:]] == [
        "duplicate",
        "severity_raised",
        "details_updated",
    ]
    assert "suggest" not in again["timeline"][-1]["text"]  # III already
    # a report of another equipment's explosion: neither the type nor the explosion is taken
    other = client.post(
        "/api/v1/incidents",
        json=LIFT | {"place": "华府小区", "equipment_type": "lift"},
        headers=auth_headers(Role.coordinator),
    ).json()
    boiler = client.post(
        "/api/v1/incidents",
        json=LIFT
        | {"place": "华府小区", "equipment_type": "boiler", "explosion_or_overturn": True},
        headers=auth_headers(Role.coordinator),
    ).json()
    assert boiler["id"] == other["id"] and boiler["equipment_type"] == "lift"
    assert boiler["explosion_or_overturn"] is False and first["id"] != other["id"]
    assert boiler["timeline"][-1]["text"] == (
        "accident details from a repeat report not applied: equipment_type lift kept "
        "(report: boiler); explosion_or_overturn False kept (report: True)"
    )


def test_a_repeat_report_with_bad_figures_is_refused_and_writes_nothing(
    client: TestClient, auth_headers: Headers
) -> None:
    first = _open(client, auth_headers, place="万达广场", deaths=1)
    for body, field in (
        ({"deaths": -1}, "deaths"),
        ({"explosion_or_overturn": True, "equipment_type": "lift"}, "explosion_or_overturn"),
    ):
        refused = client.post(
            "/api/v1/incidents",
            json=LIFT | {"place": "万达广场"} | body,
            headers=auth_headers(Role.coordinator),
        )
        assert refused.status_code == 422
        assert field in [e["field"] for e in refused.json()["errors"]]
    after = client.get(f"/api/v1/incidents/{first['id']}", headers=auth_headers(Role.viewer))
    assert after.json()["duplicate_reports"] == 0 and after.json()["deaths"] == 1
    assert after.json()["timeline"] == first["timeline"]


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
