"""The planner's tables on a phone. The people, leave and wishes tables squeezed each column to
a character or two a line (王/建/国, 投/诉/举/报, 想/上/班) and pushed the Archive button half
outside the table; the roster's totals and its missed soft goals did the same to the names,
goals and days. Each is read on a phone as it is on a desktop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CENTRE_TZ, DESKTOP, PHONE, LiveServer, shot
from tests.browser.test_phone_journeys import _fits, _phone, _tappable
from tests.browser.test_rosters import _swappable_pair
from tests.browser.test_tables_on_small_screens import _CELL_LINES, _cards, _not_squeezed


def _leave_and_a_wish_tomorrow(live_server: LiveServer) -> None:
    """A row for each table: the demo's own wishes are for the shift running when it was
    seeded, whose day is yesterday in Shanghai after midnight during a night shift."""
    day = (live_server.clock.now().astimezone(CENTRE_TZ) + timedelta(days=1)).date()
    person = live_server.person_of("duty_officer")
    with live_server.api("planner") as api:
        leave = {"person_id": person.id, "start_date": str(day), "end_date": str(day)}
        made = api.post("/api/v1/leave", json=leave | {"reason": "年休假"})
        assert made.status_code == 201, made.text
        wish = {"person_id": person.id, "day": str(day), "wanted": True, "weight": 3}
        made = api.post("/api/v1/shift-requests", json=wish)
        assert made.status_code == 201, made.text


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_people_leave_and_wishes_are_cards_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    _leave_and_a_wish_tomorrow(live_server)
    page = _phone(open_page, locale, "planner")
    page.goto("/planner/people")
    _cards(page, "#people", "tr[data-person]")
    _not_squeezed(page, "#people")
    archive = page.locator("#people tr[data-person] button").first
    _tappable(archive, screen=PHONE["viewport"]["width"])
    shot(page, f"phone-people-{locale}")
    page.goto("/planner/leave")
    for table, row in (("#leave", "tr[data-leave]"), ("#wishes", "tr[data-wish]")):
        _cards(page, table, row)
        _not_squeezed(page, table)
    shot(page, f"phone-leave-{locale}")
    desktop = _phone(open_page, locale, "planner", DESKTOP)
    for path, table in (("/planner/people", "#people"), ("/planner/leave", "#wishes")):
        desktop.goto(path)
        expect(desktop.locator(f"{table} thead")).to_be_visible()  # a table with its headings
        _not_squeezed(desktop, table)


# each name and figure of a table's body: its text and the lines it takes on the screen
_BODY_LINES = _CELL_LINES.replace("'tbody td'", "'tbody th, tbody td'")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_rosters_totals_and_missed_goals_read_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    roster = live_server.published_roster()
    page = _phone(open_page, locale, "planner")
    page.goto(f"/rosters/{roster.id}")
    # the totals stay a table to compare people by: it scrolls in its box, a name on one line
    expect(page.locator("#totals tbody tr").first).to_be_visible()
    _fits(page)
    for text, lines in page.locator("#totals").evaluate(_BODY_LINES):
        assert lines == 1, f"#totals: {text!r} takes {lines} lines"
    # the missed goals are a card each: goal, person, day, what was missed and its cost
    _cards(page, "#violations", "tbody tr")
    _not_squeezed(page, "#violations")
    shot(page, f"phone-roster-totals-{locale}")
    desktop = _phone(open_page, locale, "planner", DESKTOP)
    desktop.goto(f"/rosters/{roster.id}")
    expect(desktop.locator("#violations thead")).to_be_visible()
    _not_squeezed(desktop, "#violations")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_roster_versions_are_cards_on_a_phone(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    """The versions squeezed their period, times and who made them to a word a line (演示/数据)
    and cut the note off at the table's edge."""
    page = _phone(open_page, locale, "planner")
    page.goto("/rosters")
    _cards(page, "#roster-versions", "tr[data-roster]")
    _not_squeezed(page, "#roster-versions")
    _tappable(page.locator("#roster-versions tr[data-roster] a").first, screen=390)
    desktop = _phone(open_page, locale, "planner", DESKTOP)
    desktop.goto("/rosters")
    expect(desktop.locator("#roster-versions thead")).to_be_visible()
    _not_squeezed(desktop, "#roster-versions")


def test_a_rosters_covers_are_cards_on_a_phone(open_page: Any, live_server: LiveServer) -> None:
    """The covers squeezed the names and the Remove button to a character a line (黄/磊, 删/除)."""
    roster = live_server.published_roster()
    assert roster.id is not None
    covered, cover = _swappable_pair(live_server, roster.id)  # `cover` is free that day
    with live_server.api("planner") as api:
        made = api.post(
            "/api/v1/overrides",
            json={
                "shift_type_id": covered.shift_type_id,
                "day": covered.day.isoformat(),
                "covering_person_id": cover.person_id,
                "original_person_id": covered.person_id,
                "reason": "临时有事",
            },
        )
        assert made.status_code == 201, made.text
    page = _phone(open_page, "zh-CN", "planner")
    page.goto(f"/rosters/{roster.id}")
    expect(page.locator("#override-table tr[data-override]")).to_have_css("display", "block")
    _cards(page, "#override-table", "tr[data-override]")
    _not_squeezed(page, "#override-table")
    remove = page.locator("#override-table tr[data-override] button").first
    _tappable(remove, screen=PHONE["viewport"]["width"])
