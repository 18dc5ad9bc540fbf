"""The emergency-plan pages in a real browser: the administrator reaches the matrix from the
nav, opens a plan from the keyboard and reads its steps; deactivating the plan every incident
falls back to is refused beside the button in the page's language, deactivating another takes
it out of force (the API agrees); both pages fit a phone. In both languages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveServer, shot
from tests.browser.test_admin_pages import _admin
from tests.browser.test_phone_journeys import _fits, _phone, _tappable
from tests.browser.test_tables_on_small_screens import _cards

TEXTS = {
    "zh-CN": {
        "nav": "应急预案",
        "ladder": "值班员 → 3 分钟 → 备班值班员 → 3 分钟 →",
        "rules": "立即短信、2 分钟后语音电话",
        "refused": "将有一类事件没有任何预案",
        "deactivated": "已停用",
        "fallback": "群体性事件 I级",
    },
    "en": {
        "nav": "Emergency plans",
        "ladder": "Duty officer → 3 min → Backup duty officer → 3 min →",
        "rules": "SMS at once, Voice call after 2 min",
        "refused": "other/I incidents would have no plan",
        "deactivated": "Deactivated",
        "fallback": "Mass event, level I",
    },
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_matrix_leads_to_a_plan_that_can_be_deactivated(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page, guard = _admin(open_page, locale, "/")
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

    # every category falls back on other/I: taking it out of force is refused
    guard.allow(409)
    page.goto("/admin/plans/other/I")
    page.locator("#plan-deactivate").click()  # the dialog says yes
    expect(page.locator(".action-status")).to_contain_text(texts["refused"])
    with live_server.api("viewer") as api:
        assert api.get("/api/v1/emergency-plans/other/I").json()["active"] is True

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
def test_the_plan_pages_fit_a_phone(open_page: Any, live_server: LiveServer, locale: str) -> None:
    page = _phone(open_page, locale, "admin")
    page.goto("/admin/plans")
    _cards(page, "#plans", "tr[data-category]")
    _tappable(page.locator('#plans td[data-plan="other/IV"] a'), screen=PHONE["viewport"]["width"])
    shot(page, f"phone-admin-plans-{locale}")
    page.goto("/admin/plans/other/IV")
    _fits(page)
    _tappable(page.locator("#plan-deactivate"), screen=PHONE["viewport"]["width"])
    shot(page, f"phone-admin-plan-{locale}")
