"""The incident page's pages-and-calls table through the real app: a group broadcast names its
group as the timeline and the outbox do, not by its webhook key."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from core.users import Role
from escalation.models import NoticeTopic, Notification, NotificationStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from web.i18n import LANG_COOKIE


def test_a_broadcast_on_the_incident_page_names_its_group(
    client: TestClient, session: Session
) -> None:
    make_user(session, role=Role.coordinator, username="page-coordinator")
    client.post("/login", data={"username": "page-coordinator", "password": TEST_PASSWORD})
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/").text)
    assert csrf is not None
    opened = client.post(
        "/api/v1/incidents",
        json={"title": "电梯困人", "category": "special_equipment", "severity": "III"},
        headers={CSRF_HEADER: csrf.group(1)},
    )
    assert opened.status_code == 201, opened.text
    incident_id = opened.json()["id"]
    for key in ("leadership", "city-office"):
        session.add(
            Notification(
                incident_id=incident_id,
                topic=NoticeTopic.incident,
                idempotency_key=f"test:{incident_id}:{key}",
                kind="broadcast",
                channel="outbox",
                to=key,
                body="【DutyDesk】电梯困人",
                status=NotificationStatus.sent,
                next_attempt_at=T0,
                created_at=T0,
            )
        )
    session.commit()
    for lang, group in (("zh_CN", "领导群"), ("en", "Leadership group")):
        client.cookies.set(LANG_COOKIE, lang)
        for path in (f"/incidents/{incident_id}", f"/incidents/{incident_id}/live"):
            table = client.get(path).text.split('id="pages"', 1)[1].split("</table>", 1)[0]
            cells = re.findall(r'<td class="to"[^>]*>\s*(.*?)\s*</td>', table, re.S)
            assert group in cells and "city-office" in cells, (path, cells)
            assert "leadership" not in cells
