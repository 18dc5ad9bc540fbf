"""A handling unit's group is picked from the groups a supervision notice reaches (the
configured group webhooks and the leadership group), not typed: the demo configures none, so
the leadership group is the one offered."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlmodel import select

from oncall.models import Unit
from tests.browser.conftest import LiveServer, sign_in


def test_a_units_group_is_picked_from_the_configured_ones(
    open_page: Any, live_server: LiveServer
) -> None:
    with live_server.session() as session:
        unit = session.exec(select(Unit).where(Unit.code == "d-chengxi")).one().id
    page, _ = open_page()
    sign_in(page, "admin")
    page.goto("/admin/units")
    page.locator(f'tr[data-unit="{unit}"] button[data-edit]').click()
    group = page.locator(f'#unit-edit-{unit} select[name="supervisor_group"]')
    expect(group.locator("option")).to_have_text(["—", "领导群"])
    group.select_option(label="领导群")
    with page.expect_navigation():
        page.locator(f'#unit-edit-{unit} button[type="submit"]').click()
    expect(page.locator(f'tr[data-unit="{unit}"] td[data-label="群组"]')).to_have_text("领导群")
