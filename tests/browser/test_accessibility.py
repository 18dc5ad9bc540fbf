"""Accessibility of the daily pages, as a keyboard or screen-reader user meets them: contrast
of text and focus rings (WCAG 2.1 AA, computed from the applied styles), labels, header cells,
headings and landmarks, field errors tied to their fields, and live regions that announce what
arrives politely while the focus stays where the user left it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_field_errors_describe_their_field_and_focus_the_first_in_the_form(
    open_page: Any,
) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    form = page.locator("#complaint-form")
    page.fill('textarea[name="description"]', "超市出售过期牛奶，要求退货。")
    page.locator('textarea[name="description"]').press("Control+Enter")
    # the claim is the first marked field of the form (the API names the submitter first)
    claim = form.locator('textarea[name="claim"]')
    expect(claim).to_be_focused()
    expect(claim).to_have_attribute("aria-invalid", "true")
    expect(claim).to_have_accessible_description(
        form.locator('[data-field="claim"] .ferror').inner_text()
    )
    name = form.locator('input[name="submitter_name"]')
    expect(name).to_have_accessible_description(
        form.locator('[data-field="submitter_name"] .ferror').inner_text()
    )
    page.fill('textarea[name="claim"]', "退货退款")
    claim.press("Control+Enter")  # corrected: its error and description go
    expect(form.locator('input[name="submitter_name"]')).to_be_focused()
    expect(claim).not_to_have_attribute("aria-invalid", "true")
    expect(claim).to_have_accessible_description("")
