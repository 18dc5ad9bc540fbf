"""The planner's rules page and demand lines that would overlap: adding a workday line for a
shift that has an any-day line is refused beside the day kind, naming the line already there,
and nothing is stored; a pair stored before such lines were refused is marked on both rows."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlmodel import select

from oncall.roster_models import DemandDayKind, DemandTemplate, ShiftType
from tests.browser.conftest import LiveServer, shot, sign_in


def _demand(live_server: LiveServer, unit_id: int) -> list[dict[str, Any]]:
    with live_server.api("planner") as api:
        return list(api.get(f"/api/v1/units/{unit_id}/demand").json())


def test_an_overlapping_demand_line_is_refused_beside_its_day_kind_and_old_ones_are_marked(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    sign_in(page, "planner")
    page.goto("/planner/rules")
    unit_id = int(page.locator('select[name="unit_id"]').input_value())
    before = _demand(live_server, unit_id)
    with live_server.session() as session:
        night = session.exec(
            select(ShiftType).where(ShiftType.unit_id == unit_id, ShiftType.code == "night")
        ).one()
    expect(page.locator("#demand-kinds")).to_contain_text("二者不能并存")

    form = page.locator("#demand-form")
    form.locator('select[name="shift_type_id"]').select_option(str(night.id))
    form.locator('select[name="day_kind"]').select_option("workday")
    form.locator('input[name="minimum"]').fill("2")
    form.locator('input[name="preferred"]').fill("2")
    guard.allow(409)
    form.locator('button[type="submit"]').click()
    error = form.locator('[data-field="day_kind"] .ferror')
    expect(error).to_contain_text("「夜班」已有适用于任意日期的需求行")
    expect(error).to_contain_text("最少 1 人")
    expect(form.locator('select[name="day_kind"]')).to_be_focused()
    shot(page, "demand-overlap-refused")
    assert _demand(live_server, unit_id) == before

    # a pair stored before overlaps were refused: both rows say so
    with live_server.session() as session:
        old = DemandTemplate(
            unit_id=unit_id,
            shift_type_id=night.id or 0,
            day_kind=DemandDayKind.workday,
            minimum=2,
            preferred=2,
        )
        session.add(old)
        session.commit()
        old_id = old.id
    try:
        page.reload()
        marked = page.locator("#demand tr[data-demand]", has=page.locator(".tag.warn"))
        expect(marked).to_have_count(2)
        expect(page.locator(f'#demand tr[data-demand="{old_id}"] .tag.warn')).to_contain_text(
            "与「任意日期」的需求行重叠"
        )
    finally:
        with live_server.api("planner") as api:
            assert api.delete(f"/api/v1/units/{unit_id}/demand/{old_id}").is_success
