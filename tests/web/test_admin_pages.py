"""The administration pages: the users with their person and last sign-in (never a password),
the forms each change goes through, and the working-day calendar's year view, which tells
the official data, the estimate and the administrator's overrides apart."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from core import calendar_store
from core.users import Role
from oncall import user_link
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.factories import make_person, make_unit
from web.i18n import LANG_COOKIE


def _sign_in(client: TestClient, session: Session, username: str = "page-admin") -> int:
    user = make_user(session, role=Role.admin, username=username)
    client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert user.id is not None
    return user.id


def _row(page: str, attribute: str) -> str:
    return page.split(f"<tr {attribute}", 1)[1].split("</tr>", 1)[0]


def test_the_users_page_lists_users_with_their_person_and_forms(
    client: TestClient, session: Session
) -> None:
    own_id = _sign_in(client, session)
    officer = make_user(session, role=Role.duty_officer, username="yang.fan")
    assert officer.id is not None
    person = make_person(session, unit=make_unit(session))
    user_link.link_person(session, user_id=officer.id, person_id=person.id, actor="t", now=T0)
    page = client.get("/admin/users").text
    assert 'data-api="/api/v1/users" data-method="POST"' in page
    row = _row(page, f'data-user="{officer.id}"')
    assert "yang.fan" in row and person.name in row and "值班员" in row
    assert f'data-api="/api/v1/users/{officer.id}" data-method="PATCH"' in row
    assert 'name="is_active" value="false"' in row  # a Deactivate button
    editor = page.split(f'id="user-edit-{officer.id}"', 1)[1].split("</tr>", 1)[0]
    assert f'data-api="/api/v1/users/{officer.id}/person" data-method="PUT"' in editor
    assert f'<option value="{person.id}" selected>' in editor
    assert 'name="password" type="password"' in editor
    assert '<span class="tag">本人</span>' in _row(page, f'data-user="{own_id}"')
    # the admin's own sign-in is listed; no password or hash anywhere
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", _row(page, f'data-user="{own_id}"'))
    assert TEST_PASSWORD not in page and "argon2" not in page


def test_a_new_user_gets_no_role_until_one_is_chosen(client: TestClient, session: Session) -> None:
    """The add-user form offered Administrator, the first role, as chosen: a user added in a
    hurry got every right. It now starts on no role, which the API refuses beside the field."""
    _sign_in(client, session)
    page = client.get("/admin/users").text
    form = page.split('id="user-form"', 1)[1].split("</form>", 1)[0]
    roles = form.split('<select name="role" required>', 1)[1].split("</select>", 1)[0]
    assert re.findall(r"<option[^>]*>", roles)[0] == '<option value="" selected>'
    assert " selected" not in roles.split("</option>", 1)[1]
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert csrf is not None
    body = {"username": "new.user", "password": "long-enough-1", "role": ""}
    refused = client.post("/api/v1/users", json=body, headers={CSRF_HEADER: csrf.group(1)})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["role"]
    # an existing user's editor keeps their role chosen, with no empty choice
    editors = page.split('id="user-edit-', 1)[1]
    assert '<option value="" selected>' not in editors.split("</form>", 1)[0]


def test_the_own_role_says_another_administrator_changes_it(
    client: TestClient, session: Session
) -> None:
    own_id = _sign_in(client, session)
    other = make_user(session, role=Role.admin, username="other.admin")
    for lang, hint in (("zh_CN", "本人的角色须由其他管理员修改"), ("en", "Another administrator")):
        client.cookies.set(LANG_COOKIE, lang)
        page = client.get("/admin/users").text
        own = page.split(f'id="user-edit-{own_id}"', 1)[1].split("</tr>", 1)[0]
        theirs = page.split(f'id="user-edit-{other.id}"', 1)[1].split("</tr>", 1)[0]
        assert hint in own.split('data-field="role"', 1)[1].split("</label>", 1)[0]
        assert hint not in theirs
        assert '<select name="role" required>' in own  # tried anyway, the refusal shows here


def test_a_person_linked_to_another_user_is_not_offered(
    client: TestClient, session: Session
) -> None:
    _sign_in(client, session)
    unit = make_unit(session)
    mine, theirs = make_person(session, unit=unit), make_person(session, unit=unit, name="林岚")
    one = make_user(session, role=Role.viewer, username="one.user")
    two = make_user(session, role=Role.viewer, username="two.user")
    assert one.id is not None and two.id is not None
    user_link.link_person(session, user_id=two.id, person_id=theirs.id, actor="t", now=T0)
    editor = client.get("/admin/users").text.split(f'id="user-edit-{one.id}"', 1)[1]
    editor = editor.split("</tr>", 1)[0]
    assert f'value="{mine.id}"' in editor and f'value="{theirs.id}"' not in editor


def test_the_calendar_page_shows_the_year_and_tells_overrides_apart(
    client: TestClient, session: Session
) -> None:
    _sign_in(client, session)
    page = client.get("/admin/calendar?year=2026").text
    assert 'data-day="2026-02-14" data-kind="makeup_workday" data-source="official"' in page
    assert 'data-day="2026-10-01" data-kind="holiday" data-source="official"' in page
    assert 'data-api="/api/v1/calendar/overrides/range" data-method="POST"' in page
    assert 'id="calendar-warning"' in page  # the test clock's next year, 2027, has no data
    calendar_store.set_override(
        session, day=date(2026, 12, 31), working=False, note="local rest day", actor="t", now=T0
    )
    page = client.get("/admin/calendar?year=2026").text
    assert 'data-day="2026-12-31" data-kind="holiday" data-source="override"' in page
    row = _row(page, 'data-override="2026-12-31"')
    assert "local rest day" in row
    assert 'data-action="/api/v1/calendar/overrides/2026-12-31" data-method="DELETE"' in row


def test_the_calendar_opens_on_the_year_without_official_data(
    client: TestClient, session: Session
) -> None:
    _sign_in(client, session)
    page = client.get("/admin/calendar").text  # the test clock is in November 2026
    assert "<h1>工作日历 2027</h1>" in page
    assert 'data-day="2027-01-02" data-kind="weekend" data-source="estimated"' in page
    assert "2027 年尚无官方数据" in page
    client.cookies.set("dutydesk_lang", "en")
    english = client.get("/admin/calendar?year=2027").text
    assert "No official data for 2027" in english


def test_the_calendar_stays_on_next_year_once_its_first_override_is_in(
    client: TestClient, session: Session
) -> None:
    """Entering next year's notice: its first day declared ended the year's lack of data, and
    the page then reloaded on this year, hiding what was just entered. The address names the
    year it opened on, so the reload after each change shows that year again."""
    _sign_in(client, session)
    opened = client.get("/admin/calendar", follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/admin/calendar?year=2027"
    calendar_store.set_override(
        session, day=date(2027, 1, 1), working=False, note="元旦", actor="t", now=T0
    )
    page = client.get(opened.headers["location"]).text
    assert "<h1>工作日历 2027</h1>" in page and 'data-override="2027-01-01"' in page


def test_the_home_page_links_the_warning_to_the_calendar_for_admins(
    client: TestClient, session: Session
) -> None:
    _sign_in(client, session)
    assert 'href="/admin/calendar"' in client.get("/").text.split('id="calendar-warning"', 1)[1]


def _day(page: str, attribute: str) -> str:
    return page.split(attribute, 1)[1].split("</td>", 1)[0]


def test_the_calendar_names_holidays_in_the_page_language(
    client: TestClient, session: Session
) -> None:
    _sign_in(client, session)
    official = _day(client.get("/admin/calendar?year=2026").text, 'data-day="2026-10-01"')
    assert "国庆节" in official and "National Day" not in official
    estimated = client.get("/admin/calendar?year=2027").text
    assert "Labor Day" not in estimated and "(observed)" not in estimated
    assert "劳动节（补休）" in _day(estimated, 'data-day="2027-05-03"')
    client.cookies.set("dutydesk_lang", "en")
    english = _day(client.get("/admin/calendar?year=2026").text, 'data-day="2026-10-01"')
    assert "National Day" in english and "国庆节" not in english


@pytest.mark.parametrize(
    ("address", "status", "heading"),
    [
        ("/admin/calendar?day=2028-12-30", 200, "<h1>工作日历 2028</h1>"),  # a day's year
        ("/admin/calendar?year=2026&day=2028-12-30", 200, "<h1>工作日历 2026</h1>"),  # year wins
        ("/admin/calendar?day=1999-01-01", 422, "网址中有无效的参数"),
        ("/admin/calendar?day=2028-13-01", 422, "网址中有无效的参数"),
    ],
)
def test_the_calendar_opens_on_the_year_of_a_day_saved_by_the_override_form(
    client: TestClient, session: Session, address: str, status: int, heading: str
) -> None:
    """The override form lands on `?day=<the range's first day>` (data-reload-page), so a
    range saved in another year than the one shown is seen at once."""
    _sign_in(client, session)
    page = client.get(address)
    assert page.status_code == status and heading in page.text
    if status == 200:
        form = page.text.split('<form id="override-form"', 1)[1].split(">", 1)[0]
        assert 'data-reload-page="/admin/calendar?day={id}"' in form
        assert 'data-reload-to="day-{id}"' in form and 'data-id="overrides.0.date"' in form
