"""Early warnings' titles and summaries through the real app: worded from their key and
values in the page's language (a domain by its label), a warning stored before keys by its
stored text, the key and values in the API, and the Chinese notice to the leadership group
made from the same key, sent and shown on the outbox page."""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlmodel import Session, select

from complaints.detect import WarningLevel
from complaints.insight_models import EarlyWarning, WarningStatus
from complaints.warning_keys import notice_zh
from core.clock import FakeClock
from core.users import Role
from escalation.dispatch import Dispatcher
from escalation.models import NoticeTopic, Notification, NotificationStatus
from tests.conftest import T0, TEST_PASSWORD, make_user, savepoint_session
from tests.service.test_early_warnings import SURGE
from tests.service.test_early_warnings import _seed as seed_surge
from tests.service.test_notices import RecordingChannel

FOOD_EN = "Domain “Food” rose from 2026-11-20 to 2026-11-22: 75 items, baseline"
FOOD_ZH = "领域「食品」2026-11-20至2026-11-22量升高：75 件，基线"
STORED_ZH = "领域「食品」11月20日至11月22日量升高"


def _stored_before_keys(session: Session) -> EarlyWarning:
    old = EarlyWarning(
        key="keyword:燃气",
        open_key="keyword:燃气",
        dimension="keyword",
        subject="燃气",
        label="燃气",
        level=WarningLevel.yellow,
        status=WarningStatus.open,
        title="关键词「燃气」11月01日量升高：9 件，基线 2.0 件",
        summary="旧摘要",
        first_detected_at=T0,
        last_detected_at=T0,
    )
    session.add(old)
    session.commit()
    return old


def test_warnings_are_worded_in_the_page_language_from_their_key(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    seed_surge(session, surge_days=SURGE)
    coordinator = auth_headers(Role.coordinator)
    assert client.post("/api/v1/warnings/run", headers=coordinator).status_code == 200
    items = client.get("/api/v1/warnings", headers=coordinator).json()["items"]
    food = next(w for w in items if w["key"] == "domain:food")
    assert food["wording_key"] == "rise" and STORED_ZH in food["title"]
    assert food["values"]["dimension"] == "domain" and food["values"]["subject"] == "food"
    old = _stored_before_keys(session)
    detail = client.get(f"/api/v1/warnings/{old.id}", headers=coordinator).json()
    assert (detail["wording_key"], detail["values"]) == (None, {})

    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    client.cookies.set("dutydesk_lang", "en")
    listing = html.unescape(client.get("/warnings").text)
    row = listing.split(f'data-warning="{food["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert FOOD_EN in row and "食品" not in row
    assert old.title in listing.split(f'data-warning="{old.id}"', 1)[1].split("</tr>", 1)[0]
    page = html.unescape(client.get(f"/warnings/{food['id']}").text)
    title = page.split('id="warning-title"', 1)[1].split("</h1>", 1)[0]
    summary = page.split('id="warning-summary">', 1)[1].split("</p>", 1)[0]
    assert FOOD_EN in title and "升高" not in title
    assert summary.startswith("75 items from 2026-11-20 to 2026-11-22; the baseline of the ")
    assert "基线" not in page and "领域" not in page
    old_page = html.unescape(client.get(f"/warnings/{old.id}").text)
    assert old.title in old_page and "旧摘要" in old_page

    client.cookies.set("dutydesk_lang", "zh_CN")
    chinese = html.unescape(client.get(f"/warnings/{food['id']}").text)
    assert FOOD_ZH in chinese.split('id="warning-title"', 1)[1].split("</h1>", 1)[0]


def test_the_leadership_notice_is_made_from_the_key_and_shown_sent_in_the_outbox(
    client: TestClient,
    session: Session,
    connection: Connection,
    auth_headers: Callable[[Role], dict[str, str]],
) -> None:
    seed_surge(session, surge_days=SURGE)
    assert client.post("/api/v1/warnings/run", headers=auth_headers(Role.coordinator)).is_success
    food = session.exec(select(EarlyWarning).where(EarlyWarning.key == "domain:food")).one()
    Dispatcher(
        open_session=partial(savepoint_session, connection),
        clock=FakeClock(T0),
        channel=RecordingChannel(),
        tz=ZoneInfo("Asia/Shanghai"),
    ).tick()
    notice = session.exec(
        select(Notification)
        .where(Notification.topic == NoticeTopic.warning)
        .where(Notification.idempotency_key == f"warning:{food.id}:red")
    ).one()
    session.refresh(notice)
    assert notice.status is NotificationStatus.sent and notice.body == notice_zh(food)
    assert STORED_ZH in notice.body

    make_user(session, role=Role.duty_officer, username="officer")
    client.post("/login", data={"username": "officer", "password": TEST_PASSWORD})
    outbox = html.unescape(client.get("/outbox").text)
    row = outbox.split(f'data-notification="{notice.id}"', 1)[1].split("</tr>", 1)[0]
    assert notice.body in row and "已发送" in row


def test_a_rise_of_all_complaints_is_worded_as_the_hotline_says_it_in_chinese(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    """The total's rise read 全部件 2026-11-20至2026-11-22 量升高 (全部件: no such word, and
    量 doubled once the dimension is a 总量): it now reads as the stored notice does, 投诉举报总量
    …升高."""
    seed_surge(session, surge_days=SURGE)
    coordinator = auth_headers(Role.coordinator)
    assert client.post("/api/v1/warnings/run", headers=coordinator).status_code == 200
    items = client.get("/api/v1/warnings", headers=coordinator).json()["items"]
    total = next(w for w in items if w["values"].get("dimension") == "total")
    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    client.cookies.set("dutydesk_lang", "zh_CN")
    page = html.unescape(client.get(f"/warnings/{total['id']}").text)
    title = page.split('id="warning-title"', 1)[1].split("</h1>", 1)[0]
    assert "投诉举报总量2026-11-20至2026-11-22升高：" in title
    row = html.unescape(client.get("/warnings").text).split(f'data-warning="{total["id"]}"')[1]
    assert "全部件" not in row.split("</tr>", 1)[0]
