"""Accessibility of the daily pages, as a keyboard or screen-reader user meets them: contrast
of text and focus rings (WCAG 2.1 AA, computed from the applied styles), labels, header cells,
headings and landmarks, field errors tied to their fields, and live regions that announce what
arrives politely while the focus stays where the user left it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from escalation.models import Incident
from tests.browser import a11y
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_layout_and_forms import PAGES, demo_items  # noqa: F401 - fixture

#: Pages beyond each login's daily list in test_layout_and_forms.PAGES.
MORE_PAGES = {
    "leader": ["/warnings", "/reports"],
    "coordinator": ["/complaints/1"],
    "handler": ["/account"],
}

_FOCUSED_IN = "(id) => document.getElementById(id).contains(document.activeElement)"
_FOCUSED_ACTION = "() => document.activeElement.getAttribute('data-action')"


def _incident(live_server: LiveServer, title: str, category: str, place: str) -> int:
    with live_server.api("coordinator") as api:
        created = api.post(
            "/api/v1/incidents",
            json={"title": title, "category": category, "severity": "III", "place": place},
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"])


@pytest.mark.usefixtures("demo_items")
def test_daily_pages_pass_contrast_label_heading_and_landmark_checks(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _incident(live_server, "电梯困人", "special_equipment", "东关路12号")
    roster = live_server.published_roster()
    findings: list[str] = []
    for login, paths in PAGES:
        extra = MORE_PAGES.get(login, []) + {
            "planner": [f"/rosters/{roster.id}"],
            "coordinator": [f"/incidents/{incident}"],
        }.get(login, [])
        for locale, lang in (("zh-CN", "zh-CN"), ("en", "en")):
            page, _ = open_page(locale)
            sign_in(page, login)
            if locale == "en":
                page.goto("/lang/en?next=/")
            for path in paths + extra:
                page.goto(path)
                found = a11y.structure(page, lang) + a11y.text_contrast(page)
                findings += [f"{path} ({login}, {lang}): {f}" for f in found]
            page.context.close()
    assert findings == [], "\n".join(findings)


def test_the_focus_ring_shows_on_the_header_and_the_menu(open_page: Any) -> None:
    page, _ = open_page()
    sign_in(page, "duty_officer")
    page.goto("/duty")
    weak: list[str] = []
    for _ in range(16):  # skip link, brand, languages, sign out, the whole menu
        page.keyboard.press("Tab")
        problem = a11y.focus_ring(page)
        if problem:
            weak.append(problem)
    assert weak == [], "\n".join(weak)


def test_the_language_links_say_their_own_language(open_page: Any) -> None:
    page, _ = open_page()
    page.goto("/login")
    expect(page.locator('a[data-lang="en"]')).to_have_attribute("lang", "en")
    expect(page.locator('a[data-lang="zh_CN"]')).to_have_attribute("lang", "zh-CN")


def test_a_new_incident_is_announced_and_the_focus_stays_on_acknowledge(
    open_page: Any, live_server: LiveServer
) -> None:
    first = _incident(live_server, "电梯困人", "special_equipment", "东关路12号")
    page, _ = open_page()
    sign_in(page, "duty_officer")
    page.goto("/duty")
    ack = f"/api/v1/incidents/{first}/ack"
    page.locator(f'#my-incidents button[data-action="{ack}"]').focus()
    _incident(live_server, "餐馆疑似食物中毒", "food_safety", "幸福路88号")
    # the poll swaps the list in: the focus is not moved, the new incident is read out
    expect(page.locator("#duty-incidents")).to_contain_text("餐馆疑似食物中毒")
    assert page.evaluate(_FOCUSED_ACTION) == ack
    expect(page.locator("#dd-announce")).to_contain_text("餐馆疑似食物中毒")
    expect(page.locator("#dd-announce")).to_have_attribute("aria-live", "polite")
    page.keyboard.press("Enter")  # acknowledged: the button goes, the place in the page stays
    expect(page.locator(f'button[data-action="{ack}"]')).to_have_count(0)
    expect(page.locator("#dd-announce")).to_contain_text("已确认")
    assert page.evaluate(_FOCUSED_IN, "duty-incidents")


def test_the_incident_timeline_is_announced_without_moving_the_focus(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _incident(live_server, "电梯困人", "special_equipment", "东关路12号")
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto(f"/incidents/{incident}")
    page.locator("#ack-button").focus()
    expect(page.locator("#timeline li")).not_to_have_count(0)
    with live_server.api("duty_officer") as api:  # acknowledged elsewhere (by the duty officer)
        assert api.post(f"/api/v1/incidents/{incident}/ack").status_code == 200
    expect(page.locator("#incident-status")).to_have_attribute("data-status", "acknowledged")
    # the button under the focus is gone: the focus stays in the live part, not on the page
    assert page.evaluate(_FOCUSED_IN, "incident-live")
    expect(page.locator("#dd-announce")).to_contain_text("已确认")
    page.keyboard.press("Tab")
    expect(page.locator("#incident-live button").first).to_be_focused()


def test_field_errors_describe_their_field_and_focus_the_first_in_the_form(
    open_page: Any,
) -> None:
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    form = page.locator("#complaint-form")
    page.fill('textarea[name="description"]', "超市出售过期牛奶，要求退货。")
    page.locator('textarea[name="description"]').press("Control+Enter")
    # the claim is the first marked field of the form (the API names the submitter first)
    claim = form.locator('textarea[name="claim"]')
    expect(claim).to_be_focused()
    expect(claim).to_have_attribute("aria-invalid", "true")
    expect(claim).to_have_accessible_description(
        form.locator('[data-field="claim"] .ferror').inner_text()
    )
    name = form.locator('input[name="submitter_name"]')
    expect(name).to_have_accessible_description(
        form.locator('[data-field="submitter_name"] .ferror').inner_text()
    )
    page.fill('textarea[name="claim"]', "退货退款")
    claim.press("Control+Enter")  # corrected: its error and description go
    expect(form.locator('input[name="submitter_name"]')).to_be_focused()
    expect(claim).not_to_have_attribute("aria-invalid", "true")
    expect(claim).to_have_accessible_description("")


def test_a_reply_from_the_outbox_leaves_the_focus_on_its_button(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _incident(live_server, "电梯困人", "special_equipment", "东关路12号")
    with live_server.session() as session:
        code = session.get(Incident, incident).short_code  # type: ignore[union-attr]
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/outbox")
    reply = page.locator(f'tr:has(a[href="/incidents/{incident}"]) form.reply').first
    reply.locator('input[name="body"]').fill(f"{code} 确认")
    reply.locator('input[name="body"]').press("Enter")
    expect(page.locator("#outbox-answer")).not_to_be_empty()
    # out of the typing field (so the outbox keeps updating), not dropped to the page
    expect(page.locator("#outbox form.reply button:focus")).to_have_count(1)


def test_an_empty_reply_in_the_outbox_names_the_field_by_its_label(
    open_page: Any, live_server: LiveServer
) -> None:
    """The summary of a refused reply names the field as its (hidden) label does, 回复, not by
    the API's field name."""
    incident = _incident(live_server, "电梯困人", "special_equipment", "西关路3号")
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "coordinator")
    page.goto("/outbox")
    reply = page.locator(f'tr:has(a[href="/incidents/{incident}"]) form.reply').first
    reply.locator('input[name="body"]').press("Enter")
    expect(reply.locator(".ferror")).to_have_text("必填")
    expect(reply.locator(".form-status")).to_have_text("请修改标出的字段：回复")


def test_a_required_fields_name_is_its_label_without_the_star(open_page: Any) -> None:
    """The star is for the eye: a screen reader says "required" from the control instead of
    reading "Facts star" as its name."""
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    form = page.locator("#complaint-form")
    facts = form.locator('textarea[name="description"]')  # a macro-built field
    expect(facts).to_have_accessible_name("事实")
    expect(facts).to_have_attribute("required", "")
    kind = form.locator('select[name="item_type"]')  # a hand-built one
    expect(kind).to_have_accessible_name("类别")
    expect(kind).to_have_attribute("required", "")
    starred = form.locator("label.field:has(.ftext abbr) :is(input, select, textarea)")
    assert starred.count() >= 3
    for n in range(starred.count()):
        expect(starred.nth(n)).not_to_have_accessible_name(re.compile(r"\*"))
