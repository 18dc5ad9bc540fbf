"""Every page for every role through the real app (TestClient): signed out → sign-in page,
a role without the permission → 403 page, otherwise 200; the nav lists exactly the pages the
role may open; pages carry the strict CSP and never link a CDN."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import ROLE_PERMISSIONS, Permission, Role
from escalation import opening
from escalation.models import Category, IncidentCreate
from escalation.policy import Severity
from oncall import rosters
from oncall.models import Unit
from tests.conftest import T0, TEST_PASSWORD, make_user
from web.nav import NAV, nav_for
from web.render import FRAGMENT_HEADER

PAGES: list[tuple[str, Permission | None]] = [
    ("/", None),
    ("/account", None),
    ("/duty", Permission.dutylog_read),
    ("/duty/log", Permission.dutylog_read),
    ("/incidents", Permission.incident_read),
    ("/incidents/new", Permission.incident_write),
    ("/complaints", Permission.complaint_read),
    ("/complaints/inbox", Permission.complaint_handle),
    ("/complaints/new", Permission.complaint_write),
    ("/outbox", Permission.outbox_use),
    ("/rosters", Permission.roster_read),
    ("/rosters/{roster}", Permission.roster_read),
    ("/rosters/{roster}/print", Permission.roster_read),
    ("/swaps", Permission.swap_request),
    ("/planner/people", Permission.directory_write),
    ("/planner/leave", Permission.roster_write),
    ("/planner/rules", Permission.roster_write),
    ("/dashboard", Permission.dashboard_read),
    ("/warnings", Permission.warning_read),
    ("/reports", Permission.report_read),
]


@pytest.fixture
def roster_id(session: Session) -> int:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    roster = rosters.start_generation(
        session,
        unit_id=unit.id,
        start=T0.date(),
        end=T0.date() + timedelta(days=2),
        time_limit_s=2,
        note="",
        actor="test",
        now=T0,
    )
    assert roster.id is not None
    return roster.id


def _sign_in(client: TestClient, session: Session, role: Role) -> None:
    make_user(session, role=role, username=f"web-{role.value}")
    client.cookies.clear()
    response = client.post(
        "/login",
        data={"username": f"web-{role.value}", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_pages_redirect_to_sign_in_when_signed_out(client: TestClient, roster_id: int) -> None:
    for path, _ in PAGES:
        response = client.get(path.format(roster=roster_id), follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_pages_and_403_elsewhere(
    client: TestClient, session: Session, roster_id: int, role: Role
) -> None:
    _sign_in(client, session, role)
    for path, permission in PAGES:
        response = client.get(path.format(roster=roster_id))
        may = permission is None or role in ROLE_PERMISSIONS[permission]
        assert response.status_code == (200 if may else 403), (role, path)
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert not re.search(r'(src|href)="(https?:)?//', response.text), path  # no CDN
        # an attribute built by string concatenation and escaped twice shows its quotes
        assert not re.search(r"<[^>]*\s[\w-]+=&#34;", response.text), path
    home = client.get("/").text
    visible = set(re.findall(r'<nav class="main".*?</nav>', home, re.S)[0].split('href="')[1:])
    links = {v.split('"')[0] for v in visible}
    assert links == {i.path for s in nav_for(role) for i in s.items}


def test_nav_entries_follow_the_permission_model() -> None:
    assert {i.path for s in nav_for(Role.viewer) for i in s.items}.isdisjoint(
        {"/planner/rules", "/planner/leave", "/planner/people", "/incidents/new", "/outbox"}
    )
    for item in NAV:
        allowed = {
            r for r in Role if item.permission is None or r in ROLE_PERMISSIONS[item.permission]
        }
        shown = {r for r in Role if any(i == item for s in nav_for(r) for i in s.items)}
        assert shown == allowed, item.path


def test_english_pages_and_unknown_roster(
    client: TestClient, session: Session, roster_id: int
) -> None:
    _sign_in(client, session, Role.planner)
    switched = client.get("/lang/en?next=/rosters", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/rosters"
    page = client.get("/rosters")
    assert '<html lang="en">' in page.text and "Generate roster" in page.text
    missing = client.get("/rosters/999999")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    api_missing = client.get("/api/v1/rosters/999999")
    assert api_missing.headers["content-type"] == "application/problem+json"
    assert client.get("/lang/xx?next=//evil", follow_redirects=False).headers["location"] == "/"


def test_roster_export_is_a_workbook(client: TestClient, session: Session, roster_id: int) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    _sign_in(client, session, Role.viewer)
    response = client.get(f"/rosters/{roster_id}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["值班表", "统计"]
    assert book["值班表"].cell(row=6, column=1).value == "带班领导"
    # the shift legend says 班次 (shifts), the totals' column 班次数 (number of shifts)
    first_column = [c.value for c in book["值班表"]["A"]]
    assert "班次" in first_column and "班次数" not in first_column
    assert [c.value for c in book["统计"][1]][:2] == ["姓名", "班次数"]


def test_a_bad_query_value_gets_an_html_page_naming_the_field(
    client: TestClient, session: Session
) -> None:
    _sign_in(client, session, Role.coordinator)
    page = client.get("/complaints?unit_id=abc")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert 'data-status="422"' in page.text and "unit_id" in page.text
    api = client.get("/api/v1/complaints?unit_id=abc")
    assert api.status_code == 422
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["errors"][0]["field"] == "unit_id"


def test_an_all_choice_in_a_filter_form_means_no_filter(
    client: TestClient, session: Session, roster_id: int
) -> None:
    """The forms' "All" option is an empty value (`status=`): no filter, never a 422."""
    _sign_in(client, session, Role.admin)
    unfiltered = {
        "/complaints": "state=open&status=&type=&domain=&unit_id=&overdue=&q=",
        "/incidents": "status=",
        "/incidents/live": "status=",
        "/warnings": "status=&level=",
        "/rosters": "unit_id=",
        "/planner/rules": "unit_id=",
    }
    for path, query in unfiltered.items():
        empty = client.get(f"{path}?{query}")
        assert empty.status_code == 200, (path, empty.text[:300])
        rows = re.findall(r"<tr data-[a-z]+=", empty.text)
        assert rows == re.findall(r"<tr data-[a-z]+=", client.get(path).text), path
    overdue_only = client.get("/complaints?state=open&status=&type=&domain=&unit_id=&overdue=true")
    assert overdue_only.status_code == 200
    assert '<option value="true" selected>' in overdue_only.text
    # a value that is neither empty nor valid is still refused, naming the field
    assert client.get("/incidents?status=nonsense").status_code == 422
    assert client.get("/complaints?overdue=maybe").status_code == 422


def test_chinese_pages_word_the_calendar_warning_and_the_handover_people(
    client: TestClient, session: Session, roster_id: int
) -> None:
    _sign_in(client, session, Role.duty_officer)
    home = client.get("/").text
    assert f"工作日历缺少 {T0.year + 1} 年的官方数据：请将" in home
    assert "No official" not in home
    handovers = client.get("/duty/log").text
    assert "<th>交班人</th><th>接班人</th>" in handovers


def test_the_duty_page_lists_the_published_duty_phones(
    client: TestClient, session: Session, roster_id: int
) -> None:
    _sign_in(client, session, Role.duty_officer)
    page = client.get("/duty").text
    listed = page[page.index('id="duty-phones"') :].split("</section>")[0]
    # the centre's duty phone first, then the district bureaus' (the demo's numbers)
    assert listed.index("受理科") < listed.index("城东区市场监督管理局")
    assert 'href="tel:+8653186012315"' in listed and "+8653186010001" in listed
    assert "信息科" not in listed  # no phone, not listed


def test_a_fragment_opened_directly_sends_the_browser_to_its_page(
    client: TestClient, session: Session, roster_id: int
) -> None:
    """The pieces the pages' scripts reload are no pages: a bookmark or a copied link to one
    lands on the page it belongs to (with the fragment's filters), styled; the script, which
    says it wants the fragment, still gets the bare piece."""
    _sign_in(client, session, Role.admin)
    data = IncidentCreate(
        title="燃气泄漏", category=Category.other, severity=Severity.III, place="城东区"
    )
    incident, _ = opening.open_incident(session, data=data, actor="coordinator", now=T0)
    incident_id = incident.id
    for address, page in (
        ("/incidents/live?status=open", "/incidents?status=open"),
        (f"/incidents/{incident_id}/live", f"/incidents/{incident_id}"),
        ("/outbox/live", "/outbox"),
        (f"/rosters/{roster_id}/progress", f"/rosters/{roster_id}"),
        ("/admin/terms/rows?q=%E9%85%92", "/admin/terms?q=%E9%85%92"),
    ):
        response = client.get(address, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, page), address
        assert "<html" in client.get(address).text, address  # the whole page, styled
        piece = client.get(address, headers={FRAGMENT_HEADER: "1"})
        assert piece.status_code == 200 and "<html" not in piece.text, address
