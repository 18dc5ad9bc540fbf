"""The incident page's reporting clocks and report form through the real app: the form names
every field the API's problems name, posting it as `app.js` does (JSON with the page's CSRF
header) records the report, and the page then shows the initial-report clock met."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.deps import CSRF_HEADER
from core.clock import FakeClock
from core.users import Role
from escalation.models import IncidentEvent
from tests.conftest import TEST_PASSWORD, make_user
from web import field_errors
from web.i18n import LANG_COOKIE
from web.problem_text import describe, texts
from web.render import FRAGMENT_HEADER

CLOCK = re.compile(r'data-clock="(\w+)" data-state="(\w+)"')


def _sign_in(client: TestClient, session: Session, role: Role) -> str:
    username = f"page-{role.value}"
    make_user(session, role=role, username=username)
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/").text)
    assert token is not None
    return token.group(1)


def _post(client: TestClient, csrf: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers={CSRF_HEADER: csrf})


def _lift_incident_page(client: TestClient, csrf: str, severity: str) -> str:
    """Opens a special-equipment incident of `severity` and returns its page's path."""
    opened = _post(
        client,
        csrf,
        "/api/v1/incidents",
        {"title": "电梯困人", "category": "special_equipment", "severity": severity},
    )
    assert opened.status_code == 201, opened.text
    return f"/incidents/{opened.json()['id']}"


def test_recording_the_initial_report_from_the_page_meets_its_clock(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    page_url = _lift_incident_page(client, csrf, "II")
    clock.advance(timedelta(minutes=5))
    page = client.get(page_url).text
    assert CLOCK.findall(page) == [("initial_report", "running"), ("written_report", "running")]
    assert "初报（电话）：时限 11-23 09:45" in page  # due 15 min after 09:30
    assert "（剩余 10 分钟）" in page
    api = f"/api/v1{page_url}/reports"
    assert f'data-api="{api}"' in page
    boxes = set(re.findall(r'data-field="(\w+)"', page))
    assert {"kind", "reported_to", "method", "reported_at", "summary"} <= boxes
    assert 'name="reported_at" type="datetime-local" value=""' in page  # empty: now when sent
    assert '<option value="initial" selected>' in page

    bad = _post(client, csrf, api, {"kind": "initial", "reported_to": ""})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} <= boxes

    made = _post(
        client,
        csrf,
        api,
        {
            "kind": "initial",
            "reported_to": "市局应急值班室",
            "method": "phone",
            "reported_at": "2026-11-23T09:35:00+08:00",
            "summary": "2人被困",
        },
    )
    assert made.status_code == 201, made.text
    clock.advance(timedelta(minutes=30))
    page = client.get(page_url).text
    assert CLOCK.findall(page) == [("initial_report", "met"), ("written_report", "overdue")]
    assert "已于 11-23 09:35 报告" in page
    assert 'id="reports"' in page and "市局应急值班室" in page and "初报" in page
    assert '<option value="written" selected>' in page  # the next report due

    # the timeline words the report from its key and values, so a new English wording of
    # the entry still reads in Chinese
    event = session.exec(select(IncidentEvent).where(IncidentEvent.key == "reported")).one()
    event.text = "report to superiors, worded anew"
    session.add(event)
    session.commit()
    live = client.get(f"{page_url}/live", headers={FRAGMENT_HEADER: "1"}).text
    assert "worded anew" not in live
    assert "初报报送 市局应急值班室，方式：电话：2人被困（事故报告尚缺：发生地点、" in live


def test_viewers_see_the_clocks_but_no_report_form(
    client: TestClient, session: Session, auth_headers: Any
) -> None:
    opened = client.post(
        "/api/v1/incidents",
        json={"title": "食物中毒", "category": "food_safety", "severity": "III"},
        headers=auth_headers(Role.coordinator),
    )
    _sign_in(client, session, Role.viewer)
    page = client.get(f"/incidents/{opened.json()['id']}").text
    assert 'id="reporting-clocks"' in page and 'id="report-form"' not in page


def test_the_incident_list_shows_each_incidents_next_report_due_and_the_late_ones(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    """Reports to superiors must not be late or omitted (DOMAIN.md §5): the list shows, per
    incident, the first report not yet made with its due time (Asia/Shanghai), marked overdue
    once past; nothing once both are made. Levels I and IV, across midnight."""
    clock.set(clock.now().replace(hour=15, minute=40))  # 23:40 in Shanghai
    csrf = _sign_in(client, session, Role.coordinator)
    ids = {}
    for severity, place in (("I", "城东"), ("IV", "城西"), ("III", "城南")):
        body = {"title": "事件", "category": "special_equipment", "severity": severity}
        opened = _post(client, csrf, "/api/v1/incidents", body | {"place": place})
        assert opened.status_code == 201, opened.text
        ids[severity] = opened.json()["id"]
    for kind in ("initial", "written"):
        made = {
            "kind": kind,
            "reported_to": "市局",
            "method": "phone" if kind == "initial" else "system",
        }
        assert (
            _post(client, csrf, f"/api/v1/incidents/{ids['III']}/reports", made).status_code == 201
        )
    clock.advance(timedelta(minutes=20))  # 00:00: I's initial (due 23:55) is late
    page = client.get("/incidents").text
    rows = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r'<tr data-incident="(\d+)"[^>]*>(.*?)</tr>', page, re.S)
    }
    assert CLOCK.findall(rows[ids["I"]]) == [("initial_report", "overdue")]
    assert "初报（电话）：时限 11-23 23:55" in rows[ids["I"]] and "已超时" in rows[ids["I"]]
    assert CLOCK.findall(rows[ids["IV"]]) == [("initial_report", "running")]
    assert "时限 11-24 01:40" in rows[ids["IV"]]
    assert CLOCK.findall(rows[ids["III"]]) == []
    live = client.get("/incidents/live", headers={FRAGMENT_HEADER: "1"}).text
    assert live.count('data-clock="initial_report"') == 2


def test_a_resolved_incident_page_offers_its_owed_reports_then_the_final_one(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    body = {"title": "冷柜漏电", "category": "other", "severity": "IV"}
    opened = _post(client, csrf, "/api/v1/incidents", body)
    assert opened.status_code == 201, opened.text
    incident = opened.json()["id"]
    assert _post(client, csrf, f"/api/v1/incidents/{incident}/resolve", {}).status_code == 200
    clock.advance(timedelta(minutes=30))
    page_url, reports = f"/incidents/{incident}", f"/api/v1/incidents/{incident}/reports"
    for kind, method in (("initial", "phone"), ("written", "system")):
        assert f'<option value="{kind}" selected>' in client.get(page_url).text
        made = _post(client, csrf, reports, {"kind": kind, "reported_to": "区局", "method": method})
        assert made.status_code == 201, made.text
    assert '<option value="final" selected>' in client.get(page_url).text


def test_a_reporting_deadline_an_hour_or_more_away_counts_down_in_hours_and_minutes(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    page_url = _lift_incident_page(client, csrf, "IV")
    clock.advance(timedelta(minutes=5))
    page = client.get(page_url).text
    # level IV: the phone report is due 2 h after opening, the written one 6 h after
    assert "（剩 1 小时 55 分钟）" in page and "（剩 5 小时 55 分钟）" in page
    assert re.search(r"\d\d:\d\d（剩 1 小时 55 分钟）", _clock_text(page, "initial_report"))
    client.get("/lang/en")
    page = client.get(page_url).text
    assert "(1 h 55 min left)" in page and "(5 h 55 min left)" in page
    assert re.search(r"\d\d:\d\d \(1 h 55 min left\)", _clock_text(page, "initial_report"))


def _clock_text(page: str, clock: str) -> str:
    """A reporting deadline's line as read: tags removed, runs of white space one space."""
    line = page.split(f'data-clock="{clock}"', 1)[1].split("</li>", 1)[0].split(">", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", "", line).split())


def _as_the_page_words(error: dict[str, Any], lang: str) -> str | None:
    """What app/problems.js makes of a field error: its reason, else its type with `ctx`."""
    texts = field_errors.texts(lang)
    if error["reason"] in texts["reasons"]:
        return str(texts["reasons"][error["reason"]])
    if error.get("type") in texts["types"]:
        return str(texts["types"][error["type"]]) % error.get("ctx", {})
    return None


def test_a_report_dated_too_early_is_refused_in_the_pages_language(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    """Dated before the incident was opened, or a written report before the initial one: the
    page words the refusal with the local time it may not precede, in Chinese as in English."""
    csrf = _sign_in(client, session, Role.coordinator)
    reports = _lift_incident_page(client, csrf, "II").replace("/incidents/", "/api/v1/incidents/")
    reports += "/reports"
    clock.advance(timedelta(minutes=10))
    early = {"kind": "initial", "reported_to": "市局", "reported_at": "2026-11-23T09:00:00+08:00"}
    initial = early | {"reported_at": "2026-11-23T09:35:00+08:00"}
    written = early | {"kind": "written", "method": "fax", "reported_at": "2026-11-23T09:32+08:00"}
    before_opening = _post(client, csrf, reports, early)
    assert before_opening.status_code == 422, before_opening.text
    assert _post(client, csrf, reports, initial).status_code == 201
    before_initial = _post(client, csrf, reports, written)
    assert before_initial.status_code == 422, before_initial.text
    for refused, chinese, english in (
        (before_opening, "不能早于事件登记时间（2026-11-23 09:30）", "incident was opened"),
        (before_initial, "不能早于初报时间（2026-11-23 09:35）", "initial report (2026"),
    ):
        (error,) = refused.json()["errors"]
        assert error["field"] == "reported_at"
        assert _as_the_page_words(error, "zh_CN") == chinese
        assert english in (_as_the_page_words(error, "en") or "")


def test_a_report_out_of_turn_is_refused_in_the_pages_language(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    """A follow-up before the initial report, or a second initial report: the Chinese page says
    which report to record (web.problem_text), not "reload the page" nor the API's English."""
    csrf = _sign_in(client, session, Role.coordinator)
    reports = _lift_incident_page(client, csrf, "II").replace("/incidents/", "/api/v1/incidents/")
    reports += "/reports"
    clock.advance(timedelta(minutes=5))
    initial = {"kind": "initial", "reported_to": "市局", "method": "phone"}
    too_early = _post(client, csrf, reports, initial | {"kind": "follow_up"})
    assert _post(client, csrf, reports, initial).status_code == 201
    again = _post(client, csrf, reports, initial)
    for refused, chinese in ((too_early, "请先登记初报"), (again, "初报已登记，请登记续报")):
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        worded = describe("zh_CN", status=409, code=problem["code"], detail=problem["detail"])
        assert worded == chinese
        script_texts = texts("zh_CN")["details"]
        assert isinstance(script_texts, dict) and script_texts[problem["detail"]] == chinese


@pytest.mark.parametrize(
    ("lang", "placeholder"),
    [("zh_CN", "如：市局应急值班室"), ("en", "e.g. the municipal bureau's duty office")],
)
def test_the_report_forms_example_of_whom_to_report_to_is_its_placeholder(
    client: TestClient, session: Session, lang: str, placeholder: str
) -> None:
    """The example was joined into the field's raw attributes and escaped with them: the box
    showed '"如：市局应急值班室"' (English: '"e.g.') and the maximum length was lost."""
    csrf = _sign_in(client, session, Role.coordinator)
    client.cookies.set(LANG_COOKIE, lang)
    page = client.get(_lift_incident_page(client, csrf, "IV")).text
    field = re.search(r'<input name="reported_to"[^>]*>', page)
    assert field is not None
    assert f'placeholder="{placeholder}"' in field.group(0)
    assert 'maxlength="200"' in field.group(0) and "&#34;" not in field.group(0)
