"""A coordinator registers a complaint filed by an agent for a group (O121 Arts. 11-12) on the
intake form: a representative without a phone is marked beside that field; registered, the
item's page shows the agent with the power of attorney missing and the group with its
representatives; recording the power of attorney on the page's update form shows it."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, shot, sign_in


def test_register_an_agents_group_complaint_and_record_the_power_of_attorney(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    for name, value in (
        ("submitter_name", "赵女士"),
        ("submitter_phone", "13912340000"),
        ("submitter_address", "城西区和平路1号"),
        ("respondent_name", "好再来超市有限公司"),
        ("respondent_address", "城东区幸福路88号"),
        ("agent_name", "王律师"),
        ("agent_phone", "13912345678"),
        ("agent_id_number", "110101198001015678"),
        ("group_size", "12"),
        ("representatives.0.name", "赵一"),
    ):
        page.fill(f'input[name="{name}"]', value)
    page.fill('textarea[name="description"]', "在好再来超市买的酸奶已过保质期，超市拒绝退换。")
    page.fill('textarea[name="claim"]', "退货并按规定赔偿")

    guard.allow(422)
    page.click("#complaint-submit")
    box = page.locator('[data-field="representatives.0.phone"]')
    expect(box).to_have_class(re.compile("invalid"))
    expect(box.locator(".ferror")).not_to_be_empty()
    expect(page.locator('[data-field="agent_name"]')).not_to_have_class(re.compile("invalid"))

    page.fill('input[name="representatives.0.phone"]', "13700000001")
    shot(page, "complaint-new-agent")
    with page.expect_navigation():
        page.click("#complaint-submit")
    expect(page).to_have_url(re.compile(r"/complaints/\d+$"))
    agent = page.locator("#complaint-agent")
    expect(agent).to_contain_text("王律师")
    expect(agent).to_contain_text("13912345678")
    expect(agent).to_contain_text("110101198001015678")  # complaint.confidential: in full
    expect(agent).to_contain_text("未收到授权委托书")
    group = page.locator("#complaint-group")
    expect(group).to_contain_text("投诉人 12 人")
    expect(group).to_contain_text("赵一")

    today = live_server.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    page.locator("#agent-update summary").click()
    page.select_option('#agent-form select[name="agent_poa_received"]', "true")
    page.fill('#agent-form input[name="agent_poa_date"]', today)
    with page.expect_navigation():
        page.click('#agent-form button[type="submit"]')
    expect(page.locator("#complaint-agent")).to_contain_text(f"{today} 收到授权委托书")
    expect(page.locator("#complaint-group")).to_contain_text("赵一")  # left as it was
    expect(page.locator('#complaint-history [data-event="agent"]')).to_be_visible()
    shot(page, "complaint-agent")
