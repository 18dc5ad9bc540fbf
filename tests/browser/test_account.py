"""My account: the name in the header opens it; it says the password came from an
administrator until the user changes it; the change form words its refusals beside the field
in the page's language, keeps the user signed in here, and the new password signs in."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveServer, shot, sign_in

NEW = "duty-desk-2027"


def test_a_user_changes_their_own_password(open_page: Any, live_server: LiveServer) -> None:
    page, guard = open_page()
    sign_in(page, "handler")
    page.click("a.who")
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.locator("h1")).to_have_text("我的账号")
    expect(page.locator("#account-facts")).to_contain_text("handler")
    expect(page.locator("#account-facts")).to_contain_text("许涛")  # the linked person
    expect(page.locator("#password-set")).to_contain_text("管理员于")
    expect(page.locator("#password-advice")).to_be_visible()

    guard.allow(422)
    form = page.locator("#password-form")
    form.locator('[name="current_password"]').fill("dutydesk-demo")
    form.locator('[name="new_password"]').fill(NEW)
    form.locator('[name="new_password_again"]').fill(NEW + "x")
    form.locator('button[type="submit"]').click()
    mismatch = form.locator('[data-field="new_password_again"] .ferror')
    expect(mismatch).to_have_text("与新密码不一致")
    expect(form.locator('[name="new_password"]')).to_have_value(NEW)  # nothing typed is lost

    form.locator('[name="current_password"]').fill("not-my-password")
    form.locator('[name="new_password_again"]').fill(NEW)
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="current_password"] .ferror')).to_have_text("当前密码不正确")
    expect(mismatch).to_have_text("")
    shot(page, "account-refused")

    form.locator('[name="current_password"]').fill("dutydesk-demo")
    form.locator('button[type="submit"]').click()
    expect(page.locator("#password-set")).to_contain_text("您于")
    expect(page.locator("#password-advice")).to_have_count(0)
    expect(page.locator("#dd-announce")).to_contain_text("已保存")
    shot(page, "account-changed")

    page.click("#sign-out")
    sign_in(page, "handler", password=NEW)
    expect(page.locator("a.who")).to_contain_text("许涛")


def test_the_account_page_on_a_phone_in_english(open_page: Any) -> None:
    page, _ = open_page(**PHONE)
    page.goto("/lang/en?next=/login")
    sign_in(page, "planner")
    page.goto("/account")
    expect(page.locator("h1")).to_have_text("My account")
    expect(page.locator("#password-set")).to_contain_text("set by an administrator on")
    box = page.locator("#password-form").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, "account-phone-en")
