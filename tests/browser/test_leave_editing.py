"""Leave and wishes: recorded leave is corrected in its row (its days were only removed and
recorded again, losing who recorded it and when); a bad date stands beside its field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from core.audit import list_entries
from oncall import planning
from tests.browser.conftest import CENTRE_TZ, LiveServer, shot, sign_in


def test_the_planner_corrects_the_days_and_reason_of_leave(
    open_page: Any, live_server: LiveServer
) -> None:
    person = live_server.person_of("duty_officer")
    first = live_server.clock.now().astimezone(CENTRE_TZ).date() + timedelta(days=20)
    with live_server.api("planner") as api:
        leave = api.post(
            "/api/v1/leave",
            json={
                "person_id": person.id,
                "start_date": first.isoformat(),
                "end_date": (first + timedelta(days=2)).isoformat(),
                "reason": "年假",
            },
        ).json()
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto("/planner/leave")
    page.locator(f"#leave-{leave['id']}").get_by_role("button", name="修改").click()
    form = page.locator(f"#leave-edit-{leave['id']} form")
    expect(form).to_be_visible()
    form.locator('input[name="end_date"]').fill((first - timedelta(days=1)).isoformat())
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="end_date"] .ferror')).to_have_text("不能早于开始日期")
    expect(form.locator('[data-field="start_date"] .ferror')).to_be_empty()
    form.locator('input[name="end_date"]').fill((first + timedelta(days=4)).isoformat())
    form.locator('input[name="reason"]').fill("病假")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    row = page.locator(f"#leave-{leave['id']}")
    expect(row).to_contain_text((first + timedelta(days=4)).isoformat())
    expect(row).to_contain_text("病假")
    shot(page, "leave-corrected")
    with live_server.session() as session:
        kept = [x for x in planning.list_leave(session, person_id=person.id) if x.id == leave["id"]]
        entries = list_entries(session, entity_type="person", entity_id=str(person.id))
    assert [(x.start_date, x.end_date, x.reason) for x in kept] == [
        (first, first + timedelta(days=4), "病假")
    ]
    assert [e.actor for e in entries if e.action == "leave.update"] == ["planner"]
