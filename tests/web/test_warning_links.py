"""An early warning's page links to what it is about: the incident whose pages reached nobody,
the roster published for a gap's unit and day (the latest publication, not a superseded one),
and each complaint or incident a rise counted, an incident by its short code rather than the
stored `incident:<id>`."""

from __future__ import annotations

import html
import json
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints.detect import WarningLevel
from complaints.insight_models import EarlyWarning, WarningStatus
from core.users import Role
from escalation import opening
from escalation.models import Category, IncidentCreate
from escalation.policy import Severity
from oncall.roster_models import RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import make_intake, make_roster
from web import warning_links

DAY = date(2026, 11, 25)


def _warning(session: Session, dimension: str, evidence: dict[str, Any]) -> int:
    warning = EarlyWarning(
        key=f"{dimension}:test",
        dimension=dimension,
        subject="test",
        level=WarningLevel.orange,
        status=WarningStatus.open,
        title="stored title",
        evidence_json=json.dumps(evidence),
        first_detected_at=T0,
        last_detected_at=T0,
    )
    session.add(warning)
    session.commit()
    assert warning.id is not None
    return warning.id


def school_canteen_incident(session: Session) -> tuple[int, str]:
    """An incident opened on the seeded centre: (its id, its short code)."""
    incident, _ = opening.open_incident(
        session,
        data=IncidentCreate(
            title="学校食堂疑似食物中毒",
            category=Category.food_safety,
            severity=Severity.III,
            place="城东区第一中学",
        ),
        actor="coordinator",
        now=T0,
    )
    assert incident.id is not None
    return incident.id, incident.short_code


def _sign_in(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})


def _page(client: TestClient, warning_id: int) -> str:
    response = client.get(f"/warnings/{warning_id}")
    assert response.status_code == 200
    return html.unescape(response.text)


def test_pages_that_reached_nobody_link_to_their_incident(
    client: TestClient, session: Session
) -> None:
    make_intake(session)  # the demo centre: plans and people for the incident
    incident_id, code = school_canteen_incident(session)
    warning_id = _warning(session, "unreachable", {"incident_id": incident_id, "events": []})
    _sign_in(client, session)
    page = _page(client, warning_id)
    related = page.split('id="warning-related">', 1)[1].split("</dd>", 1)[0]
    assert f'<a href="/incidents/{incident_id}">#{code} 学校食堂疑似食物中毒</a>' in related


def test_a_roster_gap_links_to_the_roster_in_force_for_its_unit_and_day(
    client: TestClient, session: Session
) -> None:
    intake = make_intake(session)
    make_roster(session, intake, DAY, DAY, [], status=RosterStatus.superseded)
    current = make_roster(
        session,
        intake,
        DAY - timedelta(days=2),
        DAY + timedelta(days=4),
        [],
        status=RosterStatus.published,
        at=T0 + timedelta(hours=1),
    )
    make_roster(session, intake, DAY, DAY, [], status=RosterStatus.draft)
    warning_id = _warning(
        session, "roster_gap", {"unit_id": intake.unit_id, "day": DAY.isoformat(), "gaps": []}
    )
    _sign_in(client, session)
    related = _page(client, warning_id).split('id="warning-related">', 1)[1]
    assert related.split("</dd>", 1)[0] == (
        f'<a href="/rosters/{current.id}">值班表 2026-11-23 – 2026-11-29 · v1</a>'
    )

    elsewhere = _warning(
        session, "roster_gap", {"unit_id": intake.unit_id, "day": "2026-12-20", "gaps": []}
    )
    # no roster that day (a day between published versions): the unit's rosters, to plan it
    related = _page(client, elsewhere).split('id="warning-related">', 1)[1]
    assert related.split("</dd>", 1)[0] == f'<a href="/rosters?unit_id={intake.unit_id}">值班表</a>'


def test_the_items_behind_a_rise_link_to_their_pages(session: Session) -> None:
    make_intake(session)
    incident_id, code = school_canteen_incident(session)
    stored = [
        {
            "id": 41,
            "ref": "TS202611230000041",
            "title": "短斤少两",
            "at": "2026-11-23T01:00:00+00:00",
        },
        {
            "id": incident_id,
            "ref": f"incident:{incident_id}",
            "title": "食物中毒",
            "at": "2026-11-23T02:00:00+00:00",
        },
        {"id": 99999, "ref": "incident:99999", "title": "gone", "at": "2026-11-23T03:00:00+00:00"},
    ]
    rows = warning_links.items(session, stored)
    assert [(r.ref, r.href) for r in rows] == [
        ("TS202611230000041", "/complaints/41"),
        (f"#{code}", f"/incidents/{incident_id}"),
        ("#99999", None),  # an incident no longer there is named but not linked
    ]
    assert rows[0].at.isoformat() == "2026-11-23T01:00:00+00:00"
