"""My duty's "how to reach me" form in a real browser: without own rules it shows the steps'
default rules the page's text describes (SMS at once, a voice call after 2 minutes), and one
channel chosen twice is refused beside the field in Chinese, nothing saved."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, sign_in


def test_the_reach_form_shows_the_rules_in_force_and_words_its_refusal(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "duty_officer")
    page.goto("/duty")
    form = page.locator("#reach-form")
    expect(form.locator('select[name="rules.0.kind"]')).to_have_value("sms")
    expect(form.locator('input[name="rules.0.after_minutes"]')).to_have_value("0")
    expect(form.locator('select[name="rules.1.kind"]')).to_have_value("voice")
    expect(form.locator('input[name="rules.1.after_minutes"]')).to_have_value("2")

    form.locator('select[name="rules.1.kind"]').select_option("sms")
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="rules.1.kind"] .ferror')).to_have_text(
        "上面已选择此方式：请选择另一种方式，或将延后分钟留空"
    )
    page.reload()  # nothing was saved: the page still shows the default rules
    expect(page.locator('#reach-form select[name="rules.1.kind"]')).to_have_value("voice")
    expect(page.locator("#reach-reset")).to_have_count(0)
