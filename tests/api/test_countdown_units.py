"""A countdown counts as its clock counts: mediation under Order 121 runs 60 calendar days, so
its countdown is in days (`remaining_days`), never in working days, in the API and on the
item's page (the page said "60 天 … 剩 43 个工作日")."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.api.test_mediation_consent import _accepted
from tests.complaint_helpers import handler_headers, make_centre
from tests.conftest import TEST_PASSWORD


def test_a_calendar_day_clock_counts_down_in_days(
    client: TestClient, session: Session, auth_headers: Any
) -> None:
    centre = make_centre(session)
    handler = handler_headers(session, centre.east, "countdown-handler")
    cid = _accepted(client, auth_headers(Role.coordinator), handler)
    accepted = client.get(f"/api/v1/complaints/{cid}", headers=handler).json()
    acceptance = next(c for c in accepted["clocks"] if c["kind"] == "acceptance")
    assert acceptance["unit"] == "working" and acceptance["remaining_days"] is None

    started = client.post(
        f"/api/v1/complaints/{cid}/start-mediation",
        json={"complainant_consent": True, "respondent_consent": True},
        headers=handler,
    )
    assert started.status_code == 200, started.text
    item = started.json()
    (mediation,) = [c for c in item["clocks"] if c["kind"] == "mediation"]
    assert mediation["unit"] == "calendar" and mediation["limit"] == 60
    due_on, started_on = (
        date.fromisoformat(mediation["due_on"]),
        date.fromisoformat(mediation["started_on"]),
    )
    assert mediation["remaining_days"] == (due_on - started_on).days
    assert mediation["remaining_working_days"] is None
    assert item["next_due_unit"] == "calendar"
    assert item["remaining_days"] == mediation["remaining_days"]
    assert item["remaining_working_days"] is None

    client.cookies.clear()
    login = client.post(
        "/login",
        data={"username": "countdown-handler", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert login.status_code == 303
    page = client.get(f"/complaints/{cid}").text
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*60 天(?:(?!</tr>).)*</tr>", page, re.S)
    assert row is not None
    assert f"剩 {mediation['remaining_days']} 天" in row.group(0) and "工作日" not in row.group(0)
    client.get("/lang/en?next=/")
    english = client.get(f"/complaints/{cid}").text
    assert "60 days" in english and f"{mediation['remaining_days']} days left" in english
