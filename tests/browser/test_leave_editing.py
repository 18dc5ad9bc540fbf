"""Leave and wishes: recorded leave and wishes are corrected in their rows (they were only
removed and recorded again, losing who recorded them and when); a bad date stands beside its
field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect
from sqlmodel import col, select

from core.audit import list_entries
from oncall import planning, wishes
from oncall.roster_models import Roster, RosterAssignment, RosterStatus
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


def test_the_planner_corrects_the_day_shift_and_direction_of_a_wish(
    open_page: Any, live_server: LiveServer
) -> None:
    person = live_server.person_of("duty_officer")
    today = live_server.clock.now().astimezone(CENTRE_TZ).date()
    day = today + timedelta(days=10)
    with live_server.api("planner") as api:
        wish = api.post(
            "/api/v1/shift-requests",
            json={"person_id": person.id, "day": day.isoformat(), "wanted": False, "weight": 3},
        ).json()
        shift = api.get("/api/v1/shift-types").json()[0]
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto("/planner/leave")
    page.locator(f"#wish-{wish['id']}").get_by_role("button", name="修改").click()
    form = page.get_by_role("form", name=f"修改 {person.name} 的意愿")
    expect(form).to_be_visible()
    expect(form.locator('select[name="shift_type_id"]')).to_have_value("")
    form.locator('input[name="day"]').fill((today - timedelta(days=1)).isoformat())
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="day"] .ferror')).to_contain_text("已过去")
    form.locator('input[name="day"]').fill((day + timedelta(days=1)).isoformat())
    form.locator('select[name="shift_type_id"]').select_option(str(shift["id"]))
    form.locator('select[name="wanted"]').select_option("true")
    form.locator('input[name="weight"]').fill("7")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    row = page.locator(f"#wish-{wish['id']}")
    expect(row).to_contain_text((day + timedelta(days=1)).isoformat())
    expect(row).to_contain_text(shift["name"])
    expect(row).to_contain_text("想上班")
    shot(page, "wish-corrected")
    with live_server.session() as session:
        kept = [w for w in wishes.list_requests(session, person_id=person.id) if w.id == wish["id"]]
        entries = list_entries(session, entity_type="person", entity_id=str(person.id))
    assert [(w.day, w.shift_type_id, w.wanted, w.weight) for w in kept] == [
        (day + timedelta(days=1), shift["id"], True, 7)
    ]
    assert [e.actor for e in entries if e.action == "request.update"] == ["planner"]


def test_leave_on_published_shifts_lands_on_its_line_of_the_notice(
    open_page: Any, live_server: LiveServer
) -> None:
    """Recording leave over shifts of a published roster reloads the page to that leave's
    line in the notice above the form (focused, so it is read), not to the emptied form."""
    tomorrow = live_server.clock.now().astimezone(CENTRE_TZ).date() + timedelta(days=1)
    with live_server.session() as session:
        person_id, day = session.exec(
            select(col(RosterAssignment.person_id), col(RosterAssignment.day))
            .join(Roster, col(Roster.id) == RosterAssignment.roster_id)
            .where(Roster.status == RosterStatus.published, RosterAssignment.day >= tomorrow)
            .order_by(col(RosterAssignment.day), col(RosterAssignment.person_id))
        ).first() or (None, None)
    assert person_id is not None and day is not None
    page, _ = open_page()
    sign_in(page, "planner")
    page.goto("/planner/leave")
    form = page.locator("#leave-form")
    form.locator('select[name="person_id"]').select_option(str(person_id))
    form.locator('input[name="start_date"]').fill(day.isoformat())
    form.locator('input[name="end_date"]').fill(day.isoformat())
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    line = page.locator("#leave-clashes li:focus")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(day.isoformat())
    assert page.evaluate("window.location.hash").startswith("#leave-clash-")
