"""A range of days saved in another year than the calendar shows: the page lands on the
saved range's year, on its first day's row (as data-reload-to elsewhere), instead of staying
on the year shown, where the user could not see what was saved."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, sign_in


def test_a_range_saved_in_another_year_is_shown_in_its_year(
    open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page()
    sign_in(page, "admin")
    page.goto("/admin/calendar?year=2028")
    form = page.locator("#override-form")
    form.locator('input[name="start"]').fill("2029-02-12")
    form.locator('input[name="end"]').fill("2029-02-13")
    form.locator('select[name="working"]').select_option("false")
    form.locator('input[name="note"]').fill("test rest days 2029")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/calendar\?day=2029-02-12#day-2029-02-12$"))
    expect(page.locator("h1")).to_have_text("工作日历 2029")
    row = page.locator("#day-2029-02-12")
    expect(row).to_be_focused()
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("test rest days 2029")
    expect(page.locator('td[data-day="2029-02-13"]')).to_have_attribute("data-kind", "holiday")
    # a later change in the year now shown stays in it
    form.locator('input[name="start"]').fill("2029-03-05")
    form.locator('input[name="end"]').fill("")
    form.locator('input[name="note"]').fill("one more")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/calendar\?day=2029-03-05#day-2029-03-05$"))
    expect(page.locator("#day-2029-03-05")).to_be_focused()
    expect(page.locator("#day-2029-02-12")).to_contain_text("test rest days 2029")


def test_one_make_up_day_is_not_the_notice_until_the_year_is_confirmed(
    open_page: Any, live_server: LiveServer
) -> None:
    """Entering one 调休 day left the 2027 warning gone and the page saying the official
    arrangement applied; now the warning stays until the administrator confirms the notice."""
    page, _ = open_page()
    sign_in(page, "admin")
    page.goto("/admin/calendar?year=2027")
    form = page.locator("#override-form")
    form.locator('input[name="start"]').fill("2027-02-20")
    form.locator('select[name="working"]').select_option("true")
    form.locator('input[name="note"]').fill("春节调休")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page.locator("#calendar-warning")).to_contain_text("2027")
    expect(page.locator("#calendar-source")).to_contain_text("估算")
    expect(page.locator("#calendar-source")).not_to_contain_text(
        "未调整的日期按国务院办公厅公布的官方安排"
    )
    confirm = page.get_by_role("button", name="2027 年国务院办公厅放假安排通知已全部录入")
    with page.expect_navigation():
        confirm.click()
    expect(page.locator("#calendar-source")).to_contain_text(
        "确认 2027 年国务院办公厅放假安排通知已录入"
    )
    expect(page.locator("#calendar-warning")).to_have_count(0)  # 2026 is packaged
    withdraw = page.get_by_role("button", name="撤销 2027 年的确认")
    with page.expect_navigation():
        withdraw.click()
    expect(page.locator("#calendar-warning")).to_contain_text("2027")
