"""The night on a phone: a paged duty officer follows the outbox link and acknowledges, finds
the Acknowledge button on "My duty" without scrolling, a coordinator logs an incident, a
handler works the unit inbox and an item with its countdowns; an upright tablet in English.

Asserted on measured geometry: nothing widens the page (the document does not scroll
sideways), the main actions lie inside the screen and are at least 44 px (a finger's tap
target, WCAG 2.5.5), and inputs use at least 16 px text (smaller makes phones zoom in)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from core.audit import list_entries
from tests.browser.conftest import DESKTOP, PHONE, TABLET, LiveServer, shot, sign_in
from tests.browser.test_insight import _surge
from tests.browser.test_layout_and_forms import demo_items  # noqa: F401 - a fixture

TAP = 44  # px: the smallest comfortable tap target
PHONE_TEXT = 16  # px: below this a phone zooms into the field being typed in

_PAGE_WIDTH = "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
_FONT_SIZE = "(el) => parseFloat(getComputedStyle(el).fontSize)"


def _log_incident(live_server: LiveServer, title: str = "电梯困人，一名老人被困轿厢内") -> int:
    with live_server.api("coordinator") as api:
        created = api.post(
            "/api/v1/incidents",
            json={
                "title": title,
                "category": "special_equipment",
                "severity": "I",
                "place": "城东区东关路12号华府小区3号楼",
            },
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"])


def _phone(open_page: Any, locale: str, login: str, device: dict[str, Any] = PHONE) -> Any:
    page, _ = open_page(locale, **device)
    if locale == "en":
        page.goto("/lang/en?next=/login")
    sign_in(page, login)
    return page


def _fits(page: Any) -> None:
    scroll, client = page.evaluate(_PAGE_WIDTH)
    assert scroll <= client, f"{page.url} is {scroll}px wide on a {client}px screen"


def _tappable(locator: Any, *, screen: int) -> dict[str, float]:
    """The element lies inside the screen's width and is a finger-sized target."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    name = locator.inner_text() or locator.get_attribute("name")
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen, f"{name!r} off screen: {box}"
    assert box["height"] >= TAP and box["width"] >= TAP, f"{name!r} too small to tap: {box}"
    return dict(box)


def _phone_inputs(form: Any, *, screen: int) -> None:
    fields = form.locator("input:visible:not([type=checkbox]), select:visible, textarea:visible")
    assert fields.count() > 0
    for i in range(fields.count()):
        field = fields.nth(i)
        assert field.evaluate(_FONT_SIZE) >= PHONE_TEXT, field.get_attribute("name")
        if field.evaluate("(el) => el.tagName") != "TEXTAREA":
            _tappable(field, screen=screen)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_paged_officer_follows_the_outbox_link_and_acknowledges_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    incident = _log_incident(live_server)
    page = _phone(open_page, locale, "duty_officer")
    width = PHONE["viewport"]["width"]
    for control in ("#sign-out", 'a[data-lang="en"]', 'a[data-lang="zh_CN"]'):
        _tappable(page.locator(control), screen=width)
    page.goto("/outbox")
    to_incident = page.locator(f'a[href="/incidents/{incident}"]')
    row = page.locator("#outbox tr[data-notification]", has=to_incident)
    row = row.filter(has=page.locator("form.reply")).first
    expect(row).to_be_visible()  # the dispatcher has paged the on-duty officer
    _fits(page)
    link = row.locator(f'a[href="/incidents/{incident}"]')
    _tappable(row.locator('button[type="submit"]'), screen=width)
    _phone_inputs(row.locator("form.reply"), screen=width)
    box = link.bounding_box()
    assert box and box["x"] + box["width"] <= width, f"the incident link is off screen: {box}"
    shot(page, f"phone-outbox-{locale}")

    link.tap()
    expect(page).to_have_url(f"{live_server.url}/incidents/{incident}")
    _fits(page)
    ack = page.locator("#ack-button")
    for button in page.locator(".live-head button").all():
        _tappable(button, screen=width)
    ack.tap()
    expect(page.locator("#incident-status")).to_have_attribute("data-status", "acknowledged")
    acknowledged = page.locator('#timeline li[data-kind="acknowledged"]')
    expect(acknowledged).to_be_visible()
    box = acknowledged.bounding_box()
    assert box and box["x"] + box["width"] <= width, f"the timeline runs off screen: {box}"
    _phone_inputs(page.locator("#report-form"), screen=width)
    _fits(page)
    shot(page, f"phone-incident-{locale}")


def _ax_roles(page: Any, *selectors: str) -> list[str]:
    """The role Chromium's accessibility tree gives each element (the first match)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    roles = []
    for selector in selectors:
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
        roles.append(str(tree["nodes"][0]["role"]["value"]))
    return roles


def test_my_duty_shows_acknowledge_on_the_first_phone_screen(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _log_incident(live_server)
    page = _phone(open_page, "zh-CN", "duty_officer")
    page.goto("/duty")
    ack = page.locator(f'#my-incidents tr[data-incident="{incident}"] button[data-action$="/ack"]')
    expect(ack).to_be_visible()
    _fits(page)
    box = _tappable(ack, screen=PHONE["viewport"]["width"])
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"], f"below the first screen: {box}"
    _tappable(page.locator('#on-duty-now a[href^="tel:"]').first, screen=PHONE["viewport"]["width"])
    # shown as cards, the incidents are still a table of rows and cells to a screen reader:
    # Chromium keeps the semantics of a table shown as blocks, and explicit roles keep them in
    # browsers that drop them (Safari), also in each list the page polls in
    assert _ax_roles(page, "#my-incidents", f'#my-incidents tr[data-incident="{incident}"]') == [
        "table",
        "row",
    ]
    shot(page, "phone-my-duty")
    ack.tap()
    expect(page.locator(f'#my-incidents tr[data-incident="{incident}"] .status')).to_have_class(
        "status status-acknowledged"
    )
    row = page.locator(f'#my-incidents tr[data-incident="{incident}"]')
    expect(row).to_have_attribute("role", "row")
    expect(row.locator("td").first).to_have_attribute("role", "cell")
    expect(page.locator("#my-incidents")).to_have_attribute("role", "table")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_officer_gets_replaces_and_revokes_their_calendar_link_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """One link at a time: pressing again asks, then replaces the old link (which stops); the
    links are listed as cards (when made, which calendar) with a Revoke button."""
    page = _phone(open_page, locale, "duty_officer")
    questions: list[str] = []
    page.on("dialog", lambda dialog: questions.append(dialog.message))
    width = PHONE["viewport"]["width"]
    page.goto("/duty")
    feeds = page.locator("#my-feeds tr[data-feed]")
    expect(feeds).to_have_count(0)
    button = page.locator('#ical-form button[type="submit"]')
    _tappable(button, screen=width)
    button.tap()
    link = page.locator("#ical-link")
    expect(link).to_have_text(re.compile(r"^http://\S+/ical/[A-Za-z0-9_-]+\.ics$"))
    expect(feeds).to_have_count(1)
    assert questions == []  # nothing to replace yet
    first = link.inner_text()
    _fits(page)  # the long URL wraps
    box = link.bounding_box()
    assert box and box["x"] + box["width"] <= width, f"the link runs off screen: {box}"
    # the URL names PUBLIC_URL; the feed itself is served by this server
    feed = page.request.get(urlsplit(first).path)
    assert feed.status == 200
    assert "BEGIN:VCALENDAR" in feed.text()
    assert "BEGIN:VEVENT" in feed.text()  # the demo roster gives the officer shifts
    shot(page, f"phone-ical-{locale}")

    replace = page.locator('#ical-form button[type="submit"]')
    expect(replace).to_have_text(
        "Replace my calendar link" if locale == "en" else "更换我的日历链接"
    )
    _tappable(replace, screen=width)
    replace.tap()
    expect(link).not_to_have_text(first)
    assert len(questions) == 1 and ("old link" in questions[0] or "旧链接" in questions[0])
    expect(feeds).to_have_count(1)
    assert page.request.get(urlsplit(first).path).status == 404
    second = link.inner_text()
    assert page.request.get(urlsplit(second).path).status == 200

    row = feeds.first
    assert _ax_roles(page, "#my-feeds-table", "#my-feeds tr[data-feed]") == ["table", "row"]
    revoke = row.locator("button[data-action]")
    _tappable(revoke, screen=width)
    _fits(page)
    shot(page, f"phone-ical-replaced-{locale}")
    revoke.tap()
    expect(feeds).to_have_count(0)
    assert page.request.get(urlsplit(second).path).status == 404
    expect(button).to_have_text(
        "Get my calendar link (iCal)" if locale == "en" else "获取我的日历链接（iCal）"
    )
    with live_server.session() as session:
        actions = [(e.action, e.actor) for e in list_entries(session, entity_type="ical_feed")]
    assert actions == [
        ("ical_feed.revoke", "duty_officer"),  # Revoke
        ("ical_feed.revoke", "duty_officer"),  # replaced
        ("ical_feed.create", "duty_officer"),
        ("ical_feed.create", "duty_officer"),
    ]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_coordinator_logs_an_urgent_incident_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page = _phone(open_page, locale, "coordinator")
    width = PHONE["viewport"]["width"]
    page.goto("/incidents/new")
    form = page.locator("#incident-form")
    _phone_inputs(form, screen=width)
    submit = form.locator("#incident-submit")
    _tappable(submit, screen=width)
    form.locator('select[name="category"]').select_option("food_safety")
    form.locator('select[name="severity"]').select_option("II")
    form.locator('input[name="place"]').tap()
    page.keyboard.type("城南区实验小学食堂")
    form.locator('textarea[name="description"]').fill("午餐后30余名学生腹痛呕吐")
    _fits(page)
    shot(page, f"phone-incident-new-{locale}")
    with page.expect_navigation():
        submit.tap()
    expect(page.locator("#incident-status")).to_have_attribute("data-status", "open")
    _fits(page)


@pytest.mark.usefixtures("demo_items")
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_handler_works_the_inbox_and_an_item_with_its_countdowns_on_a_phone(
    open_page: Any, locale: str
) -> None:
    page = _phone(open_page, locale, "handler")
    width = PHONE["viewport"]["width"]
    page.goto("/complaints/inbox")
    _fits(page)
    row = page.locator("#inbox-table tr[data-complaint]").first
    # the demo's first item is an emergency: its card keeps the emergency tint
    expect(row).to_have_css("background-color", "rgb(253, 242, 242)")
    _tappable(row.locator("button.primary").first, screen=width)
    due = row.locator(".due")
    box = due.bounding_box()
    assert box and box["x"] + box["width"] <= width, f"the countdown is off screen: {box}"
    shot(page, f"phone-inbox-{locale}")
    row.locator("a").first.tap()
    expect(page.locator("#complaint-status")).to_be_visible()
    _fits(page)
    box = page.locator("#complaint-facts .due").bounding_box()
    assert box and box["x"] + box["width"] <= width, f"the countdown is off screen: {box}"
    _tappable(page.locator("#agent-update summary"), screen=width)
    shot(page, f"phone-complaint-{locale}")


@pytest.mark.usefixtures("demo_items")
def test_a_coordinator_reads_the_queue_and_the_incident_list_on_a_phone_in_english(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _log_incident(live_server)
    page = _phone(open_page, "en", "coordinator")
    width = PHONE["viewport"]["width"]
    page.goto("/complaints")
    _fits(page)
    row = page.locator("#complaint-table tr[data-complaint]").first
    _tappable(row.locator("a").first, screen=width)
    box = row.locator(".due").bounding_box()
    assert box and box["x"] + box["width"] <= width, f"the countdown is off screen: {box}"
    # what a mouse reads on hover (a title) reads as text on a touch screen
    for hint, text in (
        ("[data-unconfirmed]", "suggested, not yet confirmed"),
        ("[data-cluster]", "Related items (case clue)"),
    ):
        note = page.locator(f"#complaint-table {hint}").first
        expect(note).to_contain_text(text)
        box = note.locator(".touch-note").bounding_box()
        assert box and box["width"] > 0 and box["x"] + box["width"] <= width, f"{hint}: {box}"
    shot(page, "phone-queue-en")
    page.goto("/incidents")
    _fits(page)
    link = page.locator(f'#incident-table tr[data-incident="{incident}"] a').first
    _tappable(link, screen=width)
    link.tap()
    expect(page.locator("#incident-status")).to_be_visible()


@pytest.mark.usefixtures("demo_items")
def test_wide_tables_scroll_in_their_own_box_on_an_upright_tablet_in_english(
    open_page: Any, live_server: LiveServer
) -> None:
    incident = _log_incident(live_server)
    page = _phone(open_page, "en", "coordinator", TABLET)
    page.goto(f"/incidents/{incident}")
    expect(page.locator("#pages tr[data-notification]").first).to_be_visible()
    too_wide = []
    for path in ("/outbox", "/incidents", "/complaints"):
        page.goto(path)
        scroll, client = page.evaluate(_PAGE_WIDTH)
        if scroll > client:
            too_wide.append(f"{path}: {scroll}px")
    handler = _phone(open_page, "en", "handler", TABLET)
    handler.goto("/complaints/inbox")
    scroll, client = handler.evaluate(_PAGE_WIDTH)
    if scroll > client:
        too_wide.append(f"/complaints/inbox: {scroll}px")
    assert too_wide == [], f"wider than the {client}px screen: {too_wide}"
    shot(page, "tablet-complaints-en")


# the box holding the chart, the chart, a day's label and the newest day's column, as drawn
_CHART = """(chart) => {
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left, r.right, r.height];
  };
  const columns = chart.querySelectorAll('rect.warn-count');
  return {
    box: [chart.parentElement.scrollWidth, chart.parentElement.clientWidth],
    chart: rect(chart),
    label: rect(chart.querySelector('text.lbl')),
    newest: rect(columns[columns.length - 1]),
  };
}"""


def _chart_reads(page: Any, *, screen: dict[str, int]) -> dict[str, Any]:
    """The warning's chart is drawn at a readable size (at least a fifth of the screen's
    height, day labels of 10 px or more) with the newest day in view, and the page keeps the
    screen's width."""
    _fits(page)
    drawn: dict[str, Any] = page.locator("svg.chart").evaluate(_CHART)
    assert drawn["chart"][2] >= screen["height"] / 5, f"chart only {drawn['chart'][2]}px tall"
    assert drawn["label"][2] >= 10, f"day labels only {drawn['label'][2]}px tall"
    left, right, _ = drawn["newest"]
    assert 0 <= left and right <= screen["width"], f"the newest day at {left}–{right}px"
    return drawn


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_early_warnings_chart_reads_on_a_phone_and_on_a_desktop(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    _surge(live_server)
    with live_server.api("coordinator") as api:
        assert api.post("/api/v1/warnings/run").status_code == 200
        warning = api.get("/api/v1/warnings", params={"dimension": "domain"}).json()["items"][0]
    page = _phone(open_page, locale, "leader")
    page.goto(f"/warnings/{warning['id']}")
    drawn = _chart_reads(page, screen=PHONE["viewport"])
    assert drawn["box"][0] > drawn["box"][1]  # nine weeks of days scroll in their own box
    shot(page, f"phone-warning-chart-{locale}")
    desktop = _phone(open_page, locale, "leader", DESKTOP)
    desktop.goto(f"/warnings/{warning['id']}")
    drawn = _chart_reads(desktop, screen=DESKTOP["viewport"])
    assert drawn["box"][0] <= drawn["box"][1]  # the whole chart at once
