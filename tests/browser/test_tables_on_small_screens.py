"""Tables on an upright tablet, measured in Chromium: a row's controls (the outbox's reply
field, the inbox's buttons) lie inside the table's box, not beyond its edge where only a
sideways scroll finds them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET, LiveServer, shot
from tests.browser.test_layout_and_forms import demo_items  # noqa: F401 - a fixture
from tests.browser.test_phone_journeys import _fits, _log_incident, _phone

# the controls of a table that lie beyond the right (or left) edge of its box
_OUTSIDE = """(table) => {
  const box = table.getBoundingClientRect();
  const right = box.left + table.clientWidth;
  return Array.from(table.querySelectorAll('button, a, input:not([type=hidden]), select, textarea'))
    .filter((el) => el.getClientRects().length)
    .map((el) => [el.innerText || el.name, el.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left - 0.5 || r.right > right + 0.5)
    .map(([name, r]) => `${name}: ${r.left}–${r.right} in ${box.left}–${right}`);
}"""
_SCROLLS = "(el) => [el.scrollWidth, el.clientWidth]"


def _inside_its_box(page: Any, table: str) -> None:
    box = page.locator(table)
    assert box.evaluate(_OUTSIDE) == [], f"{table} on {page.url}"
    scroll, client = box.evaluate(_SCROLLS)
    assert scroll <= client, f"{table} scrolls sideways: {scroll}px in {client}px"


@pytest.mark.usefixtures("demo_items")
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_row_controls_lie_inside_the_table_on_an_upright_tablet(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    incident = _log_incident(live_server)
    page = _phone(open_page, locale, "duty_officer", TABLET)
    page.goto("/outbox")
    reply = page.locator(f'#outbox tr[data-notification]:has(a[href="/incidents/{incident}"])')
    expect(reply.locator("form.reply").first).to_be_visible()  # the dispatcher paged someone
    _inside_its_box(page, "#outbox")
    _fits(page)
    shot(page, f"tablet-outbox-{locale}")
    handler = _phone(open_page, locale, "handler", TABLET)
    handler.goto("/complaints/inbox")
    # the demo has items to sign for, to return and to reply to (a reply form with a result)
    expect(handler.locator("#inbox-table button[data-do=reply]").first).to_be_visible()
    _inside_its_box(handler, "#inbox-table")
    _fits(handler)
    shot(handler, f"tablet-inbox-{locale}")
