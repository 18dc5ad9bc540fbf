"""The administration pages of complaint handling through the real app: the term dictionary
(filter, the forms the API's refusals land in, the try-it box on the intake form's endpoint),
the routing rules with the rule a new item would hit, the units' contacts and supervisors and
the rule sets' limits, in both languages, for admins only."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from complaints import config
from complaints.clocks import RuleLimits
from complaints.config_schemas import RuleSetPublic
from core.users import Role
from tests.complaint_helpers import Centre, make_centre
from tests.conftest import T0
from tests.web.test_complaint_pages import _post, _sign_in
from web.admin_complaints import InForce, in_force_periods, rule_set_in_force

BASE = "/api/v1/complaint-config"
PAGES = ("/admin/terms", "/admin/routing", "/admin/units", "/admin/rule-sets")


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _boxes(page: str, form_id: str) -> set[str]:
    """The fields (data-field) of the form with that id."""
    start = page.index(f'id="{form_id}"')
    return set(re.findall(r'data-field="([\w.]+)"', page[start : page.index("</form>", start)]))


def test_the_admin_menu_leads_to_each_page_in_both_languages(
    client: TestClient, session: Session, centre: Centre
) -> None:
    _sign_in(client, session, Role.admin)
    home = client.get("/").text
    assert "系统管理" in home and all(f'href="{path}"' in home for path in PAGES)
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200 and 'aria-current="page"' in page.text, path
    english = client.get("/lang/en?next=/admin/routing", follow_redirects=True).text
    assert "Administration" in english and "Which rule would a new item hit?" in english
    _sign_in(client, session, Role.coordinator)
    assert "/admin/terms" not in client.get("/").text
    assert client.get("/admin/terms").status_code == 403


def test_terms_are_filtered_and_their_forms_hold_every_refused_field(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.admin)
    page = client.get("/admin/terms").text
    assert "内置词" in page  # the empty dictionary says what the classifier uses
    assert 'data-classify="/api/v1/complaints/classify"' in page and 'id="dd-labels"' in page
    for body in (
        {"term": "酒店", "kind": "domain", "domain": "price", "weight": 3},
        {"term": "困梯", "kind": "emergency", "incident_category": "special_equipment"},
    ):
        assert _post(client, csrf, f"{BASE}/terms", body).status_code == 201
    refused = [
        _post(client, csrf, f"{BASE}/terms", body).json()["errors"][0]["field"]
        for body in (
            {"term": "食物 中毒", "kind": "urgent"},
            {"term": "x", "kind": "domain"},
            {"term": "y", "kind": "urgent", "severity": "I"},
            {"term": "z", "kind": "urgent", "incident_category": "other"},
            {"term": "w", "kind": "domain", "domain": "food", "weight": 0},
            {"term": "酒店", "kind": "domain", "domain": "price"},
        )
    ]
    page = client.get("/admin/terms").text
    assert set(refused) <= _boxes(page, "term-form")
    assert "酒店" in page and "困梯" in page and "特种设备" in page
    only = client.get("/admin/terms?kind=emergency&domain=").text
    assert "困梯" in only and "酒店" not in only.split('id="terms"')[1].split("</table>")[0]
    rows = client.get("/admin/terms/rows?q=酒", headers={"X-DutyDesk-Fragment": "1"}).text
    assert "酒店" in rows and "困梯" not in rows and "<html" not in rows
    assert 'data-refresh="/admin/terms/rows?q=%E9%85%92' in client.get("/admin/terms?q=酒").text


def test_the_routing_page_names_units_and_shows_the_rule_a_new_item_hits(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.admin)
    page = client.get("/admin/routing").text
    assert "城东区局" in page and "市局药品处" in page and "任意" in page
    refused = {
        _post(client, csrf, f"{BASE}/routing-rules", body).json()["errors"][0]["field"]
        for body in (
            {"unit_id": centre.east_id, "priority": 1000},  # the default rule's twin
            {"unit_id": centre.drugs.id, "overrides_territory": True},
            {"unit_id": 9999},
            {"unit_id": centre.east_id, "priority": -1},
        )
    }
    assert refused == {"priority", "domain", "unit_id"}
    assert refused <= _boxes(page, "rule-form")
    found = client.get("/admin/routing?domain=food&district=&address=城西区解放路8号").text
    answer = re.search(r'id="route-answer" data-rule="(\d+)" data-unit="(\d+)"', found)
    assert answer is not None and int(answer.group(2)) == centre.west_id
    assert f'<tr data-rule="{answer.group(1)}" class="row-hit"' in found
    assert "城西区局" in found.split('id="route-answer"')[1].split("</p>")[0]
    nothing = client.get("/admin/routing?domain=&district=城东区").text
    assert 'id="route-answer"' not in nothing


def test_units_show_their_contact_and_supervisor_and_the_form_sends_the_profile(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.admin)
    page = client.get("/admin/units").text
    east = page.split(f'<tr data-unit="{centre.east_id}" ')[1].split("</tr>")[0]
    assert "许涛" in east and "王局长" in east and "领导群" in east
    form = f'data-api="{BASE}/units/{centre.east_id}" data-method="PUT"'
    assert form in page
    body = {"contact_person_id": centre.west_contact.id, "accepts_items": True}
    sent = client.put(f"{BASE}/units/{centre.east_id}", json=body, headers={CSRF_HEADER: csrf})
    assert sent.status_code == 200 and sent.json()["supervisor_person_id"] is None
    east = client.get("/admin/units").text.split(f'<tr data-unit="{centre.east_id}" ')[1]
    assert "韩梅" in east.split("</tr>")[0]
    stop = client.put(
        f"{BASE}/units/{centre.east_id}",
        json={"accepts_items": False},
        headers={CSRF_HEADER: csrf},
    )
    assert stop.status_code == 409 and stop.json()["errors"][0]["field"] == "accepts_items"
    assert "accepts_items" in _boxes(page, f"unit-edit-{centre.east_id}")


def _admin_with_rule_sets(client: TestClient, session: Session) -> str:
    """Order 20 and Order 121 stored and an admin signed in (the CSRF token)."""
    config.ensure_default_rule_sets(session, now=T0)
    session.commit()
    return _sign_in(client, session, Role.admin)


def test_rule_sets_show_their_limits_and_which_is_in_force(
    client: TestClient, session: Session, centre: Centre
) -> None:
    _admin_with_rule_sets(client, session)
    page = client.get("/admin/rule-sets").text
    o121 = page.split("O121")[1].split("</tr>")[0]
    assert "今日适用" in o121 and "今日适用" not in page.split("O20")[1].split("</tr>")[0]
    assert "· 系统初始数据</td>" in o121  # seeded by the migration
    o20 = page.split('<h2 id="limits-')[1]
    assert '受理或不予受理（工作日）</td><td data-label="值">7 工作日<' in o20
    assert '<td data-label="值">45 工作日<' in o20  # Order 20's mediation in working days
    # each set has an editor of every limit; only the one in force warns what a change does
    sets = {s.code: s.id for s in config.list_rule_sets(session)}
    for code, rule_set_id in sets.items():
        fields = _boxes(page, f"limits-edit-{rule_set_id}")
        assert {f"limits.{name}" for name in RuleLimits.model_fields} <= fields
        editor = page.split(f'id="limits-edit-{rule_set_id}"')[1].split("</form>")[0]
        assert ("此规则集今日正在适用" in editor) is (code == "O121")
        assert ("data-confirm" in editor) is (code == "O121")
    english = client.get("/lang/en?next=/admin/rule-sets", follow_redirects=True).text
    assert "Accept or reject (working days)" in english and "in force today" in english


def test_each_rule_set_has_a_form_for_a_new_set_starting_with_its_limits(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _admin_with_rule_sets(client, session)
    sets = {s.code: s.id for s in config.list_rule_sets(session)}
    page = client.get("/admin/rule-sets").text
    for code, rule_set_id in sets.items():
        form = page.split(f'id="rule-set-new-{rule_set_id}"')[1].split("</form>")[0]
        assert 'data-api="/api/v1/complaint-config/rule-sets" data-method="POST"' in form
        assert f"以 {code} 为基础新建规则集" in form
        fields = _boxes(page, f"rule-set-new-{rule_set_id}")
        assert {"code", "name", "effective_from"} | {
            f"limits.{name}" for name in RuleLimits.model_fields
        } <= fields
    o20_copy = page.split(f'id="rule-set-new-{sets["O20"]}"')[1].split("</form>")[0]
    mediation = o20_copy.split('data-field="limits.mediation_limit"')[1].split("</label>")[0]
    assert 'value="45"' in mediation  # Order 20's limits, not Order 121's
    # what the API refuses lands beside a field of the form
    base = {"code": "O121-2027", "name": "第121号令（2027年修订）", "effective_from": "2027-01-01"}
    refused = {
        _post(client, csrf, f"{BASE}/rule-sets", body).json()["errors"][0]["field"]
        for body in (
            base | {"code": "O121"},
            base | {"name": "市场监督管理投诉举报处理办法（总局令第121号）"},
            base | {"code": "新"},
            {"code": "X", "name": "x"},
            base | {"limits": {"acceptance_wd": 0}},
        )
    }
    assert refused == {"code", "name", "effective_from", "limits.acceptance_wd"}
    assert refused <= _boxes(page, f"rule-set-new-{sets['O121']}")


@pytest.mark.parametrize(
    ("sets", "periods"),
    [
        (  # O20, then O121, then a new set from 2027: each until the next one starts
            [("2020-01-01", True), ("2026-04-15", True), ("2027-01-01", True)],
            [("2020-01-01", "2026-04-14"), ("2026-04-15", "2026-12-31"), ("2027-01-01", None)],
        ),
        (  # an inactive set times nothing and does not end the one before
            [("2020-01-01", True), ("2026-04-15", False)],
            [("2020-01-01", None), None],
        ),
        (  # two starting the same day: the later-made one is chosen
            [("2026-04-15", True), ("2026-04-15", True)],
            [None, ("2026-04-15", None)],
        ),
    ],
)
def test_the_days_each_rule_set_times(
    sets: list[tuple[str, bool]], periods: list[tuple[str, str | None] | None]
) -> None:
    rule_sets = [
        RuleSetPublic(
            id=number,
            code=f"S{number}",
            name=f"S{number}",
            effective_from=date.fromisoformat(start),
            limits=RuleLimits(),
            is_active=active,
            updated_at=T0,
            updated_by="test",
        )
        for number, (start, active) in enumerate(sets, start=1)
    ]
    expected = {
        number: None
        if period is None
        else InForce(date.fromisoformat(period[0]), period[1] and date.fromisoformat(period[1]))
        for number, period in enumerate(periods, start=1)
    }
    assert in_force_periods(rule_sets) == expected
    for day in map(date.fromisoformat, ("2020-06-01", "2026-04-15", "2026-12-31", "2027-01-01")):
        timing = [n for n, p in expected.items() if p and p.start <= day <= (p.end or date.max)]
        chosen = rule_set_in_force(rule_sets, day)  # as registration chooses
        assert timing == ([] if chosen is None else [chosen])


def test_a_new_rule_set_is_listed_with_the_days_it_times(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _admin_with_rule_sets(client, session)
    body = {"code": "O121-2027", "name": "第121号令（2027年修订）", "effective_from": "2027-01-01"}
    assert _post(client, csrf, f"{BASE}/rule-sets", body).status_code == 201
    page = client.get("/admin/rule-sets").text
    rows = {
        code: page.split(f'<td data-label="代码">{code}')[1].split("</tr>")[0]
        for code in ("O20", "O121", "O121-2027")
    }
    assert "2020-01-01 至 2026-04-14" in rows["O20"]
    assert "2026-04-15 至 2026-12-31" in rows["O121"] and "今日适用" in rows["O121"]
    assert "2027-01-01 起" in rows["O121-2027"] and "第121号令（2027年修订）" in rows["O121-2027"]
    english = client.get("/lang/en?next=/admin/rule-sets", follow_redirects=True).text
    assert "2026-04-15 to 2026-12-31" in english and "from 2027-01-01" in english
    assert "Copy O121-2027 as a new rule set" in english
