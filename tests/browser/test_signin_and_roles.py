"""Sign in and out, the wrong-password error, the language switch, and the nav and 403 page
that follow the role's permissions."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, shot, sign_in


def test_sign_in_wrong_password_then_sign_out(open_page: Any, live_server: LiveServer) -> None:
    page, guard = open_page()
    page.goto("/rosters")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2Frosters")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    shot(page, "login")

    guard.allow(401)
    page.fill('input[name="username"]', "planner")
    page.fill('input[name="password"]', "not-the-password")
    page.click('#login-form button[type="submit"]')
    expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")
    expect(page.locator('input[name="username"]')).to_have_value("planner")

    page.fill('input[name="password"]', "dutydesk-demo")
    with page.expect_navigation():
        page.click('#login-form button[type="submit"]')
    expect(page).to_have_url(f"{live_server.url}/rosters")  # back where they wanted to go
    expect(page.locator(".who")).to_contain_text("唐颖")
    cookie = next(c for c in page.context.cookies() if c["name"] == "dutydesk_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    page.click("#sign-out")
    expect(page).to_have_url(f"{live_server.url}/login")
    page.goto("/rosters")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2Frosters")


def test_language_switch_zh_en_zh(open_page: Any) -> None:
    page, _ = open_page()
    sign_in(page, "coordinator")
    expect(page.locator("#sign-out")).to_have_text("退出")
    expect(page.locator("nav.main")).to_contain_text("登记事件")
    page.click('a[data-lang="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#sign-out")).to_have_text("Sign out")
    expect(page.locator("nav.main")).to_contain_text("Log incident")
    expect(page.locator("h1")).to_have_text("Incidents")  # the same page, now in English
    shot(page, "incidents-en")
    page.click('a[data-lang="zh_CN"]')
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("事件列表")


def test_viewer_sees_no_planner_actions_and_gets_403(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    sign_in(page, "viewer")
    nav = page.locator("nav.main")
    expect(nav.locator('a[href="/rosters"]')).to_be_visible()
    for path in (
        "/planner/rules",
        "/planner/leave",
        "/planner/people",
        "/incidents/new",
        "/outbox",
    ):
        expect(nav.locator(f'a[href="{path}"]')).to_have_count(0)
    roster = live_server.published_roster()
    page.goto(f"/rosters/{roster.id}")
    expect(page.locator("#roster-grid")).to_be_visible()
    expect(page.locator("#publish-button, #sick-form")).to_have_count(0)

    guard.allow(403)
    response = page.goto("/planner/rules")
    assert response is not None and response.status == 403
    expect(page.locator(".error-page h1")).to_have_text("您的角色无权使用此页面")
    shot(page, "forbidden-viewer")
