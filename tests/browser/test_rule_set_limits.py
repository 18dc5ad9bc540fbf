"""The administrator edits a rule set's limits on /admin/rule-sets in Chromium: the editor
opens filled with what is stored, each limit names its unit, the set in force warns what a
change does and asks first, a saved limit is shown and stored, and a limit the API refuses
is marked beside its field in the page's language with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import a11y
from tests.browser.conftest import LiveServer, shot, sign_in
from tests.browser.test_layout_and_forms import demo_items  # noqa: F401 - a fixture
from tests.browser.test_phone_journeys import _fits, _phone, _phone_inputs

BASE = "/api/v1/complaint-config/rule-sets"
pytestmark = pytest.mark.usefixtures("demo_items")


def _o121(live_server: LiveServer) -> dict[str, Any]:
    with live_server.api("admin") as api:
        return next(s for s in api.get(BASE).json() if s["code"] == "O121")


@pytest.fixture
def o121(live_server: LiveServer) -> Any:
    """Order 121's rule set, its limits put back afterwards (the server outlives the test)."""
    stored = _o121(live_server)
    yield stored
    with live_server.api("admin") as api:
        put_back = api.patch(f"{BASE}/{stored['id']}", json={"limits": stored["limits"]})
        assert put_back.is_success, put_back.text


def test_a_limit_is_edited_on_the_page_and_a_refused_one_is_marked_beside_its_field(
    open_page: Any, live_server: LiveServer, o121: dict[str, Any]
) -> None:
    page, guard = open_page()
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    sign_in(page, "admin")
    page.goto("/admin/rule-sets")
    editor_id = f"limits-edit-{o121['id']}"
    button = page.locator(f'button[data-edit="{editor_id}"]')
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    editor = page.locator(f"#{editor_id}")
    expect(editor.locator(".notice")).to_contain_text("此规则集今日正在适用")
    expect(editor.locator('input[name="limits.distribution_wd"]')).to_be_focused()
    acceptance = editor.locator('[data-field="limits.acceptance_wd"]')
    expect(acceptance.locator("input")).to_have_value("7")  # what is stored
    expect(acceptance.locator(".unit")).to_have_text("工作日")
    expect(editor.locator('[data-field="limits.order_risk_hours"] .unit')).to_have_text("小时")
    expect(editor.locator('[data-field="limits.cluster_window_days"] .unit')).to_have_text("自然日")

    acceptance.locator("input").fill("10")
    with page.expect_navigation():
        editor.locator("button[type=submit]").click()
    assert questions and "O121" in questions[0]  # asked before changing the set in force
    assert _o121(live_server)["limits"]["acceptance_wd"] == 10
    limits_table = page.locator(f'table[aria-labelledby="limits-{o121["id"]}"]')
    expect(limits_table.locator("tr", has_text="受理或不予受理")).to_contain_text("10 工作日")

    # signing for in 9 working days while the reply is due in 5: refused beside the field
    guard.allow(422)
    page.locator(f'button[data-edit="{editor_id}"]').click()
    sign_for = editor.locator('[data-field="limits.order_sign_for_wd"]')
    sign_for.locator("input").fill("9")
    editor.locator("button[type=submit]").click()
    expect(sign_for.locator(".ferror")).to_contain_text("最多 5 个工作日")
    expect(sign_for.locator("input")).to_be_focused()
    expect(sign_for.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(editor.locator(".form-status")).to_contain_text("签收")
    shot(page, "admin-rule-set-limit-refused")
    stored = _o121(live_server)["limits"]
    assert stored["order_sign_for_wd"] == 1 and stored["acceptance_wd"] == 10

    # Cancel puts the stored values back
    editor.locator("button[data-cancel]").click()
    expect(editor).to_be_hidden()
    page.locator(f'button[data-edit="{editor_id}"]').click()
    expect(sign_for.locator("input")).to_have_value("1")
    expect(sign_for.locator(".ferror")).to_have_text("")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("form", ["limits-edit", "rule-set-new"])  # edit, or copy as a new set
def test_the_open_editor_fits_a_phone_and_passes_the_accessibility_checks(
    open_page: Any, live_server: LiveServer, locale: str, form: str
) -> None:
    o121 = _o121(live_server)
    page = _phone(open_page, locale, "admin")
    page.goto("/admin/rule-sets")
    page.locator(f'button[data-edit="{form}-{o121["id"]}"]').click()
    editor = page.locator(f"#{form}-{o121['id']}")
    expect(editor).to_be_visible()
    if locale == "en":
        expect(editor.locator('[data-field="limits.order_utility_hours"]')).to_contain_text("hours")
        expect(editor.locator('[data-field="limits.due_soon_percent"] .unit')).to_have_text("%")
    _fits(page)
    _phone_inputs(editor.locator("form"), screen=page.viewport_size["width"])
    findings = a11y.structure(page, locale) + a11y.text_contrast(page)
    assert findings == [], "\n".join(findings)
    shot(page, f"phone-admin-rule-set-{form}-{locale}")
