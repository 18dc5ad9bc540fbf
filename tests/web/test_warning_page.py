"""An early warning's page, through the real app: the items behind it at their Shanghai time,
the chart's tooltips naming each day and its series in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints.detect import WarningLevel
from complaints.insight_models import EarlyWarning, WarningStatus
from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user
from tests.service.test_early_warnings import SURGE
from tests.service.test_early_warnings import _seed as seed_surge


def test_a_warnings_items_and_chart_are_in_local_time_and_the_page_language(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    seed_surge(session, surge_days=SURGE)
    coordinator = auth_headers(Role.coordinator)
    assert client.post("/api/v1/warnings/run", headers=coordinator).status_code == 200
    warning = client.get("/api/v1/warnings", headers=coordinator).json()["items"][0]
    evidence = client.get(f"/api/v1/warnings/{warning['id']}", headers=coordinator).json()[
        "evidence"
    ]
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    page = client.get(f"/warnings/{warning['id']}").text
    items = page.split('id="warning-items"', 1)[1].split("</table>", 1)[0]
    first = datetime.fromisoformat(evidence["items"][0]["at"])
    assert f"{first.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}" in items
    assert "UTC" not in items
    assert "<th>收到时间</th>" in items and "接班" not in items  # 接班 is taking over a shift
    assert ">确认预警</button>" in page and "接警" not in page  # 接警 is taking an emergency call
    tips = re.findall(r"<title>([^<]*)</title>", page.split('class="chart"', 1)[1])[1:]
    last = evidence["series"][-1]
    assert f"{last['day']} 每日件数: {last['count']}" in tips
    assert all(t.startswith("20") for t in tips) and not any("expected" in t for t in tips)
    client.cookies.set("dutydesk_lang", "en")
    english = client.get(f"/warnings/{warning['id']}").text
    assert f"{last['day']} items per day: {last['count']}" in english
    assert ">Acknowledge</button>" in english and "<th>Received at</th>" in english


def test_warnings_are_listed_most_serious_first_then_newest(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    """An orange warning detected before three blue ones is still listed above them."""
    start = datetime(2026, 11, 20, 2, tzinfo=UTC)
    levels = [
        ("orange", 0),
        ("blue", 1),
        ("blue", 2),
        ("yellow", 3),
        ("red", 4),
        ("blue", 5),
    ]
    for n, (level, hours) in enumerate(levels):
        session.add(
            EarlyWarning(
                key=f"district:order{n}",
                dimension="district",
                subject=f"order{n}",
                level=WarningLevel(level),
                status=WarningStatus.open,
                title=f"warning {n}",
                first_detected_at=start + timedelta(hours=hours),
                last_detected_at=start + timedelta(hours=hours),
            )
        )
    session.commit()
    listed = client.get("/api/v1/warnings", headers=auth_headers(Role.leader)).json()["items"]
    assert [(w["level"], w["subject"]) for w in listed] == [
        ("red", "order4"),
        ("orange", "order0"),
        ("yellow", "order3"),
        ("blue", "order5"),
        ("blue", "order2"),
        ("blue", "order1"),
    ]
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    page = client.get("/warnings").text
    assert re.findall(r'id="warning-(\d+)"', page) == [str(w["id"]) for w in listed]
