"""The administrator adds a rule set on /admin/rule-sets in Chromium, as a change in the law
asks: Order 121's set copied as a new one starting on a later day, one limit changed in the
same form; the list then shows it and which set times items received on which days. A name
another set has is refused beside the field in the page's language with nothing stored, and
the copy, a mistake after all, is removed again. (The open form on a phone:
test_rule_set_limits.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import col, delete

from complaints.config_models import ComplaintRuleSet
from tests.browser.conftest import LiveServer, shot, sign_in
from tests.browser.test_layout_and_forms import demo_items  # noqa: F401 - a fixture
from tests.browser.test_rule_set_limits import BASE, _o121

pytestmark = pytest.mark.usefixtures("demo_items")
CODES = ("O121-2030", "O121-2031")


def _stored(live_server: LiveServer) -> list[dict[str, Any]]:
    with live_server.api("admin") as api:
        return list(api.get(BASE).json())


@pytest.fixture
def new_codes(live_server: LiveServer) -> Iterator[tuple[str, ...]]:
    """The codes the test may create, removed afterwards (the server outlives the test, which
    may stop before it removes them)."""
    yield CODES
    with live_server.session() as session:
        session.exec(delete(ComplaintRuleSet).where(col(ComplaintRuleSet.code).in_(CODES)))  # type: ignore[call-overload]
        session.commit()


def test_a_rule_set_copied_from_order_121_with_one_limit_changed_is_listed(
    open_page: Any, live_server: LiveServer, new_codes: tuple[str, ...]
) -> None:
    o121 = _o121(live_server)
    page, guard = open_page()
    sign_in(page, "admin")
    page.goto("/admin/rule-sets")
    copy_id = f"rule-set-new-{o121['id']}"
    button = page.locator(f'button[data-edit="{copy_id}"]')
    expect(button).to_have_text("复制为新规则集")
    button.click()
    form = page.locator(f"#{copy_id} form")
    expect(form.locator('input[name="code"]')).to_be_focused()
    acceptance = form.locator('input[name="limits.acceptance_wd"]')
    expect(acceptance).to_have_value(str(o121["limits"]["acceptance_wd"]))  # Order 121's
    form.locator('input[name="code"]').fill(new_codes[0])
    form.locator('input[name="name"]').fill("第121号令（2030年修订）")
    form.locator('input[name="effective_from"]').fill("2030-01-01")
    acceptance.fill("5")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    created = next(s for s in _stored(live_server) if s["code"] == new_codes[0])
    assert created["effective_from"] == "2030-01-01" and created["is_active"] is True
    assert created["limits"] == o121["limits"] | {"acceptance_wd": 5}
    rows = page.locator("#rule-sets tbody tr")
    new_row = rows.filter(has_text=new_codes[0])
    expect(new_row).to_contain_text("第121号令（2030年修订）")
    expect(new_row.locator("[data-in-force]")).to_have_text("2030-01-01 起")
    old_row = page.locator(f'#rule-sets tr[data-rule-set="{o121["id"]}"]')
    expect(old_row.locator("[data-in-force]")).to_have_text("2026-04-15 至 2029-12-31")
    expect(old_row).to_contain_text("今日适用")  # today's items still follow Order 121
    limits = page.locator(f'table[aria-labelledby="limits-{created["id"]}"]')
    expect(limits.locator("tr", has_text="受理或不予受理")).to_contain_text("5 工作日")

    # a name another set has is refused beside the field, and nothing is stored
    guard.allow(409)
    page.locator(f'button[data-edit="{copy_id}"]').click()
    form.locator('input[name="code"]').fill(new_codes[1])
    form.locator('input[name="name"]').fill("第121号令（2030年修订）")
    form.locator('input[name="effective_from"]').fill("2031-01-01")
    form.locator("button[type=submit]").click()
    name = form.locator('[data-field="name"]')
    expect(name.locator(".ferror")).to_have_text("已被使用")
    expect(name.locator("input")).to_be_focused()
    expect(name.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".form-status")).to_contain_text("规则集名称")
    shot(page, "admin-rule-set-new-refused")
    assert new_codes[1] not in {s["code"] for s in _stored(live_server)}

    # the copy was a mistake: removed (with the dialog's yes), Order 121 times 2030 again
    remove = new_row.locator('button[data-method="DELETE"]')
    expect(remove).to_have_attribute("aria-label", f"删除 {new_codes[0]}")
    expect(old_row.locator('button[data-method="DELETE"]')).to_have_count(0)  # in force
    shot(page, "admin-rule-set-removable")
    with page.expect_navigation():
        remove.click()
    expect(rows.filter(has_text=new_codes[0])).to_have_count(0)
    expect(old_row.locator("[data-in-force]")).to_have_text("2026-04-15 起")
    assert new_codes[0] not in {s["code"] for s in _stored(live_server)}
