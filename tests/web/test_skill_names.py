"""The planner's pages name skills in the page's language, not by their codes (the people
list, its skills' tooltips, the demand table and the explanation of an infeasible roster),
the rules page words the forbidden successions by the shifts' names, and a shift's name is
not headed as a person's."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall import demand, planning
from oncall.models import Unit
from oncall.roster_models import DemandCreate, ShiftType
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import infeasible_roster
from web.i18n import LANG_COOKIE


def test_skills_are_named_in_the_pages_language(client: TestClient, session: Session) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    night = session.exec(
        select(ShiftType).where(ShiftType.unit_id == unit.id, ShiftType.code == "night")
    ).one()
    demand.add_demand(
        session,
        unit_id=unit.id or 0,
        data=DemandCreate(shift_type_id=night.id or 0, skill="cosmetics", minimum=1, preferred=1),
        actor="test",
        now=T0,
    )
    message = "2027-01-04 night needs 3 cosmetics people, only 1 available (林娜 年休假)"
    absent = [{"person": "0", "name": "林娜", "why": "leave", "reason": "年休假"}]
    values = {"day": "2027-01-04", "shift": "night", "minimum": 3, "available": 1}
    item = {
        "rule": "minimum_cover",
        "people_short": 2,
        "message": message,
        "key": "cover",
        "values": values | {"skill": "cosmetics", "absent": absent},
    }
    roster = infeasible_roster(
        session, unit_id=unit.id or 0, start=date(2027, 1, 4), explanation=[item]
    )
    make_user(session, role=Role.admin, username="skills-admin")
    client.post("/login", data={"username": "skills-admin", "password": TEST_PASSWORD})
    pages = {
        "people": "/planner/people",
        "demand": f"/planner/rules?unit_id={unit.id}",
        "explanation": f"/rosters/{roster.id}",
    }
    for lang, special, cosmetics in (
        ("zh_CN", "特种设备", "化妆品"),
        ("en", "Special equipment", "Cosmetics"),
    ):
        client.cookies.set(LANG_COOKIE, lang)
        people = client.get(pages["people"]).text
        row = people.split(">张伟</td>", 1)[1].split("</tr>", 1)[0]
        assert f'<span class="tag">{special}</span>' in row and "special_equipment" not in row
        table = client.get(pages["demand"]).text.split('id="demand"', 1)[1].split("</table>")[0]
        shown = re.sub(r"<[^>]*>", " ", table)  # the texts, not the forms' option values
        assert f">{cosmetics}</td>" in table and "cosmetics" not in shown
        explained = client.get(pages["explanation"]).text.split('id="explanation"', 1)[1]
        assert cosmetics in explained.split("</section>", 1)[0]


def test_the_skills_tooltips_name_the_skill_not_its_code(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    make_user(session, role=Role.planner, username="skills-planner")
    client.post("/login", data={"username": "skills-planner", "password": TEST_PASSWORD})
    page = client.get("/planner/people").text
    skills = page.split("<h2>专长</h2>", 1)[1].split("</p>", 1)[0]
    tips = dict(re.findall(r'<span class="tag" data-skill="(\w+)" title="([^"]*)"', skills))
    assert tips["special_equipment"] == "特种设备 · Special equipment"
    assert len(tips) == skills.count('class="tag"')  # every skill, none titled by its code


def test_the_forbidden_successions_are_worded_by_the_shifts_names(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    rules = planning.get_rules(session, unit_id=unit.id)
    rules.forbidden_successions = [("night", "day"), ("night", "backup")]
    planning.set_rules(session, unit_id=unit.id, rules=rules, actor="test", now=T0)
    make_user(session, role=Role.planner, username="rules-planner")
    client.post("/login", data={"username": "rules-planner", "password": TEST_PASSWORD})
    for lang, expected in (
        ("zh_CN", "现行禁止：夜班次日接白班、夜班次日接备班（二线）。"),
        (
            "en",
            "Forbidden now: 夜班 followed the next day by 白班, "
            "夜班 followed the next day by 备班（二线）.",
        ),
    ):
        client.cookies.set(LANG_COOKIE, lang)
        page = client.get(f"/planner/rules?unit_id={unit.id}").text
        box = page.split('data-field="forbidden_successions"', 1)[1].split("</label>", 1)[0]
        hint = box.split('id="succession-hint"', 1)[1]
        now = re.search(r'data-successions="([^"]*)">([^<]*)</span>', hint)
        assert now is not None and now.groups() == ("night&gt;day night&gt;backup", expected)
        label = re.sub(r"<[^>]*>", "", box.split("</span>", 1)[0])
        assert "night" not in label and "night" not in re.sub(r"<[^>]*>", "", hint)
        assert "night>day\nnight>backup" in box  # the codes the form sends stay in the box


def test_the_shift_types_table_names_a_shift_not_a_person(
    client: TestClient, session: Session
) -> None:
    page = _demo_rules_page(client, session)
    table = page.split('id="shift-types"', 1)[1].split("</thead>", 1)[0]
    form = page.split('id="shift-form"', 1)[1].split("</form>", 1)[0]
    for part in (table, form):
        assert "班次名称" in part and "姓名" not in part  # 姓名 is a person's name


def test_the_rest_between_shifts_shows_whole_hours_as_whole(
    client: TestClient, session: Session
) -> None:
    page = _demo_rules_page(client, session)
    box = page.split('name="min_rest_hours"', 1)[1].split(">", 1)[0]
    assert 'value="11"' in box  # the demo's 11 h, not "11.0"


def _demo_rules_page(client: TestClient, session: Session) -> str:
    """The demo centre's rules page, as a planner sees it."""
    demo.seed(session, now=T0)
    make_user(session, role=Role.planner, username="rules-planner")
    client.post("/login", data={"username": "rules-planner", "password": TEST_PASSWORD})
    return client.get("/planner/rules").text
