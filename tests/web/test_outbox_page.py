"""The outbox page through the real app: a group broadcast names its group as the emergency
plans do, not by its webhook key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from escalation.models import NoticeTopic, Notification, NotificationStatus
from tests.conftest import T0, TEST_PASSWORD, make_user


def test_a_group_broadcast_names_its_group(client: TestClient, session: Session) -> None:
    for key in ("leadership", "intake", "city-office"):
        session.add(
            Notification(
                topic=NoticeTopic.warning,
                idempotency_key=f"test:{key}",
                kind="broadcast",
                channel="outbox",
                to=key,
                body="【DutyDesk】橙色预警",
                status=NotificationStatus.sent,
                next_attempt_at=T0,
                created_at=T0,
            )
        )
    session.commit()
    make_user(session, role=Role.duty_officer, username="officer")
    client.post("/login", data={"username": "officer", "password": TEST_PASSWORD})
    page = client.get("/outbox").text
    leadership = page.split('data-to="leadership"', 1)[1].split("</tr>", 1)[0]
    assert "领导群" in leadership and ">leadership<" not in leadership
    assert "受理科群" in page.split('data-to="intake"', 1)[1].split("</tr>", 1)[0]
    assert "city-office" in page.split('data-to="city-office"', 1)[1].split("</tr>", 1)[0]
    client.cookies.set("dutydesk_lang", "en")
    assert "Leadership group" in client.get("/outbox").text
