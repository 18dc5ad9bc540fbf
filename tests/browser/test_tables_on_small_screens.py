"""Tables on an upright tablet and on a phone, measured in Chromium: on a tablet a row's
controls (the outbox's reply field, the inbox's buttons) lie inside the table's box, not
beyond its edge where only a sideways scroll finds them; on a phone the duty log, the
handovers and the swaps are cards (a table, rows and cells to a screen reader) with finger-
sized buttons; the roster grid stays a grid whose names stay in view as it scrolls sideways."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from oncall.models import Unit, UnitKind
from tests.browser.conftest import DESKTOP, PHONE, TABLET, LiveServer, shot
from tests.browser.test_insight import _surge
from tests.browser.test_layout_and_forms import demo_items  # noqa: F401 - a fixture
from tests.browser.test_phone_journeys import _ax_roles, _fits, _log_incident, _phone, _tappable
from tests.browser.test_rosters import _swappable_pair

# the controls of a table that lie beyond the right (or left) edge of its box
_OUTSIDE = """(table) => {
  const box = table.getBoundingClientRect();
  const right = box.left + table.clientWidth;
  return Array.from(table.querySelectorAll('button, a, input:not([type=hidden]), select, textarea'))
    .filter((el) => el.getClientRects().length)
    .map((el) => [el.innerText || el.name, el.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left - 0.5 || r.right > right + 0.5)
    .map(([name, r]) => `${name}: ${r.left}–${r.right} in ${box.left}–${right}`);
}"""
_SCROLLS = "(el) => [el.scrollWidth, el.clientWidth]"


def _inside_its_box(page: Any, table: str) -> None:
    box = page.locator(table)
    assert box.evaluate(_OUTSIDE) == [], f"{table} on {page.url}"
    scroll, client = box.evaluate(_SCROLLS)
    assert scroll <= client, f"{table} scrolls sideways: {scroll}px in {client}px"


@pytest.mark.usefixtures("demo_items")
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_row_controls_lie_inside_the_table_on_an_upright_tablet(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    incident = _log_incident(live_server)
    page = _phone(open_page, locale, "duty_officer", TABLET)
    page.goto("/outbox")
    reply = page.locator(f'#outbox tr[data-notification]:has(a[href="/incidents/{incident}"])')
    expect(reply.locator("form.reply").first).to_be_visible()  # the dispatcher paged someone
    _inside_its_box(page, "#outbox")
    _fits(page)
    shot(page, f"tablet-outbox-{locale}")
    handler = _phone(open_page, locale, "handler", TABLET)
    handler.goto("/complaints/inbox")
    # the demo has items to sign for, to return and to reply to (a reply form with a result)
    expect(handler.locator("#inbox-table button[data-do=reply]").first).to_be_visible()
    _inside_its_box(handler, "#inbox-table")
    # an item without a respondent or a unit shows no dangling separator ("Other ·")
    notes = handler.locator("#inbox-table small.muted").all_inner_texts()
    assert notes and [n for n in notes if n.strip().endswith("·")] == []
    _fits(handler)
    shot(handler, f"tablet-inbox-{locale}")


def _duty_log_with_a_handover_to_me(live_server: LiveServer) -> None:
    """An entry in the duty log, and a handover from the coordinator to the duty officer."""
    me, coordinator = live_server.person_of("duty_officer"), live_server.person_of("coordinator")
    with live_server.session() as session:
        section = session.exec(select(Unit).where(Unit.kind == UnitKind.section)).first()
        assert section is not None
    when = (live_server.clock.now() - timedelta(minutes=20)).isoformat()
    with live_server.api("duty_officer") as api:
        entry = api.post(
            "/api/v1/duty-log",
            json={
                "unit_id": section.id,
                "occurred_at": when,
                "caller_unit": "城东区市场监督管理局东关所",
                "caller_name": "许涛",
                "caller_phone": "+8613800001234",
                "place": "城东区东关路12号华府小区3号楼",
                "event": "电梯困人，一名老人被困轿厢内，维保单位已在路上",
                "measures": "已通知维保单位赶赴现场，并报119",
                "informed": "城东区局值班室",
                "recorder_person_id": me.id,
            },
        )
        assert entry.status_code == 201, entry.text
    with live_server.api("coordinator") as api:
        handover = api.post(
            "/api/v1/handovers",
            json={
                "unit_id": section.id,
                "from_person_id": coordinator.id,
                "to_person_id": me.id,
                "open_items": "#1 电梯困人 待续报",
            },
        )
        assert handover.status_code == 201, handover.text


# each cell of a table's rows: its column's heading, whether the heading is for screen readers
# only (the row's buttons), and the cell's label on a card
_CELL_LABELS = """(table, rows) => {
  const heads = Array.from(table.querySelectorAll('thead th'))
    .map((th) => [th.textContent.trim(), th.querySelector('.sr-only') !== null]);
  return Array.from(table.querySelectorAll(rows)).flatMap((tr) => Array.from(tr.cells)
    .map((td, i) => heads[i].concat([td.getAttribute('data-label')])));
}"""


def _request_swap(live_server: LiveServer, roster: Any, **extra: str) -> int:
    """A swap of two day shifts of `roster` no hard rule refuses, requested by the planner
    (with `extra` fields such as its reason); its id."""
    assert roster.id is not None
    a, b = _swappable_pair(live_server, roster.id)
    with live_server.api("planner") as api:
        swap = api.post(
            "/api/v1/swaps",
            json={
                "roster_id": roster.id,
                "a_person_id": a.person_id,
                "a_day": a.day.isoformat(),
                "b_person_id": b.person_id,
                "b_day": b.day.isoformat(),
                **extra,
            },
        )
        assert swap.status_code == 201, swap.text
    return int(swap.json()["id"])


def _labelled(page: Any, table: str, rows: str) -> None:
    """Each value on a card is labelled with its column's heading; the buttons' cell (a
    heading for screen readers only) shows none, as the buttons name themselves."""
    cells = page.locator(table).evaluate(_CELL_LABELS, f"tbody {rows}")
    assert cells, f"{table}: no {rows}"
    for heading, buttons, label in cells:
        assert label == (None if buttons else heading), (
            f"{table}: {heading!r} cell labelled {label!r}"
        )


def _cards(page: Any, table: str, row: str) -> None:
    """The table shows a card per row: no sideways scroll, each row a block inside the
    screen, and still a table of rows to a screen reader."""
    width = PHONE["viewport"]["width"]
    _fits(page)
    _inside_its_box(page, table)
    card = page.locator(f"{table} {row}").first
    expect(card).to_have_css("display", "block")
    box = card.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{table} card: {box}"
    assert _ax_roles(page, table, f"{table} {row}") == ["table", "row"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_duty_log_and_the_handovers_are_cards_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    _duty_log_with_a_handover_to_me(live_server)
    page = _phone(open_page, locale, "duty_officer")
    page.goto("/duty/log")
    _cards(page, "#duty-log", "tr[data-entry]")
    _cards(page, "#handovers", "tr[data-handover]")
    entry = page.locator("#duty-log tr[data-entry]").first
    informed = "Already informed" if locale == "en" else "已通知"
    expect(entry.locator(f'td[data-label="{informed}"]')).to_have_text("城东区局值班室")
    confirm = page.locator("#handovers tr[data-handover] button[data-action$='/ack']").first
    _tappable(confirm, screen=PHONE["viewport"]["width"])
    shot(page, f"phone-duty-log-{locale}")
    confirm.tap()
    expect(confirm).to_have_count(0)
    received = page.locator("#handovers tr[data-handover]").first.locator("td").last
    expect(received).to_contain_text(live_server.person_of("duty_officer").name)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_swaps_are_cards_on_a_phone_and_the_leader_decides_there(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    roster = live_server.published_roster()
    swap_id = _request_swap(live_server, roster, reason="家中有事")
    width = PHONE["viewport"]["width"]
    officer = _phone(open_page, locale, "duty_officer")
    officer.goto("/swaps")
    _cards(officer, "#swap-table", "tr[data-swap]")
    _tappable(officer.locator("#swap-table tr[data-swap] a").first, screen=width)
    leader = _phone(open_page, locale, "leader")
    leader.goto("/swaps")
    waiting = "1 request waits for a decision." if locale == "en" else "1 个换班申请待审批。"
    expect(leader.locator("#swaps-pending")).to_have_text(waiting)
    _cards(leader, "#swap-table", "tr[data-swap]")
    _labelled(leader, "#swap-table", "tr[data-swap]")
    row = leader.locator(f'#swap-table tr[data-swap="{swap_id}"]')
    for button in row.locator("button").all():
        _tappable(button, screen=width)
    shot(leader, f"phone-swaps-{locale}")
    with leader.expect_navigation():
        row.locator("button.primary").tap()
    expect(row.locator(".sstatus")).to_have_text("Approved" if locale == "en" else "已批准")


def test_the_roster_grid_scrolls_in_its_box_with_the_names_in_view_on_a_phone(
    open_page: Any, live_server: LiveServer
) -> None:
    """The grid stays a grid (people × days is what it says); the page keeps the screen's
    width, the grid scrolls sideways in its box, and each row's name stays at its left."""
    roster = live_server.published_roster()
    page = _phone(open_page, "zh-CN", "duty_officer")
    page.goto(f"/rosters/{roster.id}")
    grid = page.locator(".grid-wrap")
    me = live_server.person_of("duty_officer")
    name = page.locator(f'.roster-grid tr[data-person="{me.id}"] th.name')
    expect(name).to_be_visible()
    _fits(page)
    scroll, client = grid.evaluate(_SCROLLS)
    assert scroll > client  # a month of days is wider than a phone
    before = name.bounding_box()
    grid.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    after = name.bounding_box()
    assert before and after and after["x"] == pytest.approx(before["x"], abs=1), (before, after)
    # the legend breaks between its entries, not inside one (法/定节假日)
    entries = page.locator(".legend").evaluate(_LEGEND_LINES)
    assert len(entries) >= 4, entries  # the shifts, holiday, make-up day, weekend
    for text, lines in entries:
        assert lines == 1, f"legend entry {text!r} takes {lines} lines"
    shot(page, "phone-roster-grid")


def test_a_narrow_table_is_no_wider_than_its_columns_on_a_phone(
    open_page: Any, live_server: LiveServer
) -> None:
    """Below desktop width a table is a scrolling block: one narrower than the screen
    showed a white strip beside its last column (the published duty phones)."""
    page = _phone(open_page, "en", "duty_officer")
    page.goto("/duty")
    for table in ("#duty-phones table", "#my-shifts"):  # "on duty now" is cards on a phone
        gap = page.locator(table).evaluate(
            """(t) => t.getBoundingClientRect().left + t.clientWidth
                      - t.querySelector('tr').getBoundingClientRect().right"""
        )
        assert gap <= 1, f"{table}: {gap}px of blank beside the columns"


# each text cell of a table shown: its characters, and the lines they take on the screen
_CELL_LINES = """(table) => Array.from(table.querySelectorAll('tbody td')).map((cell) => {
  if (!cell.getClientRects().length) return ['', 0];  // a closed row editor is not shown
  const text = cell.innerText.trim();
  const range = document.createRange();
  range.selectNodeContents(cell);
  const boxes = Array.from(range.getClientRects())
    .filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
  // boxes side by side on one line overlap in height, though a badge's padding or a link's
  // tap height moves them a few pixels off each other
  let lines = 0, bottom = -Infinity;
  for (const box of boxes) {
    if (box.top >= bottom - 2) { lines += 1; bottom = box.bottom; }
    else { bottom = Math.max(bottom, box.bottom); }
  }
  return [text, lines];
}).filter(([text]) => text)"""


_LEGEND_LINES = _CELL_LINES.replace("(table) =>", "(legend) =>").replace(
    "table.querySelectorAll('tbody td')", "legend.querySelectorAll('.legend-item')"
)


def _not_squeezed(page: Any, table: str) -> None:
    """No cell of the table is squeezed below its words: a short value (a time, a kind, a
    place) keeps one line, a longer one some ten characters a line, not one or two."""
    for text, lines in page.locator(table).evaluate(_CELL_LINES):
        if len(text) <= 12:
            assert lines == 1, f"{table}: {text!r} takes {lines} lines on {page.url}"
        else:
            assert len(text) / lines >= 10, f"{table}: {text!r} takes {lines} lines"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_incidents_reports_read_on_a_phone_and_on_a_desktop(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    incident = _log_incident(live_server)
    with live_server.api("coordinator") as api:
        for kind, to, summary in (
            ("initial", "市局应急值班室", "电话报告：电梯困人，一名老人被困，维保单位已赶赴现场"),
            ("follow_up", "市局应急值班室、区政府总值班室", "续报：被困人员已救出，无人受伤"),
        ):
            made = api.post(
                f"/api/v1/incidents/{incident}/reports",
                json={"kind": kind, "reported_to": to, "summary": summary},
            )
            assert made.status_code == 201, made.text
    page = _phone(open_page, locale, "coordinator")
    page.goto(f"/incidents/{incident}")
    expect(page.locator("#reports tbody tr")).to_have_count(2)
    _fits(page)
    _inside_its_box(page, "#reports")
    _not_squeezed(page, "#reports")
    shot(page, f"phone-incident-reports-{locale}")
    desktop = _phone(open_page, locale, "coordinator", DESKTOP)
    desktop.goto(f"/incidents/{incident}")
    expect(desktop.locator("#reports thead")).to_be_visible()  # a table with its headings
    _not_squeezed(desktop, "#reports")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_incidents_pages_and_calls_read_on_a_phone_and_on_a_desktop(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """The pages table squeezed its kind (短信, 语音电话) and status to a character a line on a
    phone, as the reports table did: each page is now a card there too."""
    incident = _log_incident(live_server)
    page = _phone(open_page, locale, "coordinator")
    page.goto(f"/incidents/{incident}")
    expect(page.locator("#pages tbody tr[data-notification]").first).to_be_visible()
    _fits(page)
    _inside_its_box(page, "#pages")
    _not_squeezed(page, "#pages")
    desktop = _phone(open_page, locale, "coordinator", DESKTOP)
    desktop.goto(f"/incidents/{incident}")
    expect(desktop.locator("#pages thead")).to_be_visible()
    expect(desktop.locator("#pages tbody tr[data-notification]").first).to_be_visible()
    _not_squeezed(desktop, "#pages")


def test_the_analysis_reports_list_reads_on_a_phone(
    open_page: Any, live_server: LiveServer
) -> None:
    """The reports list squeezed its kind, status, time and who generated it to a character or
    two a line on a phone (周/报, 已/生/成, 定/时/任/务): each report is now a card there."""
    page = _phone(open_page, "zh-CN", "leader")
    page.goto("/reports")
    form = page.locator("#report-form")
    form.locator('select[name="kind"]').select_option("monthly")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page.locator("#report-table tbody tr[data-report]").first).to_contain_text("已生成")
    _fits(page)
    _inside_its_box(page, "#report-table")
    _not_squeezed(page, "#report-table")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_early_warnings_read_on_a_phone_and_on_a_desktop(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """The warnings list squeezed its button and status to a character a line on a phone
    (确/认/预/警, 待/确/认): each warning is now a card there, each value labelled; so are
    the items behind a warning on its page."""
    _surge(live_server)
    page = _phone(open_page, locale, "coordinator")
    page.goto("/warnings")
    with page.expect_navigation():
        page.locator("#run-detection").click()
    acknowledge = page.locator(
        "#warning-table tr[data-warning] button[data-action$='/acknowledge']"
    )
    expect(acknowledge.first).to_be_visible()
    _cards(page, "#warning-table", "tr[data-warning]")
    _not_squeezed(page, "#warning-table")
    _labelled(page, "#warning-table", "tr[data-warning]")
    row = page.locator("#warning-table tr[data-warning]").filter(has=acknowledge).first
    for button in row.locator("button").all():
        _tappable(button, screen=PHONE["viewport"]["width"])
    shot(page, f"phone-warnings-{locale}")
    # a warning's page: the items behind the rise are cards too, each linked to its page
    with page.expect_navigation():
        page.locator("#warning-table tr[data-warning] a[href^='/warnings/']").first.click()
    expect(page.locator("#warning-items tbody tr a[href^='/complaints/']").first).to_be_visible()
    _cards(page, "#warning-items", "tbody tr")
    _not_squeezed(page, "#warning-items")
    _labelled(page, "#warning-items", "tr")
    shot(page, f"phone-warning-{locale}")
    desktop = _phone(open_page, locale, "coordinator", DESKTOP)
    desktop.goto("/warnings")
    expect(desktop.locator("#warning-table thead")).to_be_visible()
    expect(desktop.locator("#warning-table tbody tr[data-warning]").first).to_be_visible()
    _not_squeezed(desktop, "#warning-table")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_dashboards_duty_team_reads_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """The leader's duty team squeezed its names and shifts to a character a line on a phone
    (杨/帆, 带班/领导) and cut its last column off: each shift is now a card there."""
    page = _phone(open_page, locale, "leader")
    page.goto("/dashboard")
    expect(page.locator("#duty-team tbody tr.current").first).to_be_visible()
    _cards(page, "#duty-team", "tbody tr")
    _not_squeezed(page, "#duty-team")
    shot(page, f"phone-dashboard-duty-team-{locale}")
    desktop = _phone(open_page, locale, "leader", DESKTOP)
    desktop.goto("/dashboard")
    expect(desktop.locator("#duty-team thead")).to_be_visible()
    _not_squeezed(desktop, "#duty-team")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_dashboards_weeks_keep_their_dates_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """The time-to-acknowledge table broke its week's date in two on a phone (2026-12- / 07)."""
    _log_incident(live_server)
    page = _phone(open_page, locale, "leader")
    page.goto("/dashboard")
    expect(page.locator("#ack-weeks tbody tr").first).to_be_visible()
    _fits(page)
    _not_squeezed(page, "#ack-weeks")


@pytest.mark.usefixtures("demo_items")
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_items_time_limits_read_on_a_phone_and_on_a_desktop(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """An item's time limits squeezed to a few characters a line on a phone (1 个工/作日,
    2026-11-/23, 受理/决定): each clock is now a card there, a table on a desktop."""
    page = _phone(open_page, locale, "handler")
    page.goto("/complaints/inbox")
    with page.expect_navigation():
        page.locator("#inbox-table tr[data-complaint] a").first.tap()
    clocks = page.locator("#complaint-clocks tbody tr")
    expect(clocks.first).to_be_visible()
    assert clocks.count() >= 2
    _cards(page, "#complaint-clocks", "tbody tr")
    _not_squeezed(page, "#complaint-clocks")
    shot(page, f"phone-item-clocks-{locale}")
    desktop = _phone(open_page, locale, "handler", DESKTOP)
    desktop.goto(page.url)
    expect(desktop.locator("#complaint-clocks thead")).to_be_visible()
    _not_squeezed(desktop, "#complaint-clocks")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_who_is_on_duty_now_reads_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """My duty's "on duty now" broke three-character names and shift names in two (王建/国,
    备班（二/线）) beside the phone numbers: each person on duty is a card there."""
    page = _phone(open_page, locale, "duty_officer")
    page.goto("/duty")
    expect(page.locator("#on-duty-now tbody tr a[href^='tel:']").first).to_be_visible()
    _cards(page, "#on-duty-now", "tbody tr")
    _not_squeezed(page, "#on-duty-now")
    _labelled(page, "#on-duty-now", "tr")
    shot(page, f"phone-on-duty-now-{locale}")


def test_a_roster_with_swapped_cells_keeps_the_phones_width(
    open_page: Any, live_server: LiveServer
) -> None:
    """The hidden notes of changed cells ("计划：休") stay in the grid's scroll box: the page
    does not scroll sideways."""
    roster = live_server.published_roster()
    swap_id = _request_swap(live_server, roster)
    with live_server.api("leader") as api:
        approved = api.post(f"/api/v1/swaps/{swap_id}/approve")
        assert approved.status_code == 200, approved.text
    page = _phone(open_page, "zh-CN", "duty_officer")
    page.goto(f"/rosters/{roster.id}")
    expect(page.locator(".roster-grid td.adjusted").first).to_be_attached()
    _fits(page)
