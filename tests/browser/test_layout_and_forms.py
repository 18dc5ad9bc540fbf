"""Pages on a phone-sized screen (nothing runs off to the side: wide tables scroll inside their
own box) and the forms' field errors: every field of a form has its place for an error, and
errors read in the page's language with the fields named by their labels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
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
