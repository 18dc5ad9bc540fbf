"""The swap request form offers what the role may request: planners any two people; anyone
else only a swap of their own shifts (the person linked to them), or nothing when no person
is linked (the API refuses the rest with 403). Its parties are the requester and the other
person (申请人 / 对方), as a duty office says, not a contract's 甲方 / 乙方."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api import demo
from core.users import Role, User
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.conftest import T0
from tests.web.test_pages import _sign_in
from web import field_errors
from web.i18n import LANG_COOKIE


def _choices(page: str, name: str) -> list[str]:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None, "no swap form"
    return [v for v in re.findall(r'<option value="(\d*)"', found.group(1)) if v]


def _person_a_choices(page: str) -> list[str]:
    return _choices(page, "a_person_id")


def _person_b_choices(page: str) -> list[str]:
    return _choices(page, "b_person_id")


def _demo_sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    response = client.post(
        "/login",
        data={"username": username, "password": demo.DEMO_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _published_roster(unit_id: int) -> Roster:
    """A published one-day roster of `unit_id` (T0's day) with no assignments."""
    return Roster(
        unit_id=unit_id,
        period_start=T0.date(),
        period_end=T0.date(),
        version=1,
        status=RosterStatus.published,
        time_limit_s=4,
        created_by="test",
        created_at=T0,
        published_at=T0,
    )


def test_the_swap_form_offers_what_the_role_may_request(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    roster = _published_roster(unit.id)  # the form is offered while a roster is published
    session.add(roster)
    session.flush()
    shift = session.exec(select(ShiftType).where(ShiftType.unit_id == unit.id)).first()
    own, coordinator = (
        session.exec(
            select(Person.id)
            .join(User, col(User.id) == Person.user_id)
            .where(User.username == username)
        ).one()
        for username in ("duty_officer", "coordinator")
    )
    unit_people = session.exec(select(Person.id).where(Person.unit_id == unit.id)).all()
    holders = sorted({own, *[p for p in unit_people if p != coordinator][:3]})
    assert roster.id is not None and shift is not None and shift.id is not None
    for person_id in holders:
        session.add(
            RosterAssignment(
                roster_id=roster.id, person_id=person_id, day=T0.date(), shift_type_id=shift.id
            )
        )
    session.commit()

    _demo_sign_in(client, "planner")  # only people with a shift on a published roster
    page = client.get("/swaps").text
    assert sorted(int(c) for c in _person_a_choices(page)) == holders
    assert sorted(int(c) for c in _person_b_choices(page)) == holders
    for required in ("roster_id", "a_person_id", "a_day", "b_person_id", "b_day"):
        text = page.split(f'data-field="{required}"', 1)[1].split("</span>", 1)[0]
        assert '<abbr title="必填" aria-hidden="true">*</abbr>' in text, required

    _demo_sign_in(client, "duty_officer")
    mine = client.get("/swaps").text
    assert _person_a_choices(mine) == [str(own)]

    _demo_sign_in(client, "coordinator")  # linked to a person without a shift
    none = client.get("/swaps").text
    assert 'id="swap-form"' not in none and 'id="swap-no-shifts"' in none

    _sign_in(client, session, Role.duty_officer)  # linked to no person
    unlinked = client.get("/swaps").text
    assert 'id="swap-form"' not in unlinked and 'id="swap-unlinked"' in unlinked


def test_a_swap_of_a_day_without_a_shift_is_refused_in_the_page_language(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    shift = session.exec(select(ShiftType).where(ShiftType.unit_id == unit.id)).first()
    a, b = session.exec(select(Person).where(Person.unit_id == unit.id)).all()[:2]
    assert unit.id is not None and shift is not None and shift.id is not None
    roster = _published_roster(unit.id)
    session.add(roster)
    session.flush()
    assert roster.id is not None and a.id is not None
    session.add(
        RosterAssignment(roster_id=roster.id, person_id=a.id, day=T0.date(), shift_type_id=shift.id)
    )
    session.commit()
    day = T0.date().isoformat()
    body = {"roster_id": roster.id, "a_person_id": a.id, "a_day": day}
    refused = client.post(
        "/api/v1/swaps",
        json=body | {"b_person_id": b.id, "b_day": day},
        headers=auth_headers(Role.planner),
    )
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == "b_day" and error["type"] == "swap_no_shift"
    assert error["ctx"] == {"person": b.name, "day": day}
    worded = field_errors.texts("zh_CN")["types"]["swap_no_shift"] % error["ctx"]
    assert worded == f"{b.name} {day} 在此值班表中没有班次"


def test_the_swap_parties_are_the_requester_and_the_other_person(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    roster = _published_roster(unit.id)
    session.add(roster)
    session.flush()
    a, b = session.exec(select(Person).where(Person.unit_id == unit.id).limit(2)).all()
    assert roster.id is not None and a.id is not None and b.id is not None
    session.add(
        SwapRequestRow(
            roster_id=roster.id,
            a_person_id=a.id,
            a_day=T0.date(),
            b_person_id=b.id,
            b_day=T0.date(),
            status=SwapStatus.pending,
            requested_by="planner",
            requested_at=T0,
        )
    )
    session.commit()
    _demo_sign_in(client, "planner")
    words = {
        "zh_CN": ("申请人", "申请人值班日期", "对方", "对方值班日期", "提交人"),
        "en": ("Requester", "Requester's shift day", "Other person", "Other person's shift day"),
    }
    for lang, (requester, requester_day, other, other_day, *filed_by) in words.items():
        client.cookies.set(LANG_COOKIE, lang)
        page = client.get("/swaps").text
        form = page.split('id="swap-form"', 1)[1].split("</form>", 1)[0]
        found = re.findall(r'data-field="(\w+)">\s*<span class="ftext">([^<]+?)\s*<abbr', form)
        labels = {field: html.unescape(text) for field, text in found}
        assert [labels[f] for f in ("a_person_id", "a_day", "b_person_id", "b_day")] == [
            requester,
            requester_day,
            other,
            other_day,
        ]
        head = page.split('id="swap-table"', 1)[1].split("</thead>", 1)[0]
        headings = re.findall(r"<th>([^<]*)</th>", head)
        assert headings[2:4] == [requester, other], lang
        assert "甲方" not in page and "乙方" not in page
        if filed_by:  # who filed it (a planner, for two others) is not called the requester
            assert headings[5] == filed_by[0]
    reason = field_errors.texts("zh_CN")["reasons"]["a swap needs two different people"]
    assert reason == "对方不能是申请人本人"
