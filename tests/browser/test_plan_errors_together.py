"""The plan editor marks every wrong field of one submission at once (the server names each
of them in one 422), not one after another; nothing is stored."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_admin_pages import _admin


def test_every_wrong_field_of_the_plan_editor_is_marked_at_once(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = _admin(open_page, "zh-CN", "/admin/plans/special_equipment/II")
    guard.allow(422)
    form = page.locator("#plan-form")
    initial = form.locator('input[name="initial_report_minutes"]')
    initial.fill("200")  # beyond TZ50's 2 hours
    wait = form.locator('input[name="steps.1.wait_minutes"]')
    wait.fill("2")  # the voice call after 2 minutes would never fire
    repeat = form.locator('input[name="steps.2.repeat"]')
    repeat.fill("99")  # at most 10 extra rounds
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="initial_report_minutes"] .ferror')).to_contain_text(
        "不能超过 120 分钟"
    )
    expect(form.locator('[data-field="steps.1"] > .ferror')).to_contain_text("永远不会发出")
    expect(form.locator('[data-field="steps.2.repeat"] .ferror')).to_contain_text("10")
    for box in (initial, wait, repeat):
        expect(box).to_have_attribute("aria-invalid", "true")
    expect(initial).to_be_focused()  # the first marked field in the form's order
    expect(form.locator(".form-status")).to_contain_text("初报时限")
    with live_server.api("viewer") as api:
        plan = api.get("/api/v1/emergency-plans/special_equipment/II").json()
    assert plan["stored"] is False and plan["initial_report_minutes"] == 15
