"""The administrator's pages in a real browser: a user created on the users page signs in; a
change the API refuses is shown beside its field; a calendar override entered and removed
changes the day's kind on the page and in GET /api/v1/calendar/days; both pages fit a phone
(the users table a card per row). In both languages, from the keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveServer, shot, sign_in
from tests.browser.test_phone_journeys import _fits, _phone, _tappable
from tests.browser.test_tables_on_small_screens import _cards

TEXTS = {
    "zh-CN": {
        "own": "不能停用自己的账号",
        "own_role": "不能修改自己的角色",
        "used": "已被使用",
        "no_role": "必填",
        "estimated": "估算",
    },
    "en": {
        "own": "You cannot deactivate your own account",
        "own_role": "You cannot change your own role",
        "used": "Already used",
        "no_role": "Required",
        "estimated": "estimated",
    },
}


def _admin(open_page: Any, locale: str, path: str, **device: Any) -> tuple[Any, Any]:
    page, guard = open_page(locale, **device)
    if locale == "en":
        page.goto("/lang/en?next=/login")
    sign_in(page, "admin")
    page.goto(path)
    return page, guard


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_user_created_on_the_page_signs_in(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page, _ = _admin(open_page, locale, "/admin/users")
    form = page.locator("#user-form")
    form.locator('input[name="username"]').focus()
    page.keyboard.type("new.officer")
    page.keyboard.press("Tab")
    page.keyboard.type("新值班员")
    page.keyboard.press("Tab")
    form.locator('select[name="role"]').select_option("duty_officer")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-first-password")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    row = page.locator("#users tr[data-user]", has_text="new.officer")
    expect(row).to_be_visible()
    assert "a-long-first-password" not in page.content()
    newcomer, _ = open_page(locale)
    sign_in(newcomer, "new.officer", "a-long-first-password")
    expect(newcomer).to_have_url(f"{live_server.url}/duty")
    page.reload()
    expect(row.locator("td").nth(5)).not_to_have_text("—")  # the sign-in just made


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_refused_change_is_shown_beside_its_field(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page, guard = _admin(open_page, locale, "/admin/users")
    guard.allow(409, 422)
    texts = TEXTS[locale]
    form = page.locator("#user-form")
    form.locator('input[name="username"]').fill("planner")
    form.locator('input[name="password"]').fill("a-long-first-password")
    form.locator('button[type="submit"]').click()  # no role chosen yet: none is assumed
    expect(form.locator('[data-field="role"] .ferror')).to_have_text(texts["no_role"])
    form.locator('select[name="role"]').select_option("viewer")
    form.locator('button[type="submit"]').click()
    username = form.locator('[data-field="username"]')
    expect(username.locator(".ferror")).to_have_text(texts["used"])
    expect(form.locator('input[name="username"]')).to_be_focused()
    own = page.locator("#users tr[data-user]", has=page.locator("span.tag")).first
    own.locator('form button[type="submit"]').click()  # Deactivate (the dialog says yes)
    expect(own.locator('[data-field="is_active"] .ferror')).to_contain_text(texts["own"])
    own.locator("button[data-edit]").click()
    editor = page.locator(f"#user-edit-{own.get_attribute('data-user')}")
    editor.locator('select[name="role"]').select_option("planner")
    editor.locator("form").first.locator('button[type="submit"]').click()
    role = editor.locator('[data-field="role"]')
    expect(role.locator(".ferror")).to_contain_text(texts["own_role"])
    with live_server.api("admin") as api:
        me = api.get("/api/v1/auth/me").json()
        mine = api.get(f"/api/v1/users/{me['id']}").json()
        assert (mine["is_active"], mine["role"]) == (True, "admin")
    shot(page, f"admin-users-refused-{locale}")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_override_changes_the_days_kind_and_is_removed_again(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    # test dates in 2028, a year nobody has official data for: not a guess at a notice
    page, _ = _admin(open_page, locale, "/admin/calendar?year=2028")
    monday = page.locator('td[data-day="2028-03-06"]')
    expect(monday).to_have_attribute("data-kind", "workday")
    expect(monday).to_have_attribute("data-source", "estimated")
    form = page.locator("#override-form")
    form.locator('input[name="start"]').fill("2028-03-06")
    form.locator('input[name="end"]').fill("2028-03-07")
    form.locator('select[name="working"]').select_option("false")
    form.locator('input[name="note"]').fill("test rest days")
    with page.expect_navigation():
        form.locator('input[name="note"]').press("Control+Enter")
    for day in ("2028-03-06", "2028-03-07"):
        cell = page.locator(f'td[data-day="{day}"]')
        expect(cell).to_have_attribute("data-kind", "holiday")
        expect(cell).to_have_attribute("data-source", "override")
    expect(page.locator('#overrides tr[data-override="2028-03-06"]')).to_contain_text(
        "test rest days"
    )
    with live_server.api("viewer") as api:
        days = api.get("/api/v1/calendar/days?start=2028-03-06&end=2028-03-07").json()
    assert [(d["kind"], d["source"], d["note"]) for d in days] == [
        ("holiday", "override", "test rest days")
    ] * 2
    shot(page, f"admin-calendar-{locale}")
    remove = page.locator('#overrides tr[data-override="2028-03-06"] button[data-action]')
    remove.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(monday).to_have_attribute("data-kind", "workday")
    expect(monday).to_have_attribute("data-source", "estimated")
    expect(monday).to_contain_text(TEXTS[locale]["estimated"])
    with live_server.api("viewer") as api:
        days = api.get("/api/v1/calendar/days?start=2028-03-06&end=2028-03-07").json()
    assert [d["kind"] for d in days] == ["workday", "holiday"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_admin_pages_fit_a_phone(open_page: Any, live_server: LiveServer, locale: str) -> None:
    page = _phone(open_page, locale, "admin")
    page.goto("/admin/users")
    _cards(page, "#users", "tr[data-user]")
    width = PHONE["viewport"]["width"]
    _tappable(page.locator("#users tr[data-user] button[data-edit]").first, screen=width)
    page.locator("#users tr[data-user] button[data-edit]").first.click()
    _fits(page)
    shot(page, f"phone-admin-users-{locale}")
    with live_server.api("admin") as api:
        body = {"start": "2028-05-01", "working": False, "note": "test"}
        assert api.post("/api/v1/calendar/overrides/range", json=body).status_code == 200
    page.goto("/admin/calendar?year=2028")
    _fits(page)
    _cards(page, "#overrides", "tr[data-override]")
    _tappable(page.locator("#override-form button[type=submit]"), screen=width)
    shot(page, f"phone-admin-calendar-{locale}")
