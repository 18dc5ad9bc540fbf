"""Publishing a draft that puts someone on duty during leave recorded (or corrected) since it
was generated is refused: the page said so in English, with roster and person ids ("roster 12
puts person 7 on duty on ..."); it now names the person, the day and the leave in the page's
language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from oncall import planning
from oncall.models import Person
from oncall.roster_models import LeaveCreate, Roster, RosterAssignment, RosterStatus
from tests.browser.conftest import CENTRE_TZ, LiveServer, shot, sign_in


def _draft_over_the_published_roster(live_server: LiveServer) -> tuple[int, Person, str]:
    """A draft of the published roster's period with its assignments, generated now; then
    leave for someone it puts on duty on a day to come (or today, on the roster's last day).
    (draft id, that person, that day)"""
    published = live_server.published_roster()
    now = live_server.clock.now()
    today = now.astimezone(CENTRE_TZ).date()
    with live_server.session() as session:
        draft = Roster(
            unit_id=published.unit_id,
            period_start=published.period_start,
            period_end=published.period_end,
            version=published.version + 1,
            status=RosterStatus.draft,
            time_limit_s=1,
            created_by="planner",
            created_at=now + timedelta(seconds=1),
        )
        session.add(draft)
        session.flush()
        rows = session.exec(
            select(RosterAssignment)
            .where(RosterAssignment.roster_id == published.id)
            .order_by(col(RosterAssignment.day), col(RosterAssignment.person_id))
        ).all()
        for row in rows:
            session.add(
                RosterAssignment(
                    roster_id=draft.id or 0,
                    person_id=row.person_id,
                    day=row.day,
                    shift_type_id=row.shift_type_id,
                )
            )
        session.commit()
        # a day to come, else today: the live server's clock sits in the duty officer's next
        # duty shift, which (depending on the time the suite runs) may be the roster's last day
        sick = ([r for r in rows if r.day > today] or [r for r in rows if r.day == today])[0]
        first_on_leave = sick.day
        planning.add_leave(
            session,
            data=LeaveCreate(
                person_id=sick.person_id,
                start_date=first_on_leave,
                end_date=first_on_leave,
                reason="病假",
            ),
            actor="planner",
            now=now + timedelta(seconds=2),
        )
        person = session.get(Person, sick.person_id)
        assert person is not None and draft.id is not None
        return draft.id, person, first_on_leave.isoformat()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_draft_overtaken_by_leave_is_refused_naming_the_person_and_day(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    draft_id, person, day = _draft_over_the_published_roster(live_server)
    page, guard = open_page(locale)
    guard.allow(409)
    if locale == "en":
        page.goto("/lang/en?next=/login")
    sign_in(page, "planner")
    page.goto(f"/rosters/{draft_id}")
    page.click("#publish-button")
    said = page.locator(".action-status.error")
    expect(said).to_contain_text(person.name)
    expect(said).to_contain_text(day)
    expect(said).to_contain_text("病假")
    expect(said).to_contain_text("请假" if locale == "zh-CN" else "during their leave")
    expect(said).not_to_contain_text(f"person {person.id}")
    expect(said).not_to_contain_text(f"roster {draft_id}")
    expect(page.locator("#roster-status")).to_have_attribute("data-status", "draft")
    shot(page, f"stale-draft-leave-{locale}")
