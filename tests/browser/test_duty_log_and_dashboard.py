"""The duty log and handover forms (with field errors from problem responses), the planner's
input pages and the leadership dashboard."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, shot, sign_in


def test_duty_log_and_handover_show_field_errors(open_page: Any, live_server: LiveServer) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "duty_officer")
    page.goto("/duty/log")
    log = page.locator("#log-form")
    log.locator('input[name="caller_name"]').fill("李先生")
    log.locator('input[name="caller_phone"]').fill("12345")
    log.locator('textarea[name="event"]').fill("来电反映超市销售过期食品")
    log.locator('button[type="submit"]').click()
    error = log.locator('[data-field="caller_phone"] .ferror')
    expect(error).to_have_text("请输入电话号码，如 13800001234 或 +8613800001234")
    expect(log.locator('[data-field="caller_phone"] input')).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(log.locator(".form-status")).to_have_text("请修改标出的字段：来电号码")
    shot(page, "duty-log-field-error")
    log.locator('input[name="caller_phone"]').fill("13812345678")
    # a time more than a day ahead is refused in the page's language, not the API's English
    when = log.locator('input[name="occurred_at"]')
    typed_now = when.input_value()
    when.fill("2099-05-08T09:00")
    log.locator('button[type="submit"]').click()
    expect(log.locator('[data-field="occurred_at"] .ferror')).to_have_text(
        "最多只能比当前时间晚 1 天"
    )
    when.fill(typed_now)
    with page.expect_navigation():
        log.locator('button[type="submit"]').click()
    expect(page.locator("#duty-log tbody")).to_contain_text("来电反映超市销售过期食品")
    expect(page.locator("#duty-log tbody")).to_contain_text("+8613812345678")

    me = live_server.person_of("duty_officer")
    handover = page.locator("#handover-form")
    handover.locator('select[name="to_person_id"]').select_option(str(me.id))
    handover.locator('textarea[name="open_items"]').fill("城西区食物中毒事件待续报")
    handover.locator('textarea[name="notes"]').fill("夜间来电3起，均已处理")
    handover.locator('button[type="submit"]').click()
    expect(handover.locator('[data-field="to_person_id"] .ferror')).to_have_text(
        "接班人不能是交班人本人"
    )
    successor = live_server.person_of("coordinator")
    handover.locator('select[name="to_person_id"]').select_option(str(successor.id))
    with page.expect_navigation():
        handover.locator('button[type="submit"]').click()
    row = page.locator("#handovers tbody tr").first
    expect(row).to_contain_text(successor.name)
    expect(row).to_contain_text("夜间来电3起，均已处理")  # the notes are shown, not only stored
    # on a phone the row is a card: its unit is labelled as the other fields are
    expect(row.locator("td").nth(1)).to_have_attribute("data-label", "单位")
    # the person handing over cannot confirm receipt: only the successor gets the button
    expect(row.get_by_role("button", name="确认接班")).to_have_count(0)
    taker, _ = open_page()
    sign_in(taker, "coordinator")
    taker.goto("/duty/log")
    taker.locator("#handovers tbody tr").first.get_by_role("button", name="确认接班").click()
    # who confirmed receipt is named as a person, not by their login
    received = re.compile(rf"^\d\d-\d\d \d\d:\d\d {successor.name}\s*$")
    expect(taker.locator("#handovers tbody tr").first.locator("td").last).to_have_text(received)
    page.reload()
    expect(page.locator("#handovers tbody tr").first.locator("td").last).to_have_text(received)
    shot(page, "duty-log")


def test_planner_input_pages(open_page: Any) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto("/planner/rules")
    expect(page.locator('#rules-form input[name="min_rest_hours"]')).to_have_value(
        re.compile(r"^11(\.0)?$")
    )
    page.fill('#rules-form input[name="max_consecutive_nights"]', "40")  # above the limit of 31
    page.click('#rules-form button[type="submit"]')
    expect(
        page.locator('#rules-form [data-field="max_consecutive_nights"] .ferror')
    ).not_to_be_empty()
    page.fill('#rules-form input[name="max_consecutive_nights"]', "2")
    page.click('#rules-form button[type="submit"]')
    expect(page.locator("#rules-form .form-status")).to_have_text("已保存")
    shot(page, "planner-rules")
    page.goto("/planner/leave")
    expect(page.locator("#leave-form")).to_be_visible()
    shot(page, "planner-leave")
    page.goto("/planner/people")
    expect(page.locator("#people tbody tr[data-person]")).to_have_count(30)
    form = page.locator("#person-form")
    form.locator('input[name="name"]').fill("测试员")
    form.locator('select[name="unit_id"]').select_option(label="受理科")
    form.locator('input[name="contacts.0.value"]').fill("13800009999")
    form.locator('input[name="duty_roles"][value="duty_officer"]').check()
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page.locator("#people tbody")).to_contain_text("+8613800009999")
    shot(page, "planner-people")


def test_leadership_dashboard(open_page: Any, live_server: LiveServer) -> None:
    with live_server.api("coordinator") as api:
        for severity, place in (("I", "高新区化工园"), ("III", "城南区菜市场")):
            response = api.post(
                "/api/v1/incidents",
                json={
                    "title": "测试",
                    "category": "food_safety",
                    "severity": severity,
                    "place": place,
                },
            )
            assert response.status_code == 201
    page, _ = open_page()
    sign_in(page, "leader")
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    expect(page.locator("#duty-team tbody tr.current").first).to_be_visible()
    expect(page.locator("#open-incidents-total")).to_have_text("2")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("svg.chart rect.open-fill")).to_have_count(2)  # as its legend chip
    shot(page, "dashboard")
