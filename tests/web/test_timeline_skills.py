"""An incident's timeline named the expert it paged by the skill's code ("值班：值班专家/food"):
the page names the skill as the directory does, in the page's language ("值班：食品安全专家",
"on duty: Food safety expert"), and the API keeps the stored text with its codes and adds the
skills it names with their names."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from oncall import directory
from oncall.models import SkillCreate
from tests.conftest import T0, TEST_PASSWORD, make_token, make_user
from web.i18n import LANG_COOKIE

FOOD = {"code": "food", "name_zh": "食品安全", "name_en": "Food safety"}


def _plan() -> dict[str, Any]:
    """The food expert, then the leader on duty with the food skill: nobody is on duty in
    this test, so both steps are named on the timeline as found empty."""
    step: dict[str, Any] = {"wait_minutes": 5, "rules": [{"kind": "sms", "after_minutes": 0}]}
    return {
        "name": "食品安全IV级",
        "initial_report_minutes": 120,
        "written_report_minutes": 360,
        "steps": [
            step | {"targets": [{"type": "on_duty", "role": "expert", "skill": "food"}]},
            step | {"targets": [{"type": "on_duty", "role": "leader", "skill": "food"}]},
        ],
    }


def _incident(client: TestClient, app: FastAPI, session: Session) -> int:
    directory.create_skill(session, data=SkillCreate(**FOOD), actor="test", now=T0)
    planner = make_user(session, role=Role.admin, username="plan-admin")
    admin = {"Authorization": f"Bearer {make_token(session, planner)}"}
    stored = client.put("/api/v1/emergency-plans/food_safety/IV", json=_plan(), headers=admin)
    assert stored.status_code == 200, stored.text
    body = {
        "title": "学校食堂疑似中毒",
        "category": "food_safety",
        "severity": "IV",
        "place": "城东小学",
    }
    opened = client.post("/api/v1/incidents", json=body, headers=admin)
    assert opened.status_code == 201, opened.text
    app.state.dispatcher.tick()
    incident_id: int = opened.json()["id"]
    return incident_id


def test_the_api_keeps_the_codes_and_adds_the_skills_names(
    client: TestClient, app: FastAPI, session: Session
) -> None:
    incident_id = _incident(client, app, session)
    viewer = {"Authorization": f"Bearer {make_token(session, make_user(session))}"}
    one = client.get(f"/api/v1/incidents/{incident_id}", headers=viewer).json()
    listed = client.get("/api/v1/incidents", headers=viewer).json()
    for incident in (one, next(i for i in listed if i["id"] == incident_id)):
        named = [e for e in incident["timeline"] if "on duty: " in e["text"]]
        assert [e["text"] for e in named] == [
            "step 1 (on duty: expert/food) resolved to nobody: climbing at once",
            "step 2 (on duty: leader/food) resolved to nobody and is the last step: "
            "trying again in 5 min",
        ]
        assert all(e["skills"] == [FOOD] for e in named)
        assert all(e["skills"] == [] for e in incident["timeline"] if e not in named)


def test_the_page_names_the_skill_in_its_language(
    client: TestClient, app: FastAPI, session: Session
) -> None:
    incident_id = _incident(client, app, session)
    make_user(session, role=Role.coordinator, username="skill-coordinator")
    client.post("/login", data={"username": "skill-coordinator", "password": TEST_PASSWORD})
    for lang, expert, leader in (
        ("zh_CN", "（值班：食品安全专家）", "值班：带班领导（食品安全））"),
        ("en", "(on duty: Food safety expert)", "on duty: Leader on duty (Food safety))"),
    ):
        client.cookies.set(LANG_COOKIE, lang)
        page = client.get(f"/incidents/{incident_id}").text
        timeline = page.split('class="ev ', 1)[1].rsplit("</ol>", 1)[0]
        assert expert in timeline and leader in timeline, timeline
        assert "food" not in timeline
