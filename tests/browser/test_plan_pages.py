"""The emergency-plan pages in a real browser: the administrator reaches the matrix from the
nav, opens a plan from the keyboard and reads its steps; the plan every incident falls back
to offers no deactivation and says why in the page's language, deactivating another takes
it out of force (the API agrees); a deadline and a wait edited on the page are stored, and a
refused value is marked beside its field; both pages fit a phone. In both languages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveServer, shot
from tests.browser.test_admin_pages import _admin
from tests.browser.test_phone_journeys import _fits, _phone, _phone_inputs, _tappable
from tests.browser.test_tables_on_small_screens import _cards

TEXTS = {
    "zh-CN": {
        "nav": "应急预案",
        "ladder": "值班员 → 3 分钟 → 备班值班员 → 3 分钟 →",
        "rules": "立即短信、2 分钟后语音电话",
        "kept": "目前不能停用：停用后“其他 I级 · 特别重大”事件将没有任何预案",
        "deactivated": "已停用",
        "fallback": "群体性事件 I级",
        "never": "永远不会发出",
        "national": "不能超过 120 分钟",
        "stored": "已保存",
    },
    "en": {
        "nav": "Emergency plans",
        "ladder": "Duty officer → 3 min → Backup duty officer → 3 min →",
        "rules": "SMS at once, Voice call after 2 min",
        "kept": "Cannot be deactivated now: Other I",
        "deactivated": "Deactivated",
        "fallback": "Mass event, level I",
        "never": "it would never be sent",
        "national": "At most 120 minutes",
        "stored": "Stored",
    },
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_matrix_leads_to_a_plan_that_can_be_deactivated(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page, _ = _admin(open_page, locale, "/")
    texts = TEXTS[locale]
    page.locator("nav.main").get_by_role("link", name=texts["nav"]).click()
    cells = page.locator("#plans td[data-plan]")
    expect(cells).to_have_count(20)
    food = page.locator('#plans td[data-plan="food_safety/I"]')
    expect(food).to_have_attribute("data-stored", "false")
    expect(food.locator(".plan-ladder")).to_contain_text(texts["ladder"])
    shot(page, f"admin-plans-{locale}")

    food.locator("a").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#steps > li")).to_have_count(5)
    expect(page.locator('#steps [data-step="0"] .step-rules')).to_have_text(texts["rules"])
    shot(page, f"admin-plan-{locale}")

    # every category falls back on other/I: taking it out of force is refused, so its page
    # says so instead of offering the button
    page.goto("/admin/plans/other/I")
    expect(page.locator("#plan-kept")).to_contain_text(texts["kept"])
    expect(page.locator("#plan-deactivate")).to_have_count(0)

    page.goto("/admin/plans/mass_event/II")
    with page.expect_navigation():
        page.locator("#plan-deactivate").click()
    expect(page.locator("#plan-status")).to_contain_text(texts["deactivated"])
    expect(page.locator("#plan-fallback")).to_contain_text(texts["fallback"])
    expect(page.locator("#plan-deactivate")).to_have_count(0)
    with live_server.api("viewer") as api:
        plan = api.get("/api/v1/emergency-plans/mass_event/II").json()
    assert (plan["stored"], plan["active"]) == (True, False)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_deadline_edited_on_the_page_is_stored_and_a_bad_value_marked(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page, guard = _admin(open_page, locale, "/admin/plans/special_equipment/II")
    texts = TEXTS[locale]
    form = page.locator("#plan-form")
    initial = form.locator('input[name="initial_report_minutes"]')
    expect(initial).to_have_value("15")  # the built-in default's
    initial.fill("20")
    form.locator('input[name="steps.1.wait_minutes"]').fill("4")
    with page.expect_navigation():
        initial.press("Control+Enter")
    expect(page.locator("#plan-initial")).to_contain_text("20")
    expect(page.locator("#plan-status")).to_contain_text(texts["stored"])
    with live_server.api("viewer") as api:
        plan = api.get("/api/v1/emergency-plans/special_equipment/II").json()
    assert (plan["stored"], plan["initial_report_minutes"]) == (True, 20)
    assert [s["wait_minutes"] for s in plan["steps"]][:2] == [5, 4]
    assert plan["steps"][2]["targets"] == [
        {"type": "on_duty", "role": "expert", "skill": "special_equipment"}
    ]  # the parts the editor does not show went back unchanged

    guard.allow(422)
    initial.fill("200")  # beyond TZ50's 2 hours
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="initial_report_minutes"] .ferror')).to_contain_text(
        texts["national"]
    )
    expect(initial).to_have_attribute("aria-invalid", "true")
    expect(initial).to_be_focused()
    with live_server.api("viewer") as api:
        plan = api.get("/api/v1/emergency-plans/special_equipment/II").json()
    assert plan["initial_report_minutes"] == 20 and plan["version"] == 1
    initial.fill("20")
    wait = form.locator('input[name="steps.1.wait_minutes"]')
    wait.fill("2")  # the voice call after 2 minutes would never fire
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="steps.1"] > .ferror')).to_contain_text(texts["never"])
    expect(wait).to_have_attribute("aria-invalid", "true")
    shot(page, f"admin-plan-refused-{locale}")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_plan_pages_fit_a_phone(open_page: Any, live_server: LiveServer, locale: str) -> None:
    page = _phone(open_page, locale, "admin")
    page.goto("/admin/plans")
    _cards(page, "#plans", "tr[data-category]")
    _tappable(page.locator('#plans td[data-plan="other/IV"] a'), screen=PHONE["viewport"]["width"])
    shot(page, f"phone-admin-plans-{locale}")
    page.goto("/admin/plans/other/IV")
    _fits(page)
    _tappable(page.locator("#plan-deactivate"), screen=PHONE["viewport"]["width"])
    _phone_inputs(page.locator("#plan-form"), screen=PHONE["viewport"]["width"])
    shot(page, f"phone-admin-plan-{locale}")
