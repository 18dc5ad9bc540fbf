"""My duty lists the calendar (iCal) links the user made and has not revoked (when made, which
calendar, a Revoke button), never a token; with a link of their own shifts already made, the
button offers to replace it (asking first) instead of piling up another one."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.clock import FakeClock
from core.users import Role, User
from oncall import ical
from oncall.feed_models import FeedCreate, FeedKind
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.factories import make_person, make_unit
from web.render import FRAGMENT_HEADER

FRAGMENT = {FRAGMENT_HEADER: "1"}  # as the page's script fetches the list (static/app/live.js)


def _sign_in(client: TestClient, username: str) -> None:
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303


def test_my_duty_lists_my_links_and_offers_to_replace_mine(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, role=Role.planner, username="yangfan")
    other = make_user(session, role=Role.duty_officer, username="chenjing")
    unit = make_unit(session, name="城东区市场监督管理局")
    me = make_person(session, unit=unit, name="杨帆", user_id=user.id)
    chen = make_person(session, unit=unit, name="陈静", user_id=other.id)
    _sign_in(client, "yangfan")

    page = client.get("/duty").text
    assert 'data-feed="' not in page and "您还没有日历链接。" in page
    form = page.split('id="ical-form"', 1)[1].split("</form>", 1)[0]
    assert "data-confirm" not in form and "获取我的日历链接（iCal）" in form
    assert '<input type="hidden" name="replace" value="true" data-type="bool">' in form

    def make(kind: FeedKind, subject: int, who: User, minutes: int) -> tuple[int, str]:
        feed, token = ical.create_feed(
            session,
            data=FeedCreate(kind=kind, subject_id=subject),
            user=who,
            now=T0 + timedelta(minutes=minutes),
        )
        return feed.id or 0, token

    revoked, _ = make(FeedKind.person, me.id or 0, user, 0)
    ical.revoke_feed(session, feed_id=revoked, user=user, now=T0 + timedelta(minutes=1))
    mine, token = make(FeedKind.person, me.id or 0, user, 5)
    theirs, _ = make(FeedKind.person, chen.id or 0, user, 10)
    whole_unit, _ = make(FeedKind.unit, unit.id or 0, user, 15)
    not_mine, _ = make(FeedKind.person, chen.id or 0, other, 20)

    for html in (client.get("/duty").text, client.get("/duty/feeds", headers=FRAGMENT).text):
        rows = dict(re.findall(r'<tr data-feed="(\d+)">(.*?)</tr>', html, re.S))
        assert list(rows) == [str(whole_unit), str(theirs), str(mine)]  # newest first
        cells = {
            int(feed): [
                re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)
            ][:2]
            for feed, row in rows.items()
        }
        assert cells[mine] == ["2026-11-23 09:35", "我的班次"]
        assert cells[theirs] == ["2026-11-23 09:40", "陈静的班次"]
        assert cells[whole_unit] == ["2026-11-23 09:45", "城东区市场监督管理局（单位）的班次"]
        assert f'data-action="/api/v1/feeds/{mine}" data-method="DELETE"' in rows[str(mine)]
        assert str(not_mine) not in rows and token not in html
        form = html.split('id="ical-form"', 1)[1].split("</form>", 1)[0]
        assert "更换我的日历链接" in form
        assert 'data-confirm="生成新链接？旧链接将失效' in html

    ical.revoke_feed(session, feed_id=mine, user=user, now=T0 + timedelta(minutes=30))
    form = client.get("/duty/feeds", headers=FRAGMENT).text.split('id="ical-form"', 1)[1]
    assert "获取我的日历链接（iCal）" in form  # the other calendars are not "mine" to replace


def test_an_unlinked_user_has_no_calendar_links_section(
    client: TestClient, session: Session
) -> None:
    make_user(session, role=Role.coordinator, username="coord")
    _sign_in(client, "coord")
    page = client.get("/duty").text
    assert 'id="my-feeds"' not in page and 'id="ical-form"' not in page


def test_a_links_last_fetch_is_shown_and_noted_at_most_every_quarter_hour(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    """The owner sees whether a calendar uses the link: when it was last fetched, or that no
    calendar has fetched it yet; a calendar polling every few minutes writes a note only
    every 15 minutes."""
    user = make_user(session, role=Role.duty_officer, username="liuyang")
    me = make_person(session, unit=make_unit(session, name="东关所"), name="刘洋", user_id=user.id)
    feed, token = ical.create_feed(
        session, data=FeedCreate(kind=FeedKind.person, subject_id=me.id or 0), user=user, now=T0
    )
    _sign_in(client, "liuyang")

    def noted() -> str:
        html = client.get("/duty/feeds", headers=FRAGMENT).text
        row = re.search(rf'<tr data-feed="{feed.id}">(.*?)</tr>', html, re.S)
        assert row is not None
        fetched = re.search(r'data-fetched="([^"]*)"', row.group(1))
        assert fetched is not None
        if not fetched.group(1):
            assert "尚未读取：还没有日历订阅此链接" in row.group(1)
        return fetched.group(1)

    assert noted() == ""
    first = clock.now()
    assert client.get(f"/ical/{token}.ics").status_code == 200
    assert noted() == first.isoformat()
    clock.advance(timedelta(minutes=10))
    assert client.get(f"/ical/{token}.ics").status_code == 200
    assert noted() == first.isoformat()
    clock.advance(timedelta(minutes=6))
    assert client.get(f"/ical/{token}.ics").status_code == 200
    assert noted() == clock.now().isoformat()


def test_the_links_address_opened_directly_is_the_duty_page(
    client: TestClient, session: Session
) -> None:
    """/duty/feeds is the list the duty page's script reloads. Opened directly (or its form
    sent without the page's script, which only reloaded it with the form's fields in the
    address) it sends the browser to the duty page, where the button gives the link."""
    user = make_user(session, role=Role.duty_officer, username="liuyang")
    me = make_person(session, unit=make_unit(session), name="刘洋", user_id=user.id)
    _sign_in(client, "liuyang")
    for address, page in (
        ("/duty/feeds", "/duty#my-feeds"),
        (f"/duty/feeds?kind=person&subject_id={me.id}&replace=true", "/duty#my-feeds"),
        ("/duty/live", "/duty"),
    ):
        response = client.get(address, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, page), address
    duty = client.get("/duty/feeds", follow_redirects=True)
    assert duty.url.path == "/duty" and 'id="ical-form" data-api="/api/v1/feeds"' in duty.text
    assert "<html" in client.get("/duty/feeds").text  # the whole page, styled
    assert "<html" not in client.get("/duty/feeds", headers=FRAGMENT).text
    assert "<html" not in client.get("/duty/live", headers=FRAGMENT).text
