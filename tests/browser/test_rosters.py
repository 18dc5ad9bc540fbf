"""The planner's roster work in the browser: generate with live progress and publish, a sick
call with the repair diff, a swap approved, the Excel export and the print view, and why no
roster can be generated when every leader is away, in Chinese and English."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlmodel import col, select

from oncall.models import DutyRole, Person, PersonDutyRole
from oncall.roster_models import RosterAssignment, ShiftType
from tests.browser.conftest import CENTRE_TZ, SOLVE_WAIT_MS, LiveServer, shot, sign_in


def test_generate_watch_progress_and_publish(open_page: Any, live_server: LiveServer) -> None:
    page, _ = open_page()
    sign_in(page, "planner")
    expect(page).to_have_url(f"{live_server.url}/rosters")
    page.fill('#generate-form input[name="time_limit_s"]', "3")
    page.fill('#generate-form input[name="note"]', "浏览器测试")
    with page.expect_navigation():
        page.click("#generate-button")
    expect(page).to_have_url(re.compile(r"/rosters/\d+$"))
    expect(page.locator("#roster-status")).to_have_attribute("data-status", "generating")
    expect(page.locator("#solve-progress")).to_be_visible()
    shot(page, "roster-generating")
    expect(page.locator("#roster-status")).to_have_attribute(
        "data-status", "draft", timeout=SOLVE_WAIT_MS
    )  # the progress poller reloads the page when the solver is done
    expect(page.locator("#roster-grid tbody tr").first).to_be_visible()
    expect(page.locator("#roster-grid .leader-row td").first).not_to_be_empty()
    expect(page.locator("#totals tbody tr").first).to_be_visible()
    page.click("#publish-button")
    expect(page.locator("#roster-status")).to_have_attribute("data-status", "published")
    shot(page, "roster-published")


def test_sick_call_shows_the_repair_diff(open_page: Any, live_server: LiveServer) -> None:
    roster = live_server.published_roster()
    today = live_server.clock.now().astimezone(CENTRE_TZ).date()
    with live_server.session() as session:
        upcoming = session.exec(
            select(RosterAssignment)
            .where(RosterAssignment.roster_id == roster.id, RosterAssignment.day >= today)
            .order_by(RosterAssignment.day)  # type: ignore[arg-type]
        ).all()
    assert upcoming, "the published roster has no shift from today on"
    # The duty officer's next shift when the solver gave them one, else anyone's next shift:
    # the published roster is whatever an earlier test generated, so no one is guaranteed.
    officer = live_server.person_of("duty_officer")
    sick = next((a for a in upcoming if a.person_id == officer.id), upcoming[0])
    sick_day = sick.day
    with live_server.session() as session:
        officer = session.get(Person, sick.person_id)
    assert officer is not None
    page, _ = open_page()
    sign_in(page, "planner")
    page.goto(f"/rosters/{roster.id}")
    shot(page, "roster-grid")
    form = page.locator("#sick-form")
    form.locator('select[name="person_id"]').select_option(str(officer.id))
    form.locator('input[name="start_date"]').fill(sick_day.isoformat())
    form.locator('input[name="end_date"]').fill(sick_day.isoformat())
    form.locator('input[name="time_limit_s"]').fill("3")
    with page.expect_navigation():
        page.click("#repair-button")
    expect(page.locator("#roster-status")).to_have_attribute(
        "data-status", "draft", timeout=SOLVE_WAIT_MS
    )
    shot(page, "roster-repair-diff")
    diff = page.locator("#repair-diff")
    expect(diff.locator("ul.removed")).to_contain_text(officer.name)
    expect(diff.locator("ul.added li").first).to_contain_text(sick_day.isoformat())
    expect(page.locator("#roster-grid td.changed").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("调整：病假")  # the note, not "repair: 病假"
    if page.locator("#violations").count():  # broken wishes in Chinese, people by name
        expect(page.locator("#violations")).not_to_contain_text(
            re.compile(r"asked for|alone|\d+ has")
        )


def _swappable_pair(live_server: LiveServer, roster_id: int) -> tuple[Any, Any]:
    """Two day shifts on different days whose people are free on the other's day and the days
    on either side of it, so no hard rule (rest, runs of days) can refuse the swap."""
    with live_server.session() as session:
        rows = session.exec(
            select(RosterAssignment, ShiftType)
            .join(ShiftType)
            .where(RosterAssignment.roster_id == roster_id)
        ).all()
    days_of: dict[int, set[date]] = {}
    for assignment, _ in rows:
        days_of.setdefault(assignment.person_id, set()).add(assignment.day)
    day_rows = [a for a, shift in rows if shift.code == "day"]

    def free(person: int, day: date) -> bool:
        return not days_of[person] & {day - timedelta(days=1), day, day + timedelta(days=1)}

    return next(
        (x, y)
        for x in day_rows
        for y in day_rows
        if x.day < y.day and free(x.person_id, y.day) and free(y.person_id, x.day)
    )


def _fill_swap_form(page: Any, roster_id: int, a: RosterAssignment, b: RosterAssignment) -> Any:
    """The swaps page's form filled for A's shift against B's; the form, to submit."""
    form = page.locator("#swap-form")
    form.locator('select[name="roster_id"]').select_option(str(roster_id))
    form.locator('select[name="a_person_id"]').select_option(str(a.person_id))
    form.locator('input[name="a_day"]').fill(a.day.isoformat())
    form.locator('select[name="b_person_id"]').select_option(str(b.person_id))
    form.locator('input[name="b_day"]').fill(b.day.isoformat())
    return form


def test_request_and_approve_a_swap(open_page: Any, live_server: LiveServer) -> None:
    roster = live_server.published_roster()
    assert roster.id is not None
    a, b = _swappable_pair(live_server, roster.id)
    page, _ = open_page()
    sign_in(page, "planner")
    page.goto("/swaps")
    form = _fill_swap_form(page, roster.id, a, b)
    form.locator('input[name="reason"]').fill("家中有事")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    row = page.locator("#swap-table tbody tr").first
    expect(row.locator(".sstatus")).to_have_text("待处理")
    shot(page, "swaps-pending")
    row.get_by_role("button", name="批准").click()
    expect(page.locator("#swap-table tbody tr").first.locator(".sstatus")).to_have_text("已批准")


def test_a_swap_the_rules_refuse_is_refused_at_once_with_the_reason_in_chinese(
    open_page: Any, live_server: LiveServer
) -> None:
    roster = live_server.published_roster()
    assert roster.id is not None
    a, b = _swappable_pair(live_server, roster.id)
    with live_server.api("planner") as api:  # B is away on A's day
        leave = {"person_id": b.person_id, "start_date": str(a.day), "end_date": str(a.day)}
        assert api.post("/api/v1/leave", json=leave | {"reason": "年休假"}).status_code == 201
    with live_server.session() as session:
        b_name = session.get(Person, b.person_id).name  # type: ignore[union-attr]
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto("/swaps")
    form = _fill_swap_form(page, roster.id, a, b)
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="b_person_id"] .ferror')).to_have_text(
        f"{b_name} {a.day.isoformat()} 请假"
    )
    expect(page.locator("#swap-table tbody tr")).to_have_count(1)  # "no swap requests" only


def test_a_planner_records_and_removes_a_cover_on_the_roster_page(
    open_page: Any, live_server: LiveServer
) -> None:
    roster = live_server.published_roster()
    assert roster.id is not None
    slot, free = _swappable_pair(live_server, roster.id)  # free works neither slot.day nor beside
    with live_server.session() as session:
        names = {p.id: p.name for p in session.exec(select(Person)).all()}
    page, _ = open_page()
    sign_in(page, "planner")
    page.goto(f"/rosters/{roster.id}")
    form = page.locator("#override-form")
    form.locator('input[name="day"]').fill(slot.day.isoformat())
    form.locator('select[name="shift_type_id"]').select_option(str(slot.shift_type_id))
    form.locator('select[name="covering_person_id"]').select_option(str(free.person_id))
    form.locator('select[name="original_person_id"]').select_option(str(slot.person_id))
    form.locator('input[name="reason"]').fill("临时顶班")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    row = page.locator("#override-table tbody tr").first
    expect(row).to_contain_text(names[free.person_id])
    expect(row).to_contain_text(names[slot.person_id])
    expect(row).to_contain_text("临时顶班")
    covered = page.locator(f'tr[data-person="{free.person_id}"] td.adjusted[data-planned=""]')
    expect(covered).to_have_count(1)
    expect(covered).to_have_attribute("data-shift", "day")
    shot(page, "roster-cover")
    with page.expect_navigation():
        row.get_by_role("button", name="删除").click()
    expect(page.locator("#override-table tbody tr").first).to_have_text("无。")
    expect(covered).to_have_count(0)


def test_excel_export_and_print_view(open_page: Any, live_server: LiveServer) -> None:
    roster = live_server.published_roster()
    officer = live_server.person_of("duty_officer")
    page, _ = open_page()
    sign_in(page, "duty_officer")
    page.goto(f"/rosters/{roster.id}")
    with page.expect_download() as download_info:
        page.click("#export-link")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(BytesIO(download.path().read_bytes()))
    assert book.sheetnames == ["值班表", "统计"]
    sheet = book["值班表"]
    names = [sheet.cell(row=r, column=1).value for r in range(7, sheet.max_row + 1)]
    assert officer.name in names
    days = (roster.period_end - roster.period_start).days + 1
    assert sheet.cell(row=4, column=days + 1).value == roster.period_end.strftime("%m-%d")
    assert sheet.cell(row=6, column=1).value == "带班领导"
    row = 7 + names.index(officer.name)
    assert any(sheet.cell(row=row, column=c).value for c in range(2, days + 2))

    page.click("#print-link")
    expect(page.locator("#roster-grid")).to_be_visible()
    expect(page.locator("nav.main")).to_have_count(0)
    page.emulate_media(media="print")
    shot(page, "roster-print")


def test_an_infeasible_roster_is_explained_in_the_pages_language(
    open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page()
    sign_in(page, "planner")
    start = date.fromisoformat(
        page.locator('#generate-form input[name="period_start"]').input_value()
    )
    away = start + timedelta(days=2)
    with live_server.session() as session:
        leaders = session.exec(
            select(Person)
            .join(PersonDutyRole, col(PersonDutyRole.person_id) == Person.id)
            .where(col(PersonDutyRole.role).in_([DutyRole.leader, DutyRole.director]))
            .distinct()
        ).all()
    assert leaders
    with live_server.api("planner") as api:  # every leader away: no one leads on that day
        for number, leader in enumerate(leaders):
            leave = {"person_id": leader.id, "start_date": str(away), "end_date": str(away)}
            reason = {"reason": "春节休假"} if number == 0 else {}
            assert api.post("/api/v1/leave", json=leave | reason).status_code == 201
    page.fill('#generate-form input[name="time_limit_s"]', "3")
    with page.expect_navigation():
        page.click("#generate-button")
    expect(page.locator("#roster-status")).to_have_attribute(
        "data-status", "infeasible", timeout=SOLVE_WAIT_MS
    )
    item = page.locator("#explanation li").filter(has_text=f"{away.isoformat()} ")
    expect(item).to_contain_text("需要 1 名带班领导，只有 0 名可排")
    expect(item).to_contain_text(f"{leaders[0].name} 春节休假")
    if len(leaders) > 1:
        expect(item).to_contain_text(f"{leaders[1].name} 请假")
    expect(item).to_contain_text("（缺 1 人）")
    expect(page.locator("#explanation")).not_to_contain_text("needs")
    shot(page, "roster-infeasible")
    with page.expect_navigation():
        page.click('a[data-lang="en"]')
    item = page.locator("#explanation li").filter(has_text=f"{away.isoformat()} ")
    expect(item).to_contain_text("needs 1 leader on duty, only 0 available")
    expect(item).to_contain_text(f"{leaders[0].name} 春节休假")
    expect(item).to_contain_text("(1 person short)")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_period_covering_part_of_the_published_roster_is_refused_beside_the_period(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """Generating over part of the published roster is refused (it would leave the rest of
    that roster's days with nobody): the page said "reload the page" in Chinese, and the
    API's sentence with ISO ranges in English, under the button rather than at the period."""
    roster = live_server.published_roster()
    page, guard = open_page(locale)
    guard.allow(409)
    if locale == "en":
        page.goto("/lang/en?next=/login")
    sign_in(page, "planner")
    page.goto("/rosters")
    form = page.locator("#generate-form")
    start = roster.period_start + timedelta(days=3)
    form.locator('input[name="period_start"]').fill(start.isoformat())
    form.locator('input[name="period_end"]').fill((start + timedelta(days=13)).isoformat())
    form.locator('input[name="note"]').fill("第二版")
    form.locator("#generate-button").click()
    said = form.locator('[data-field="period_start"] .ferror')
    expect(said).to_contain_text(f"#{roster.id}")
    period = f"{roster.period_start.isoformat()} – {roster.period_end.isoformat()}"
    expect(said).to_contain_text(period)
    expect(said).to_contain_text("其余日期将无人值班" if locale == "zh-CN" else "only part of")
    expect(form.locator('input[name="note"]')).to_have_value("第二版")
