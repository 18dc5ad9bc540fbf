"""An early warning's evidence on its page: headed tables per kind instead of raw JSON
fields, times in Asia/Shanghai, event kinds and skills by their labels, the pages that
reached nobody worded from their timeline keys in the page's language, and an entry the
warning stored without a key as stored."""

from __future__ import annotations

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from complaints import warning_detection
from complaints.insight_models import EarlyWarning
from core.users import Role
from escalation import service as incidents
from oncall.models import Person
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.web.test_warning_links import school_canteen_incident
from web import warning_evidence

TZ = ZoneInfo("Asia/Shanghai")


def _words(people: dict[int, str] | None = None) -> warning_evidence.Words:
    return warning_evidence.Words(
        gettext=lambda message: message,
        label=lambda kind, value: f"{kind}:{value}",
        tz=TZ,
        skills={"expert/food": "Food safety expert"},
        people=people or {},
    )


def test_each_kind_of_evidence_has_its_columns_in_the_centres_time() -> None:
    evidence = {
        "gaps": [
            {
                "shift": "night",
                "shift_name": "夜班",
                "skill": "expert/food",
                "required": 1,
                "staffed": 0,
                "people": [],
                "away": ["张伟", "李娜"],
            },
            {
                "shift": "day",
                "shift_name": "白班",
                "skill": None,
                "required": 2,
                "staffed": 1,
                "people": ["王芳"],
                "away": [],
            },
        ],
        "events": [
            {
                "at": "2026-11-23T01:33:00+00:00",
                "kind": "unreachable",
                "text": "person 7 has no contact method for voice",
                "key": "no_contact_method",
                "values": {"person": 7, "kind": "voice"},
            },
            {"at": "2026-11-23T01:34:00+00:00", "kind": "exhausted", "text": "stored before keys"},
        ],
        "samples": [{"acknowledged_at": "2026-11-23T16:10:00+00:00", "minutes": 41.5, "step": 1}],
        "limit_minutes": 15,
    }
    tables = warning_evidence.tables(evidence, _words({7: "赵强"}))
    assert [t.kind for t in tables] == ["gaps", "events", "samples"]
    gaps, events, samples = tables
    assert gaps.columns == ("Shift", "Skill", "Needed", "Staffed", "On duty", "Away")
    assert gaps.rows == [
        ("夜班", "Food safety expert", "1", "0", "", "张伟、李娜"),
        ("白班", "any skill", "2", "1", "王芳", ""),
    ]
    assert events.rows[0][:2] == ("2026-11-23 09:33", "event_kind:unreachable")
    assert "赵强" in events.rows[0][2] and "person 7" not in events.rows[0][2]
    assert events.rows[1] == ("2026-11-23 09:34", "event_kind:exhausted", "stored before keys")
    assert samples.rows == [("2026-11-24 00:10", "41.5", "1")]  # past midnight in Shanghai
    assert warning_evidence.person_ids(evidence) == {7}
    assert warning_evidence.tables({"series": [], "items": []}, _words()) == []


def _section(page: str, kind: str) -> str:
    return page.split(f'id="evidence-{kind}-heading">', 1)[1].split("</table>", 1)[0]


def test_the_warning_page_shows_pages_that_reached_nobody_in_its_language(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    incident_id, _ = school_canteen_incident(session)
    person = session.exec(select(Person).order_by(Person.id)).first()
    assert person is not None and person.id is not None
    incidents.record_event(
        session,
        incident_id=incident_id,
        now=T0 + timedelta(minutes=3),
        kind="unreachable",
        text=f"{person.name} has no contact method for voice",
        key="no_contact_method",
        values={"person": person.id, "kind": "voice"},
    )
    session.commit()
    warning_detection.run_detection(session, now=T0 + timedelta(hours=2), tz=TZ)
    warning = session.exec(
        select(EarlyWarning).where(EarlyWarning.dimension == "unreachable")
    ).one()

    make_user(session, role=Role.leader, username="lead")
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD})
    client.cookies.set("dutydesk_lang", "zh_CN")
    zh = _section(html.unescape(client.get(f"/warnings/{warning.id}").text), "events")
    assert "呼叫无法送达" in zh and "<th>时间</th>" in zh and "<th>事件经过</th>" in zh
    assert "2026-11-23 09:33" in zh and "01:33" not in zh
    assert person.name in zh and "has no contact method" not in zh and "voice" not in zh

    client.cookies.set("dutydesk_lang", "en")
    en = _section(html.unescape(client.get(f"/warnings/{warning.id}").text), "events")
    assert "<th>What happened</th>" in en
    assert f"{person.name} has no contact method for" in en and "呼叫" not in en
