"""The home page's "Waiting for you" in the browser: a duty officer paged by a new incident
sees it counted there, follows the line to My duty, acknowledges, and the count goes down."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, shot, sign_in


def _paging_count(page: Any) -> int:
    page.goto("/")
    line = page.locator('#waiting li[data-waiting="paging_me"]')
    return int(line.get_attribute("data-count")) if line.count() else 0


def test_a_paged_officer_goes_from_home_to_the_incident_and_acknowledges(
    open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page()
    sign_in(page, "duty_officer")
    before = _paging_count(page)
    with live_server.api("coordinator") as api:
        created = api.post(
            "/api/v1/incidents",
            json={
                "title": "商场扶梯逆行",
                "category": "special_equipment",
                "severity": "III",
                "place": "城北区银泰城",
            },
        )
        assert created.status_code == 201, created.text
        incident = created.json()
        # the dispatcher ticks every 0.3 s: wait (bounded) until it has paged the officer
        officer = live_server.person_of("duty_officer")

        def paged() -> bool:
            rows = api.get(f"/api/v1/incidents/{incident['id']}/notifications").json()
            return any(n.get("person_id") == officer.id for n in rows)

        for _ in range(100):
            if paged():
                break
            page.wait_for_timeout(100)
        assert paged()

    line = page.locator('#waiting li[data-waiting="paging_me"]')
    assert _paging_count(page) == before + 1
    expect(line).to_have_class("urgent")
    expect(line).to_contain_text("起事件正在呼叫您")
    shot(page, "home-waiting")
    with page.expect_navigation():
        line.get_by_role("link").click()
    mine = page.locator(f'#my-incidents tr[data-incident="{incident["id"]}"]')
    expect(mine).to_be_visible()
    mine.get_by_role("button").click()
    expect(mine.locator(".status")).to_have_text("已确认")
    assert _paging_count(page) == before
