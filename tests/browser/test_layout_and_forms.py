"""Pages on a phone-sized screen (nothing runs off to the side: wide tables scroll inside their
own box) and the forms' field errors: every field of a form has its place for an error, and
errors read in the page's language with the fields named by their labels."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from api import demo_complaints
from core.db import make_engine
from tests.browser.conftest import LiveServer, shot, sign_in
from tests.e2e.conftest import Database

PHONE_WIDTH = 390

#: (login, pages) — each login's daily pages, as the QA audit went through them.
PAGES = [
    ("coordinator", ["/complaints", "/complaints/new", "/outbox", "/incidents", "/incidents/new"]),
    ("handler", ["/complaints/inbox"]),
    ("duty_officer", ["/", "/duty", "/duty/log"]),
    ("planner", ["/planner/people", "/planner/leave", "/planner/rules", "/rosters", "/swaps"]),
    ("leader", ["/dashboard"]),
    ("admin", ["/admin/users", "/admin/calendar", "/admin/plans", "/admin/plans/food_safety/I"]),
]

#: The outermost elements that reach past the right edge of the screen.
_OVERFLOWING = """(width) => {
  const out = [];
  document.querySelectorAll("body *").forEach((el) => {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement.getBoundingClientRect().right;
    if (right > width + 1 && parent <= width + 1) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className}`);
    }
  });
  return out.slice(0, 5).join(", ");
}"""

#: Named controls of API forms that have no error place of their own (none should).
_UNPLACED_FIELDS = """() => {
  const found = [];
  document.querySelectorAll("form[data-api]").forEach((form) => {
    Array.from(form.elements).forEach((el) => {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") return;
      const box = el.closest("[data-field]");
      const ok = box && form.contains(box) && box.querySelector(".ferror")
        && el.name.startsWith(box.getAttribute("data-field"));
      if (!ok) found.push(`${form.id || form.getAttribute("data-api")}: ${el.name}`);
    });
  });
  return found;
}"""


@pytest.fixture
def demo_items(e2e_database: Database) -> None:
    """The demo's complaints, so that the queue, the inbox and the dashboard have rows."""
    engine = make_engine(e2e_database.url)
    try:
        with Session(engine) as session:
            assert demo_complaints.seed_complaints(session, now=datetime.now(UTC)) > 0
    finally:
        engine.dispose()


def _open_incident(live_server: LiveServer) -> int:
    with live_server.api("coordinator") as api:
        created = api.post(
            "/api/v1/incidents",
            json={
                "title": "电梯困人，一名老人被困轿厢内",
                "category": "special_equipment",
                "severity": "I",
                "place": "城东区东关路12号华府小区3号楼",
            },
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"])


@pytest.mark.usefixtures("demo_items")
def test_pages_fit_a_phone_screen_and_every_field_has_an_error_place(
    open_page: Any, live_server: LiveServer
) -> None:
    too_wide: list[str] = []
    unplaced: list[str] = []
    roster = live_server.published_roster()
    incident = _open_incident(live_server)
    for login, paths in PAGES:
        page, _ = open_page()
        sign_in(page, login)
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        extra = {
            "planner": [f"/rosters/{roster.id}"],
            "coordinator": [f"/incidents/{incident}"],
        }.get(login, [])
        for path in paths + extra:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                culprits = page.evaluate(_OVERFLOWING, PHONE_WIDTH)
                too_wide.append(f"{path} ({login}): {width}px: {culprits}")
            unplaced += [f"{path}: {f}" for f in page.evaluate(_UNPLACED_FIELDS)]
        shot(page, f"phone-{login}")
    assert not too_wide and not unplaced, "\n".join(
        ["too wide:", *too_wide, "unplaced:", *unplaced]
    )


def test_field_errors_read_in_chinese_beside_their_labelled_fields(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto(f"/rosters/{live_server.published_roster().id}")
    sick = page.locator("#sick-form")
    sick.locator('input[name="start_date"]').fill("2026-12-10")
    sick.locator('input[name="end_date"]').fill("2026-12-08")
    sick.locator('button[type="submit"]').click()
    expect(sick.locator('[data-field="person_id"] .ferror')).to_have_text("必填")
    expect(sick.locator('[data-field="end_date"] .ferror')).to_have_text("不能早于开始日期")
    expect(sick.locator(".form-status")).to_have_text("请修改标出的字段：人员、结束日期")
    shot(page, "repair-field-errors")


@pytest.mark.usefixtures("demo_items")
def test_complaint_intake_marks_every_field_at_once(open_page: Any) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    form = page.locator("#complaint-form")
    page.fill('input[name="submitter_name"]', "赵女士")
    page.fill('input[name="submitter_phone"]', "13912345678")
    page.fill('input[name="respondent_name"]', "好再来超市有限公司")
    page.fill('input[name="respondent_address"]', "城东区幸福路88号")
    page.fill('input[name="amount_cents"]', "12.345")
    page.locator('input[name="amount_cents"]').press("Control+Enter")
    expect(form.locator('[data-field="amount_cents"] .ferror')).to_have_text(
        "请输入以元为单位的金额，最多两位小数，如 12.50"
    )
    for name in ("description", "submitter_address", "claim"):
        expect(form.locator(f'[data-field="{name}"]')).to_have_class(re.compile("invalid"))
    expect(form.locator(".form-status")).to_have_text(
        "请修改标出的字段：事实、诉求（投诉）、投诉举报人地址、争议金额（元）"
    )
    shot(page, "complaint-intake-all-errors")
