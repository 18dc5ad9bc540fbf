"""The emergency-plan pages: the category × severity matrix (stored or built-in default, active
or not, the deadlines, the ladder in one line) and one plan's steps in words, in both
languages; the wording of targets, waits and rules (web.plan_words)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from escalation import plans
from escalation.models import Category
from escalation.plan_checks import plan_from_parts
from escalation.policy import PolicyError, Severity
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.factories import make_person, make_skill, make_unit
from web import field_errors
from web.i18n import translations
from web.plan_words import PlanWords
from web.render import label_text

DUTY = {"type": "on_duty", "role": "duty_officer"}


def _sign_in(client: TestClient, session: Session, *, english: bool = False) -> None:
    make_user(session, role=Role.admin, username="plan-admin")
    client.post("/login", data={"username": "plan-admin", "password": TEST_PASSWORD})
    if english:
        client.cookies.set("dutydesk_lang", "en")


def _words(locale: str, people: dict[int, str] | None = None) -> PlanWords:
    catalogue = translations(locale)
    return PlanWords(
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        skills={"food": "食品" if locale == "zh_CN" else "food"},
        people=people or {},
    )


def _steps(person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "targets": [{"type": "on_duty", "role": "duty_officer"}],
            "wait_minutes": 3,
            "rules": [{"kind": "voice", "after_minutes": 2}, {"kind": "sms", "after_minutes": 0}],
            "broadcast_groups": ["leadership"],
        },
        {"targets": [{"type": "on_duty", "role": "duty_backup"}], "wait_minutes": 5, "repeat": 2},
        {
            "targets": [
                {"type": "on_duty", "role": "expert", "skill": "food"},
                {"type": "person", "person_id": person_id},
                {"type": "group", "group": "leadership"},
            ],
            "wait_minutes": 10,
        },
    ]


def _store(session: Session, person_id: int, **overrides: Any) -> None:
    body: dict[str, Any] = {
        "name": "河南食品安全I级",
        "steps": _steps(person_id),
        "initial_report_minutes": 15,
        "written_report_minutes": 35,
    } | overrides
    plans.replace(
        session,
        category=Category.food_safety,
        severity=Severity.I,
        groups=plans.known_groups([]),
        actor="test",
        now=T0,
        **body,
    )


def _store_food_plan(session: Session) -> int:
    """Food safety I stored with its steps naming 李秀英 and the food expert; her id."""
    make_skill(session, "food", name_zh="食品")
    person = make_person(session, unit=make_unit(session), name="李秀英")
    assert person.id is not None
    _store(session, person.id)
    return person.id


def test_the_ladder_reads_as_one_line_in_both_languages() -> None:
    steps = _steps(7)
    assert _words("zh_CN", {7: "李秀英"}).summary(steps) == (
        "值班员 → 3 分钟 → 备班值班员 → 5 分钟 × 3 → 食品专家、李秀英、领导群"
    )
    assert _words("en").summary(steps) == (
        "Duty officer → 3 min → Backup duty officer → 5 min × 3 → "
        "food expert, person 7, Leadership group"
    )
    assert _words("en").rules(steps[0]) == "SMS at once, Voice call after 2 min"
    assert _words("zh_CN").rules(steps[0]) == "立即短信、2 分钟后语音电话"


def test_the_matrix_shows_every_plan_stored_or_default(
    client: TestClient, session: Session
) -> None:
    _store_food_plan(session)
    _sign_in(client, session)
    page = html.unescape(client.get("/admin/plans").text)
    assert page.count("data-plan=") == len(Category) * len(Severity)
    stored = page.split('data-plan="food_safety/I"', 1)[1].split("</td>", 1)[0]
    assert 'data-stored="true" data-active="true"' in stored
    assert 'href="/admin/plans/food_safety/I"' in stored and "河南食品安全I级" in stored
    assert "已保存" in stored and "初报 15 分钟，书面报告 35 分钟" in stored
    assert "值班员 → 3 分钟 → 备班值班员 → 5 分钟 × 3 → 食品专家、李秀英、领导群" in stored
    default = page.split('data-plan="drug_safety/III"', 1)[1].split("</td>", 1)[0]
    assert 'data-stored="false" data-active="true"' in default
    assert "药品安全 III级" in default and "内置默认" in default
    assert "→ 10 分钟 →" in default  # the built-in III ladder waits 10 min a rung
    assert 'href="/admin/plans"' in page  # in the Administration nav


def test_a_plan_page_words_its_steps_and_offers_deactivate(
    client: TestClient, session: Session
) -> None:
    _store_food_plan(session)
    _sign_in(client, session, english=True)
    page = html.unescape(client.get("/admin/plans/food_safety/I").text)
    assert "<h1>河南食品安全I级</h1>" in page
    steps = page.split('id="steps"', 1)[1].split("</ol>", 1)[0]
    assert steps.count("data-step=") == 3
    assert "SMS at once, Voice call after 2 min" in steps
    assert "Leadership group" in steps.split('data-step="1"', 1)[0]  # step 1 also tells it
    assert "3 rounds before climbing" in steps
    assert "food expert, 李秀英, Leadership group" in steps
    assert 'data-action="/api/v1/emergency-plans/food_safety/I/deactivate"' in page


def test_an_inactive_plan_says_which_plan_stands_in(client: TestClient, session: Session) -> None:
    plans.deactivate(
        session, category=Category.mass_event, severity=Severity.II, actor="test", now=T0
    )
    _sign_in(client, session)
    matrix = html.unescape(client.get("/admin/plans").text)
    cell = matrix.split('data-plan="mass_event/II"', 1)[1].split("</td>", 1)[0]
    assert 'data-stored="true" data-active="false"' in cell and "已停用" in cell
    page = html.unescape(client.get("/admin/plans/mass_event/II").text)
    fallback = page.split('id="plan-fallback"', 1)[1].split("</p>", 1)[0]
    assert "群体性事件 I级" in fallback  # the category's more severe plan
    assert "/deactivate" not in page


def test_a_plan_no_kind_of_incident_can_do_without_offers_no_deactivate(
    client: TestClient, session: Session
) -> None:
    """Other I stands in for every level-I plan: deactivating it is always refused, so its
    page says why instead of offering a button the API would refuse."""
    _sign_in(client, session)
    kept = html.unescape(client.get("/admin/plans/other/I").text)
    assert "/deactivate" not in kept
    said = kept.split('id="plan-kept"', 1)[1].split("</p>", 1)[0]
    assert "目前不能停用" in said and "其他 I级" in said
    page = client.get("/admin/plans/other/II").text  # Other I stands in for it
    assert 'data-action="/api/v1/emergency-plans/other/II/deactivate"' in page
    assert 'id="plan-kept"' not in page
    client.cookies.set("dutydesk_lang", "en")
    english = html.unescape(client.get("/admin/plans/other/I").text)
    assert "Cannot be deactivated now: Other I" in english


def test_an_unknown_category_is_a_page_not_a_crash(client: TestClient, session: Session) -> None:
    _sign_in(client, session)
    response = client.get("/admin/plans/weather/I")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")


def test_the_editor_is_prefilled_with_the_whole_plan(client: TestClient, session: Session) -> None:
    person_id = _store_food_plan(session)
    _sign_in(client, session)
    page = client.get("/admin/plans/food_safety/I").text
    form = page.split('id="plan-form"', 1)[1].split("</form>", 1)[0]
    assert 'data-api="/api/v1/emergency-plans/food_safety/I" data-method="PUT"' in form
    assert 'name="initial_report_minutes" type="number" value="15"' in form
    assert 'name="steps.1.repeat" type="number" value="2"' in form
    assert 'data-field="steps.2.wait_minutes"' in form
    # the parts the editor does not change go back as they are
    hidden = dict(re.findall(r'name="(steps\.\d\.\w+)" value="([^"]*)" data-type="json"', form))
    assert [json.loads(html.unescape(hidden[f"steps.{i}.targets"])) for i in range(3)] == [
        [{"type": "on_duty", "role": "duty_officer", "skill": None}],
        [{"type": "on_duty", "role": "duty_backup", "skill": None}],
        [
            {"type": "on_duty", "role": "expert", "skill": "food"},
            {"type": "person", "person_id": person_id},
            {"type": "group", "group": "leadership"},
        ],
    ]
    assert json.loads(html.unescape(hidden["steps.0.broadcast_groups"])) == ["leadership"]


@pytest.mark.parametrize(
    ("overrides", "field", "chinese"),
    [
        (
            {"steps": [{"targets": [DUTY], "wait_minutes": 0}]},
            "steps[0].wait_minutes",
            "不能小于 1",
        ),
        (
            {"steps": [{"targets": [DUTY], "wait_minutes": 2}]},
            "steps[0].rules[1].after_minutes",
            "永远不会发出",
        ),
        (
            {"steps": [{"targets": [DUTY], "wait_minutes": 2000}]},
            "steps[0].wait_minutes",
            "不能大于 1440",
        ),
        ({"initial_report_minutes": 200}, "initial_report_minutes", "不能超过 120 分钟"),
        ({"written_report_minutes": 5}, "written_report_minutes", "不能早于初报时限"),
    ],
)
def test_a_refused_plan_value_is_worded_for_the_field(
    overrides: dict[str, Any], field: str, chinese: str
) -> None:
    """The refusals of escalation.plan_checks as the page's script words them (their reasons,
    else their types and values, field_errors.texts): each in Chinese, none left in English."""
    body: dict[str, Any] = {
        "name": "特种设备I级",
        "steps": [{"targets": [DUTY], "wait_minutes": 3}],
        "initial_report_minutes": 15,
        "written_report_minutes": 30,
    } | overrides
    with pytest.raises(PolicyError) as refused:
        plan_from_parts(category="special_equipment", severity=Severity.I, **body)
    assert refused.value.field == field
    worded = _worded(refused.value, field_errors.texts("zh_CN"))
    assert worded is not None and chinese in worded


def _worded(error: PolicyError, texts: dict[str, Any]) -> str | None:
    """What app/problems.js's errorText makes of the error: its reason, else its type with `ctx`."""
    if error.reason in texts["reasons"]:
        return str(texts["reasons"][error.reason])
    if error.type in texts["types"]:
        return str(texts["types"][error.type]) % dict(error.ctx or {})
    return None
