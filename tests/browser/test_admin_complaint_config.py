"""The administrator's complaint configuration in Chromium on the demo centre: a term added to
the dictionary changes the suggestion in the try-it box at once and on the intake form; a
routing rule changed on the page routes the next complaint; a refused change is shown beside
its field; the pages work from the keyboard and are cards on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from complaints.config_models import RoutingRule
from complaints.vocab import Domain
from oncall.models import Unit
from tests.browser import a11y
from tests.browser.conftest import LiveServer, shot, sign_in
from tests.browser.test_layout_and_forms import demo_items  # noqa: F401 - a fixture
from tests.browser.test_phone_journeys import _ax_roles, _fits, _phone, _tappable
from tests.complaint_helpers import complaint_data

TEXT = "酒店拒绝退还押金，前台态度恶劣"
ADMIN_PAGES = ("/admin/terms", "/admin/routing", "/admin/units", "/admin/rule-sets")
# the demo's routing rules, term dictionary and unit profiles (with its complaints)
pytestmark = pytest.mark.usefixtures("demo_items")


def test_a_new_term_changes_the_suggestion_in_the_try_it_box_and_on_the_intake_form(
    open_page: Any,
) -> None:
    page, guard = open_page()
    sign_in(page, "admin")
    page.click('nav.main a[href="/admin/terms"]')
    expect(page).to_have_url(re.compile(r"/admin/terms$"))
    preview = page.locator("#try-it-preview")
    page.fill('#try-it textarea[name="text"]', TEXT)
    expect(preview).to_have_attribute("data-domain", "consumer_protection")

    form = page.locator("#term-form")
    form.locator('input[name="term"]').fill("酒店")
    form.locator('select[name="kind"]').select_option("domain")
    form.locator('select[name="domain"]').select_option("price")
    form.locator('input[name="weight"]').fill("5")
    form.locator('input[name="weight"]').press("Control+Enter")  # sent from the keyboard
    expect(page.locator("#terms tr[data-term]", has_text="酒店")).to_be_visible()
    expect(preview).to_have_attribute("data-domain", "price")  # the same text, classified anew
    expect(preview).to_contain_text("价格")

    # a term the classifier could never find is refused beside the field
    guard.allow(422)
    form = page.locator("#term-form")  # the region was refreshed: a new form
    form.locator('input[name="term"]').fill("退 押金")
    form.locator('select[name="kind"]').select_option("urgent")
    form.locator("button[type=submit]").click()
    error = form.locator('[data-field="term"] .ferror')
    expect(error).to_contain_text("永远无法匹配")
    expect(form.locator('input[name="term"]')).to_be_focused()
    shot(page, "admin-terms-refused")

    coordinator, _ = open_page()
    sign_in(coordinator, "coordinator")
    coordinator.goto("/complaints/new")
    coordinator.fill('textarea[name="description"]', TEXT)
    expect(coordinator.locator("#classify-preview")).to_have_attribute("data-domain", "price")


def _unit_id(live_server: LiveServer, code: str) -> int:
    with live_server.session() as session:
        unit = session.exec(select(Unit).where(Unit.code == code)).one()
        assert unit.id is not None
        return unit.id


def test_a_routing_rule_changed_on_the_page_routes_the_next_complaint(
    open_page: Any,
    live_server: LiveServer,
) -> None:
    with live_server.session() as session:
        rule = session.exec(
            select(RoutingRule).where(
                RoutingRule.district == "城东区", RoutingRule.domain == Domain.price
            )
        ).first()
        assert rule is None  # the demo sends price matters in 城东区 to the district bureau
    page, guard = open_page("en")
    page.goto("/lang/en?next=/login")
    sign_in(page, "admin")
    page.goto("/admin/routing")
    check = page.locator("#route-check")
    check.locator('select[name="domain"]').select_option("price")
    check.locator('input[name="address"]').fill("城东区幸福路88号")
    with page.expect_navigation():
        check.locator('input[name="address"]').press("Enter")
    answer = page.locator("#route-answer")
    expect(answer).to_contain_text("城东区市场监督管理局")
    hit = answer.get_attribute("data-rule")
    expect(page.locator(f'#routing-rules tr[data-rule="{hit}"]')).to_have_class("row-hit")

    # the district rule now sends items to the 东关 field office instead
    page.click(f'#routing-rules tr[data-rule="{hit}"] button[data-edit]')
    editor = page.locator(f"#rule-edit-{hit}")
    expect(editor.locator('input[name="district"]')).to_be_focused()
    editor.locator('select[name="unit_id"]').select_option(
        str(_unit_id(live_server, "fo-chengdong-dongguan"))
    )
    with page.expect_navigation():
        editor.locator("button[type=submit]").click()
    row = page.locator(f'#routing-rules tr[data-rule="{hit}"]')
    expect(row).to_contain_text("城东区东关市场监管所")

    # a second rule for the same district and domain with no order between them is refused
    guard.allow(409)
    form = page.locator("#rule-form")
    form.locator('input[name="district"]').fill("城东区")
    form.locator('select[name="domain"]').select_option("food")
    form.locator("button[type=submit]").click()
    expect(form.locator('[data-field="priority"] .ferror')).to_contain_text("same priority")
    expect(form.locator('[data-field="priority"]')).to_have_class(re.compile("invalid"))

    with live_server.api("coordinator") as api:
        body = complaint_data().model_dump(mode="json", exclude_none=True)
        created = api.post("/api/v1/complaints", json=body)
        assert created.status_code == 201, created.text
        (item,) = created.json()["items"]
    assert item["unit_id"] == _unit_id(live_server, "fo-chengdong-dongguan")
    page.goto(f"/complaints/{item['id']}")
    expect(page.locator("main")).to_contain_text("城东区东关市场监管所")


def test_a_units_supervisor_is_changed_from_the_keyboard(
    open_page: Any,
    live_server: LiveServer,
) -> None:
    page, _ = open_page()
    sign_in(page, "admin")
    page.goto("/admin/units")
    unit = _unit_id(live_server, "d-chengxi")
    edit = page.locator(f'tr[data-unit="{unit}"] button[data-edit]')
    edit.focus()
    page.keyboard.press("Enter")
    editor = page.locator(f"#unit-edit-{unit}")
    expect(editor.locator('select[name="contact_person_id"]')).to_be_focused()
    page.keyboard.press("Escape")  # closed again, the focus back on its button
    expect(editor).to_be_hidden()
    expect(edit).to_be_focused()
    page.keyboard.press("Enter")
    editor.locator('select[name="supervisor_person_id"]').select_option(label="许涛 ")
    with page.expect_navigation():
        editor.locator('select[name="supervisor_person_id"]').press("Control+Enter")
    expect(page.locator(f'tr[data-unit="{unit}"]')).to_contain_text("许涛")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_admin_tables_are_cards_on_a_phone(
    open_page: Any,
    locale: str,
) -> None:
    page = _phone(open_page, locale, "admin")
    for path, table in zip(
        ADMIN_PAGES, ("#terms", "#routing-rules", "#unit-profiles", "#rule-sets"), strict=True
    ):
        page.goto(path)
        expect(page.locator(table)).to_be_visible()
        _fits(page)
        assert _ax_roles(page, table, f"{table} tbody tr") == ["table", "row"]
        button = page.locator(f"{table} tbody tr button").first
        if button.count():
            _tappable(button, screen=page.viewport_size["width"])
        shot(page, f"phone-admin{path.replace('/', '-')}-{locale}")


def test_the_admin_pages_pass_the_accessibility_checks(open_page: Any) -> None:
    """The checks of tests/browser/test_accessibility.py (labels, headings, landmarks,
    contrast) on the administration pages, in both languages."""
    findings: list[str] = []
    for locale in ("zh-CN", "en"):
        page, _ = open_page(locale)
        if locale == "en":
            page.goto("/lang/en?next=/login")
        sign_in(page, "admin")
        for path in ADMIN_PAGES:
            page.goto(path)
            found = a11y.structure(page, locale) + a11y.text_contrast(page)
            findings += [f"{path} ({locale}): {f}" for f in found]
    assert findings == [], "\n".join(findings)
