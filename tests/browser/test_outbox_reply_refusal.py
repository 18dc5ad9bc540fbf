"""A reply of spaces only typed in the outbox is refused and marked on the reply box (the
server names every problem of the reply at once), instead of being sent as an unreadable
SMS answer; the page stays as it was."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_accessibility import _incident


def test_a_blank_reply_in_the_outbox_is_marked_required(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _incident(live_server, "电梯困人", "special_equipment", "南关路8号")
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "coordinator")
    page.goto("/outbox")
    reply = page.locator(f'tr:has(a[href="/incidents/{incident}"]) form.reply').first
    body = reply.locator('input[name="body"]')
    body.fill("   ")
    body.press("Enter")
    expect(reply.locator(".ferror")).to_have_text("必填")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(reply.locator(".form-status")).to_have_text("请修改标出的字段：回复")
    expect(page.locator("#outbox-answer")).to_be_hidden()
