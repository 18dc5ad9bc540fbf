"""After an action that reloads the page, the user is back where they acted: the address names
the row (so the browser lands there even without the script), the row is scrolled into view and
has the keyboard focus, and the outcome is read out through the page's status region. Shown on
a short screen, where the rows sit below the first view, for an editor in a table row (the rules
page), a button in a row (early warnings) and a form in a row (the unit inbox); a form that
creates a row (a swap request, a duty-log entry, a handover, a user) lands on the new row."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from api import demo_complaints
from core.db import make_engine
from tests.browser.conftest import PHONE, LiveServer, sign_in
from tests.browser.test_insight import _surge
from tests.browser.test_phone_journeys import _phone
from tests.browser.test_rosters import _fill_swap_form, _swappable_pair
from tests.e2e.conftest import Database

SHORT_SCREEN: dict[str, Any] = {"viewport": {"width": 1024, "height": 420}}


@pytest.fixture
def inbox_items(e2e_database: Database) -> None:
    """The demo's complaints, seeded into this test's copy before the server starts."""
    engine = make_engine(e2e_database.url)
    try:
        with Session(engine) as session:
            demo_complaints.seed_complaints(session, now=datetime.now(UTC))
    finally:
        engine.dispose()


def _scrolled(page: Any) -> bool:
    return bool(page.evaluate("window.scrollY > 0"))


def _back_at(page: Any, row: Any, row_id: str, message: str | re.Pattern[str]) -> None:
    """The reloaded page's address names `row_id`; that row is in view and focused, and the
    status region says `message`."""
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{row_id}")
    expect(row).to_be_in_viewport()
    expect(row).to_be_focused()
    expect(page.locator("#dd-announce")).to_have_text(message)


def test_saving_a_demand_line_in_its_editor_returns_to_its_row(
    open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page(**SHORT_SCREEN)
    sign_in(page, "planner")
    page.goto("/planner/rules")
    row = page.locator("#demand tr[data-demand]").last
    row_id = str(row.get_attribute("id"))
    row.locator("button[data-edit]").click()
    editor = page.locator("#" + str(row.locator("button[data-edit]").get_attribute("data-edit")))
    minimum = editor.locator('input[name="minimum"]')
    minimum.fill(minimum.input_value())  # saved unchanged: the place matters here, not the value
    with page.expect_navigation():
        editor.locator('button[type="submit"]').click()
    _back_at(page, page.locator("#" + row_id), row_id, "已保存")
    assert _scrolled(page)
    expect(editor).to_be_hidden()


def test_acknowledging_an_early_warning_returns_to_its_row_in_english(
    open_page: Any, live_server: LiveServer
) -> None:
    _surge(live_server)
    page, _ = open_page("en", **SHORT_SCREEN)
    page.goto("/lang/en?next=/login")
    sign_in(page, "coordinator")
    page.goto("/warnings")
    with page.expect_navigation():
        page.locator("#run-detection").click()
    # what detection found, in numbers that depend on the surge
    _back_at(
        page, page.locator("#run-detection"), "run-detection", re.compile(r"^Detection done: ")
    )
    acknowledge = page.get_by_role("button", name="Acknowledge", exact=True)
    row = page.locator("#warning-table tr[data-warning]").filter(has=acknowledge).last
    row_id = str(row.get_attribute("id"))
    with page.expect_navigation():
        row.get_by_role("button", name="Acknowledge", exact=True).click()
    row = page.locator("#" + row_id)
    _back_at(page, row, row_id, "Done")
    assert _scrolled(page)
    expect(row).to_contain_text("Acknowledged")
    expect(row.get_by_role("button", name="Acknowledge", exact=True)).to_have_count(0)


def test_the_inbox_returns_to_the_item_acted_on_or_to_the_inbox_when_it_left(
    inbox_items: None, open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page(**SHORT_SCREEN)
    sign_in(page, "handler")
    rows = page.locator("#inbox-table tbody tr[data-complaint]")
    row = rows.filter(has=page.locator('form[data-action-name="sign_for"]')).last
    row_id = str(row.get_attribute("id"))
    with page.expect_navigation():
        row.locator('form[data-action-name="sign_for"]').get_by_role("button").click()
    _back_at(page, page.locator("#" + row_id), row_id, "已保存")  # signed for, still listed

    row = rows.filter(has=page.locator('form[data-action-name="return_to_intake"]')).last
    row_id = str(row.get_attribute("id"))
    give_back = row.locator('form[data-action-name="return_to_intake"]')
    give_back.locator('input[name="reason"]').fill("不属本单位管辖")
    with page.expect_navigation():
        give_back.get_by_role("button").click()
    expect(page.locator("#" + row_id)).to_have_count(0)  # returned: it left the inbox
    _back_at(page, page.locator("#inbox-table"), "inbox-table", "已保存")


def test_without_the_script_an_address_naming_a_row_still_lands_on_it(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page(java_script_enabled=False, **SHORT_SCREEN)
    guard.scripts_off = True
    sign_in(page, "planner")  # the sign-in form is a plain post
    page.goto("/planner/rules")
    row = page.locator("#demand tr[data-demand]").last
    row_id = str(row.get_attribute("id"))
    expect(row).not_to_be_in_viewport()
    page.goto(f"/planner/rules#{row_id}")
    expect(page.locator("#" + row_id)).to_be_in_viewport()
    assert _scrolled(page)


def test_a_row_half_below_the_phone_screen_is_shown_whole_after_acknowledging_it(
    open_page: Any, live_server: LiveServer
) -> None:
    """The browser's own scroll restoration on reload put the page back where it was, after the
    script had scrolled the row into view: a row the user acted on at the foot of a phone's
    screen stayed half hidden below it."""
    _surge(live_server)
    page, _ = open_page(**PHONE)
    sign_in(page, "coordinator")
    page.goto("/warnings")
    with page.expect_navigation():
        page.locator("#run-detection").click()
    acknowledge = page.locator("button[data-action$='/acknowledge']")
    row = page.locator("#warning-table tr[data-warning]").filter(has=acknowledge).last
    row_id = str(row.get_attribute("id"))
    # only the top of the row shows at the foot of the screen, its buttons still reachable
    page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " window.scrollTo(0, window.scrollY + r.top - window.innerHeight + 60); }",
        row_id,
    )
    assert page.locator("#" + row_id).evaluate(
        "r => r.getBoundingClientRect().bottom > innerHeight"
    )
    with page.expect_navigation():
        row.locator("button[data-action$='/acknowledge']").evaluate("b => b.click()")
    row = page.locator("#" + row_id)
    expect(row).to_be_focused()
    expect(row).to_be_in_viewport(ratio=1)


def _created_at_its_row(page: Any, form: Any, api: str, kind: str, saved: str) -> None:
    """Submitting `form` creates a row through POST `api`: the reloaded page lands on the
    row `<kind>-<id>` (the id the API answered), not on the form the reload emptied."""
    answers: list[Any] = []

    def keep(route: Any) -> None:  # the answer's body is gone once the page reloads
        answer = route.fetch()
        answers.append((answer.status, answer.json()))
        route.fulfill(response=answer)

    page.route(f"**{api}", keep)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    page.unroute(f"**{api}")
    [(status, created)] = answers
    assert status == 201, created
    row_id = f"{kind}-{created['id']}"
    row = page.locator("#" + row_id)
    _back_at(page, row, row_id, saved)
    expect(row).to_be_in_viewport(ratio=1)


SCREENS = [("zh-CN", SHORT_SCREEN), ("en", PHONE)]


@pytest.mark.parametrize(("locale", "screen"), SCREENS, ids=["zh-CN-short", "en-phone"])
def test_filing_a_swap_request_lands_on_its_new_row(
    open_page: Any, live_server: LiveServer, locale: str, screen: dict[str, Any]
) -> None:
    roster = live_server.published_roster()
    assert roster.id is not None
    a, b = _swappable_pair(live_server, roster.id)
    page = _phone(open_page, locale, "planner", screen)
    page.goto("/swaps")
    form = _fill_swap_form(page, roster.id, a, b)
    form.locator('input[name="reason"]').fill("家中有事")
    saved = "已保存" if locale == "zh-CN" else "Saved"
    _created_at_its_row(page, form, "/api/v1/swaps", "swap", saved)
    expect(page.locator("#" + page.url.split("#")[1])).to_contain_text("家中有事")


@pytest.mark.parametrize(("locale", "screen"), SCREENS, ids=["zh-CN-short", "en-phone"])
def test_recording_a_duty_log_entry_and_a_handover_land_on_their_new_rows(
    open_page: Any, live_server: LiveServer, locale: str, screen: dict[str, Any]
) -> None:
    page = _phone(open_page, locale, "duty_officer", screen)
    page.goto("/duty/log")
    saved = "已保存" if locale == "zh-CN" else "Saved"
    log = page.locator("#log-form")
    log.locator('textarea[name="event"]').fill("来电反映超市销售过期食品")
    _created_at_its_row(page, log, "/api/v1/duty-log", "entry", saved)
    expect(page.locator("#" + page.url.split("#")[1])).to_contain_text("来电反映超市销售过期食品")

    successor = live_server.person_of("coordinator")
    handover = page.locator("#handover-form")
    handover.locator('select[name="to_person_id"]').select_option(str(successor.id))
    handover.locator('textarea[name="open_items"]').fill("城西区食物中毒事件待续报")
    _created_at_its_row(page, handover, "/api/v1/handovers", "handover", saved)
    expect(page.locator("#" + page.url.split("#")[1])).to_contain_text("城西区食物中毒事件待续报")


@pytest.mark.parametrize(("locale", "screen"), SCREENS, ids=["zh-CN-short", "en-phone"])
def test_adding_a_user_lands_on_its_new_row(
    open_page: Any, live_server: LiveServer, locale: str, screen: dict[str, Any]
) -> None:
    page = _phone(open_page, locale, "admin", screen)
    page.goto("/admin/users")
    form = page.locator("#user-form")
    form.locator('input[name="username"]').fill("new.officer")
    form.locator('select[name="role"]').select_option("duty_officer")
    form.locator('input[name="password"]').fill("a-long-first-password")
    _created_at_its_row(
        page, form, "/api/v1/users", "user", "已保存" if locale == "zh-CN" else "Saved"
    )
    expect(page.locator("#" + page.url.split("#")[1])).to_contain_text("new.officer")
