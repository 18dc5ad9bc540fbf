"""Timeline entries stored as English text only, before the keyed notes (key NULL, or the key
`note` migration 0029 gave a text it could not read): where the text has a fixed shape (a key
press, an acknowledgement, a reopen, a page, a missing contact method), the page words it in
its language; the row stays as stored, and a text of another shape is shown as stored."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from escalation.models import IncidentEvent
from tests.conftest import T0, TEST_PASSWORD, make_token, make_user
from tests.factories import make_person, make_unit
from web import timeline_keyed
from web.i18n import LANG_COOKIE, translations
from web.render import label_text

NAMES = {6: "杨帆"}

#: (stored English text, Chinese, English as the page words it)
OLD_TEXTS: list[tuple[str, str, str]] = [
    (
        "key 3 pressed on the call to +8613800000006 — not understood; nothing changed",
        "呼叫 +8613800000006 时按键 3 — 未能识别，未作处理",
        "3 on the call to +8613800000006 — not understood; nothing changed",
    ),
    (
        "key (none) pressed on the call to +8613800000006 — the incident is already resolved; "
        "nothing changed",
        "呼叫 +8613800000006 时按键 （无） — 事件已办结，未作处理",
        "(none) on the call to +8613800000006 — the incident is already resolved; nothing changed",
    ),
    (
        "key 1 pressed on the call to +8613800000006 — already acknowledged by person:6; "
        "nothing changed",
        "呼叫 +8613800000006 时按键 1 — 已由 杨帆 确认接警，未作处理",
        "1 on the call to +8613800000006 — already acknowledged by 杨帆; nothing changed",
    ),
    (
        "acknowledged by person:6 via voice; escalation stopped",
        "杨帆 通过电话按键确认接警，升级停止",
        "by 杨帆 via key press on the call; escalation stopped",
    ),
    (
        "reopened by coord; escalation restarts at step 1; its code 3080 is now another "
        "incident's, new code 4121",
        "coord 重新打开，从第 1 步重新升级；原事件码 3080 已被其他事件使用，新事件码 4121",
        "by coord; escalation restarts at step 1; its code 3080 is now another "
        "incident's, new code 4121",
    ),
    (
        "step 1: sms to 王建国 (+8613800000008)",
        "第 1 步：短信发给 王建国（+8613800000008）",
        "step 1: SMS to 王建国 (+8613800000008)",
    ),
    (
        "王建国 has no contact method for voice",
        "王建国 没有可用的语音电话联系方式",
        "王建国 has no contact method for Voice call",
    ),
    (
        "person 6 has no contact method for sms",
        "杨帆 没有可用的短信联系方式",
        "杨帆 has no contact method for SMS",
    ),
]


def _shown(locale: str, event: dict[str, Any]) -> str:
    catalogue = translations(locale)
    return timeline_keyed.localise_event(
        event,
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=ZoneInfo("Asia/Shanghai"),
    )


@pytest.mark.parametrize(("text", "zh", "en"), OLD_TEXTS, ids=[t[0][:30] for t in OLD_TEXTS])
@pytest.mark.parametrize("stored", ["without a key", "as a note"])
def test_an_old_text_of_a_fixed_shape_is_worded_in_the_pages_language(
    text: str, zh: str, en: str, stored: str
) -> None:
    event: dict[str, Any] = (
        {"text": text, "key": None, "values": {}}
        if stored == "without a key"
        else {"text": text, "key": "note", "values": {"text": text}}
    )
    assert (_shown("zh_CN", event), _shown("en", event)) == (zh, en)


@pytest.mark.parametrize(
    "text",
    [
        "1234 确认 — acknowledged",  # a reply of an older version: no fixed shape
        "key 3 pressed on the call to +8613800000006 — something new; nothing changed",
        "step 1: fax to 王建国 (+8613800000008)",
    ],
)
def test_an_old_text_of_another_shape_is_shown_as_stored(text: str) -> None:
    assert _shown("zh_CN", {"text": text, "key": "note", "values": {"text": text}}) == text
    assert _shown("zh_CN", {"text": text, "key": None, "values": {}}) == text


def test_the_incident_page_words_rows_written_the_old_way(
    client: TestClient, session: Session
) -> None:
    officer = make_person(session, unit=make_unit(session))
    coordinator = make_user(session, role=Role.coordinator, username="old-rows")
    token = {"Authorization": f"Bearer {make_token(session, coordinator)}"}
    body = {"title": "电梯困人", "category": "special_equipment", "severity": "IV"}
    opened = client.post("/api/v1/incidents", json=body, headers=token)
    assert opened.status_code == 201, opened.text
    incident_id = opened.json()["id"]
    pressed = (
        f"key 1 pressed on the call to +8613800000006 — already acknowledged by "
        f"person:{officer.id}; nothing changed"
    )
    old = [
        IncidentEvent(incident_id=incident_id, at=T0, kind="key_press", text=pressed),
        IncidentEvent(
            incident_id=incident_id,
            at=T0,
            kind="unreachable",
            text="王建国 has no contact method for voice",
            key="note",
            values={"text": "王建国 has no contact method for voice"},
        ),
    ]
    session.add_all(old)
    session.commit()
    client.post("/login", data={"username": "old-rows", "password": TEST_PASSWORD})
    for lang, shown in (
        ("zh_CN", ["时按键 1 — 已由 杨帆 确认接警，未作处理", "王建国 没有可用的语音电话联系方式"]),
        ("en", ["already acknowledged by 杨帆; nothing changed", "王建国 has no contact method"]),
    ):
        client.cookies.set(LANG_COOKIE, lang)
        page = client.get(f"/incidents/{incident_id}").text
        timeline = page.split('class="ev ', 1)[1].rsplit("</ol>", 1)[0]
        assert all(s in timeline for s in shown), timeline
        if lang == "zh_CN":
            assert "pressed" not in timeline and "contact method" not in timeline
    for row in old:
        session.refresh(row)
    assert [(r.text, r.key) for r in old] == [
        (pressed, None),
        ("王建国 has no contact method for voice", "note"),
    ]  # the data stays as it is
