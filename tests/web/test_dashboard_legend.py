"""The leadership dashboard's open-incidents chart uses exactly the colours of its legend:
unacknowledged red, acknowledged yellow, whatever the severity row; through the real app."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import demo, demo_complaints
from core.users import Role
from tests.conftest import T0, TEST_PASSWORD, make_user


def test_open_incident_bars_use_the_legends_colours(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    demo.seed(session, now=T0)
    coordinator = auth_headers(Role.coordinator)
    opened = []
    for severity in ("I", "II", "III", "IV"):
        body = {"title": "测试", "category": "food_safety", "severity": severity}
        body["place"] = f"城{severity}区"
        response = client.post("/api/v1/incidents", json=body, headers=coordinator)
        assert response.status_code == 201, response.text
        opened.append(response.json()["id"])
    for incident_id in opened[:2]:
        ack = client.post(f"/api/v1/incidents/{incident_id}/ack", headers=coordinator)
        assert ack.status_code == 200
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    page = client.get("/dashboard").text
    panel = page.split('id="open-incidents-total"', 1)[1].split("</p>", 1)[0]
    bars = re.findall(r'<rect class="([\w-]+)"', panel)
    chips = re.findall(r'<span class="chip ([\w-]+)">', panel)
    assert sorted(bars) == ["ack-fill", "ack-fill", "open-fill", "open-fill"]
    assert chips == ["open-fill", "ack-fill"]


def test_complaint_figures_and_domains_are_worded_in_the_page_language(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    assert demo_complaints.seed_complaints(session, now=T0) == 40
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    chinese = client.get("/dashboard").text.split('id="complaint-figures"', 1)[1]
    chinese = chinese.split('id="top-districts"', 1)[0]
    assert "按期办结率" in chinese and "按时受理率" in chinese
    assert "消费者权益保护" in chinese and "上周同期：" in chinese
    client.cookies.set("dutydesk_lang", "en")
    english = client.get("/dashboard").text.split('id="complaint-figures"', 1)[1]
    english = english.split('id="top-districts"', 1)[0]
    assert "On-time closure rate" in english and "On-time acceptance rate" in english
    assert "Consumer protection" in english and "same days last week: " in english
    assert not re.search(r"[\u4e00-\u9fff]", english)


def test_the_dashboard_counts_items_received_not_accepted(
    client: TestClient, session: Session
) -> None:
    """The dashboard called the items received this week and month 本周已受理 / 本月受理
    (accepted), beside its own 按时受理率 and the report's 接收总量 for the same count."""
    demo.seed(session, now=T0)
    demo_complaints.seed_complaints(session, now=T0)
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    figures = client.get("/dashboard").text.split('id="complaint-figures"', 1)[1]
    heads = re.findall(r"<th>([^<]*)</th>", figures.split("</table>", 1)[0])
    assert heads[:2] == ["本周已接收", "本月接收"]
