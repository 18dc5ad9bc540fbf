"""Pages name who did something as people know them: a user by the name of the person linked
to them, else by their full name, else by their login; the system's own actors by their
words; a login no user has any more as stored. The names of a page come from one query, not
one per row."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core import users as user_service
from core.users import Role, User
from escalation import plans
from escalation.models import Category
from escalation.policy import Severity
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_token
from tests.factories import make_person, make_skill, make_unit
from tests.service.test_early_warnings import SURGE
from tests.service.test_early_warnings import _seed as seed_surge
from tests.statements import tables_read
from tests.web.test_plan_pages import _steps
from web.i18n import LANG_COOKIE

LINKED = "hy.li"  # linked to the person 李海燕; their account's full name is not shown
NAMED = "jg.wang"  # no person, full name 王建国
BARE = "zhang3"  # neither: shown by login
GONE = "left-2025"  # no such user any more


def _account(
    session: Session, username: str, *, full_name: str = "", role: Role = Role.planner
) -> User:
    return user_service.create_user(
        session,
        username=username,
        password=TEST_PASSWORD,
        role=role,
        full_name=full_name,
        actor="test",
        now=T0,
    )


def _people(session: Session, unit: Unit) -> None:
    """The three accounts of the module's docstring; LINKED's person is 李海燕."""
    linked = _account(session, LINKED, full_name="Li Haiyan")
    make_person(session, unit=unit, name="李海燕", user_id=linked.id)
    _account(session, NAMED, full_name="王建国")
    _account(session, BARE)


def _sign_in(client: TestClient, session: Session, role: Role, *, lang: str = "zh_CN") -> None:
    _account(session, f"reader-{role.value}", role=role)
    client.cookies.clear()
    client.cookies.set(LANG_COOKIE, lang)
    response = client.post(
        "/login",
        data={"username": f"reader-{role.value}", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _headers_as(session: Session, username: str, role: Role) -> dict[str, str]:
    """A bearer token's headers for one of the module's accounts, given `role`."""
    user = session.exec(select(User).where(User.username == username)).one()
    user.role = role
    session.add(user)
    session.commit()
    return {"Authorization": f"Bearer {make_token(session, user)}"}


def _cells(page: str, row: str) -> list[str]:
    """The text of the cells of the row marked `row` (e.g. 'data-roster="3"')."""
    found = re.search(rf"<tr {row}(?: [^>]*)?>(.*?)</tr>", page, re.S)
    assert found is not None, row
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", found[1], re.S)]


def _roster(session: Session, unit_id: int, created_by: str, **fields: object) -> int:
    defaults: dict[str, object] = {"status": RosterStatus.draft, "version": 1, "time_limit_s": 4}
    roster = Roster(
        unit_id=unit_id,
        period_start=T0.date(),
        period_end=T0.date() + timedelta(days=6),
        created_by=created_by,
        created_at=T0,
        **(defaults | fields),
    )
    session.add(roster)
    session.commit()
    assert roster.id is not None
    return roster.id


def test_rosters_and_swaps_name_who_created_published_and_asked(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    intake = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert intake.id is not None
    _people(session, intake)
    published = _roster(
        session,
        intake.id,
        LINKED,
        status=RosterStatus.published,
        published_by=NAMED,
        published_at=T0,
    )
    by_bare = _roster(session, intake.id, BARE)
    by_gone = _roster(session, intake.id, GONE)
    by_demo = _roster(session, intake.id, "demo-seed")
    a, b = session.exec(select(Person).where(Person.unit_id == intake.id).limit(2)).all()
    assert a.id is not None and b.id is not None
    swap = SwapRequestRow(
        roster_id=published,
        a_person_id=a.id,
        a_day=T0.date(),
        b_person_id=b.id,
        b_day=T0.date() + timedelta(days=1),
        status=SwapStatus.rejected,
        requested_by=BARE,
        requested_at=T0,
        decided_by=LINKED,
        decided_at=T0,
    )
    session.add(swap)
    session.commit()
    _sign_in(client, session, Role.planner)

    listing = client.get(f"/rosters?unit_id={intake.id}")
    assert listing.status_code == 200
    created, shown_published = _cells(listing.text, f'data-roster="{published}"')[5:7]
    assert created.endswith("李海燕") and shown_published.endswith("王建国")
    assert _cells(listing.text, f'data-roster="{by_bare}"')[5].endswith(BARE)
    assert _cells(listing.text, f'data-roster="{by_gone}"')[5].endswith(GONE)
    assert _cells(listing.text, f'data-roster="{by_demo}"')[5].endswith("演示数据")
    for login in (LINKED, NAMED):
        assert login not in listing.text

    for path in (f"/rosters/{published}", f"/rosters/{published}/print"):
        page = client.get(path)
        assert page.status_code == 200, (path, re.findall(r"<main.*?</main>", page.text, re.S))
        assert "王建国" in page.text and NAMED not in page.text, path
    detail = client.get(f"/rosters/{published}").text
    assert "李海燕" in detail and LINKED not in detail

    swaps = client.get("/swaps")
    assert swaps.status_code == 200
    table = swaps.text[swaps.text.index('id="swap-table"') :]
    requested_by, status = _cells(table, f'data-swap="{swap.id}"')[5:7]
    assert requested_by == BARE and status.endswith("李海燕")
    assert LINKED not in swaps.text

    client.cookies.set(LANG_COOKIE, "en")
    english = client.get(f"/rosters?unit_id={intake.id}")
    assert _cells(english.text, f'data-roster="{by_demo}"')[5].endswith("Demo data")


def test_a_pages_names_come_from_one_query_however_many_rows(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    intake = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert intake.id is not None
    _people(session, intake)
    _sign_in(client, session, Role.planner)

    def users_read() -> int:
        with tables_read(session) as seen:
            assert client.get(f"/rosters?unit_id={intake.id}").status_code == 200
        return seen["user"]

    _roster(session, intake.id, LINKED)
    one = users_read()
    for actor in (NAMED, BARE, GONE, LINKED, NAMED):
        _roster(session, intake.id, actor)
    assert users_read() == one


def test_complaint_history_audit_and_receipt_name_the_user(
    client: TestClient, session: Session
) -> None:
    unit = make_unit(session, code="intake")
    _people(session, unit)
    headers = _headers_as(session, LINKED, Role.coordinator)
    created = client.post(
        "/api/v1/complaints",
        json={
            "item_type": "consultation",
            "channel": "hotline_12315",
            "description": "咨询网购七日无理由退货的规定。",
            "submitter_name": "张三",
            "submitter_phone": "13800138000",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    item_id = created.json()["items"][0]["id"]
    _sign_in(client, session, Role.admin)

    page = client.get(f"/complaints/{item_id}")
    assert page.status_code == 200
    history = page.text[page.text.index('id="complaint-history"') :]
    history = history[: history.index("</ol>")]
    assert "李海燕" in history
    audit = page.text[page.text.index('id="complaint-audit"') :]
    assert "李海燕" in audit[: audit.index("</table>")]
    received = re.search(r"<dd>[^<]*· ([^<]*)</dd>", page.text)
    assert received is not None and received[1] == "李海燕"
    assert LINKED not in page.text


def test_incident_pages_name_who_opened_and_acknowledged(
    client: TestClient, session: Session
) -> None:
    unit = make_unit(session)
    _people(session, unit)
    headers = _headers_as(session, NAMED, Role.coordinator)
    opened = client.post(
        "/api/v1/incidents",
        json={
            "title": "电梯困人",
            "category": "special_equipment",
            "severity": "III",
            "place": "城东区幸福路12号",
        },
        headers=headers,
    )
    assert opened.status_code == 201, opened.text
    incident_id = opened.json()["id"]
    acked = client.post(f"/api/v1/incidents/{incident_id}/ack", headers=headers)
    assert acked.status_code == 200, acked.text
    _sign_in(client, session, Role.viewer)

    listing = client.get("/incidents")
    assert _cells(listing.text, f'data-incident="{incident_id}" [^>]*')[7].endswith("王建国")
    detail = client.get(f"/incidents/{incident_id}")
    assert detail.status_code == 200
    timeline = detail.text[detail.text.index('data-kind="acknowledged"') :]
    assert "王建国" in timeline[: timeline.index("</li>")]
    assert NAMED not in detail.text and NAMED not in listing.text


def test_the_duty_log_names_who_recorded_an_entry(client: TestClient, session: Session) -> None:
    unit = make_unit(session)
    _people(session, unit)
    headers = _headers_as(session, NAMED, Role.duty_officer)
    recorded = client.post(
        "/api/v1/duty-log",
        json={
            "unit_id": unit.id,
            "occurred_at": "2026-11-23T09:05:00+08:00",
            "caller_name": "许涛",
            "event": "电梯困人，两人被困约 20 分钟",
        },
        headers=headers,
    )
    assert recorded.status_code == 201, recorded.text
    _sign_in(client, session, Role.duty_officer)

    page = client.get("/duty/log")
    assert page.status_code == 200
    assert _cells(page.text, f'data-entry="{recorded.json()["id"]}"')[-1].startswith("王建国")
    assert NAMED not in page.text


def test_the_plan_and_warning_pages_name_who_changed_and_acknowledged(
    client: TestClient, session: Session
) -> None:
    unit = make_unit(session)
    _people(session, unit)
    make_skill(session, "food", name_zh="食品")
    person = make_person(session, unit=unit, name="李秀英")
    assert person.id is not None
    plans.replace(
        session,
        category=Category.food_safety,
        severity=Severity.I,
        groups=plans.known_groups([]),
        actor=LINKED,
        now=T0,
        name="食品安全I级",
        steps=_steps(person.id),
        initial_report_minutes=15,
        written_report_minutes=35,
    )
    seed_surge(session, surge_days=SURGE)
    headers = _headers_as(session, NAMED, Role.coordinator)
    assert client.post("/api/v1/warnings/run", headers=headers).status_code == 200
    warning = client.get("/api/v1/warnings", headers=headers).json()["items"][0]
    acked = client.post(f"/api/v1/warnings/{warning['id']}/acknowledge", headers=headers)
    assert acked.status_code == 200, acked.text
    _sign_in(client, session, Role.admin)

    plan = client.get("/admin/plans/food_safety/I").text
    changed = re.search(r"<dd>[^<]*· ([^<·]*) ·", plan)
    assert changed is not None and changed[1] == "李海燕" and LINKED not in plan
    status = client.get(f"/warnings/{warning['id']}").text.split('id="warning-status">', 1)[1]
    assert status.split("</dd>", 1)[0].split(" · ")[1].startswith("王建国 ")
