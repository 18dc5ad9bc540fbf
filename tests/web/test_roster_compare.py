"""Comparing two versions of a roster on its page, and a superseded version naming the one that
replaced it."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.conftest import T0, TEST_PASSWORD, make_user

START, END = date(2027, 1, 1), date(2027, 1, 7)


def _version(
    session: Session, unit: Unit, version: int, status: RosterStatus, plan: list[tuple[int, str]]
) -> Roster:
    shifts = {s.code: s.id for s in session.exec(select(ShiftType)).all()}
    people = {p.name: p.id for p in session.exec(select(Person)).all()}
    roster = Roster(
        unit_id=unit.id or 0,
        period_start=START,
        period_end=END,
        version=version,
        status=status,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
    )
    session.add(roster)
    session.flush()
    for day, name in plan:
        session.add(
            RosterAssignment(
                roster_id=roster.id or 0,
                person_id=people[name] or 0,
                day=date(2027, 1, day),
                shift_type_id=shifts["day"] or 0,
            )
        )
    session.commit()
    return roster


def test_a_version_is_compared_with_another_and_a_superseded_one_names_its_successor(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    first = _version(session, unit, 1, RosterStatus.superseded, [(4, "杨帆"), (5, "赵敏")])
    second = _version(session, unit, 2, RosterStatus.published, [(4, "杨帆"), (5, "黄磊")])
    draft = _version(session, unit, 3, RosterStatus.draft, [(4, "黄磊"), (5, "黄磊")])
    make_user(session, role=Role.planner, username="compare-planner")
    client.post("/login", data={"username": "compare-planner", "password": TEST_PASSWORD})

    page = client.get(f"/rosters/{second.id}", params={"compare": first.id}).text
    diff = page.split('id="repair-diff"', 1)[1].split("</section>", 1)[0]
    assert f"#{first.id} v1" in diff
    removed, added = diff.split('class="diff added"', 1)
    assert "2027-01-05 白班 · 赵敏" in removed and "杨帆" not in removed
    assert "2027-01-05 白班 · 黄磊" in added and "杨帆" not in added
    assert 'id="compare-form"' in page
    assert f'<option value="{draft.id}"' in page  # every other version with a roster

    assert (
        f'href="/rosters/{second.id}"'
        in client.get(f"/rosters/{first.id}")
        .text.split('id="superseded-by"', 1)[1]
        .split("</span>", 1)[0]
    )
    assert 'id="repair-diff"' not in client.get(f"/rosters/{second.id}").text
    # a version of another unit or an unknown one is no comparison, and no error
    assert client.get(f"/rosters/{second.id}", params={"compare": 999999}).status_code == 200


def test_a_published_repair_names_the_roster_it_repaired_not_the_published_one(
    client: TestClient, session: Session
) -> None:
    """Once a repair is published, the version it repaired is superseded: its changes are no
    longer "against the published roster" (the repair is that roster now)."""
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    repaired = _version(session, unit, 1, RosterStatus.published, [(4, "杨帆"), (5, "赵敏")])
    repair = _version(session, unit, 2, RosterStatus.draft, [(4, "杨帆"), (5, "黄磊")])
    repair.base_roster_id = repaired.id
    session.add(repair)
    session.commit()
    make_user(session, role=Role.planner, username="compare-planner")
    client.post("/login", data={"username": "compare-planner", "password": TEST_PASSWORD})

    def heading() -> str:
        page = client.get(f"/rosters/{repair.id}").text
        return page.split('id="repair-diff"', 1)[1].split("</h2>", 1)[0]

    assert "与已发布排班的差异" in heading()  # a draft repair of the roster in force
    repaired.status, repair.status = RosterStatus.superseded, RosterStatus.published
    session.add_all([repaired, repair])
    session.commit()
    assert f"与所修复的值班表 #{repaired.id} v1 的差异" in heading()


def test_only_versions_of_the_same_unit_and_period_are_offered_for_comparison(
    client: TestClient, session: Session
) -> None:
    """A diff between different months (or units) lists every day as changed: the page offers,
    and compares with, only the other versions of the roster's own unit and period."""
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    other_unit = session.exec(select(Unit).where(Unit.id != unit.id)).first()
    assert other_unit is not None
    published = _version(session, unit, 1, RosterStatus.published, [(4, "杨帆")])
    draft = _version(session, unit, 2, RosterStatus.draft, [(4, "黄磊")])
    february = _version(session, unit, 3, RosterStatus.draft, [(4, "黄磊")])
    february.period_start, february.period_end = date(2027, 2, 1), date(2027, 2, 28)
    overlapping = _version(session, unit, 4, RosterStatus.draft, [(4, "赵敏")])
    overlapping.period_end = END + timedelta(days=3)
    elsewhere = _version(session, other_unit, 1, RosterStatus.draft, [(4, "赵敏")])
    session.add_all([february, overlapping])
    session.commit()
    make_user(session, role=Role.planner, username="compare-planner")
    client.post("/login", data={"username": "compare-planner", "password": TEST_PASSWORD})

    page = client.get(f"/rosters/{published.id}").text
    offered = page.split('id="compare-form"', 1)[1].split("</select>", 1)[0]
    cases = [(draft, True), (february, False), (overlapping, False), (elsewhere, False)]
    for version, expected in cases:
        assert (f'<option value="{version.id}"' in offered) is expected, version.id
        shown = client.get(f"/rosters/{published.id}", params={"compare": version.id})
        assert shown.status_code == 200
        assert ('id="repair-diff"' in shown.text) is expected, version.id
    # a version alone in its period offers no comparison at all
    assert 'id="compare-form"' not in client.get(f"/rosters/{february.id}").text


def test_a_repair_is_compared_with_its_base_as_worked_so_a_swap_is_not_its_change(
    client: TestClient, session: Session
) -> None:
    """The repair keeps the base's approved swap (it is hinted by the base as worked): its
    changes are only what it changed itself."""
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    people = {p.name: p.id or 0 for p in session.exec(select(Person)).all()}
    base = _version(session, unit, 1, RosterStatus.published, [(4, "杨帆"), (6, "赵敏")])
    session.add(
        SwapRequestRow(
            roster_id=base.id or 0,
            a_person_id=people["杨帆"],
            a_day=date(2027, 1, 4),
            b_person_id=people["赵敏"],
            b_day=date(2027, 1, 6),
            status=SwapStatus.approved,
            requested_by="test",
            requested_at=T0,
        )
    )
    # as worked: 赵敏 on the 4th, 杨帆 on the 6th; the repair moves the 6th to 黄磊
    repair = _version(session, unit, 2, RosterStatus.draft, [(4, "赵敏"), (6, "黄磊")])
    repair.base_roster_id = base.id
    session.add(repair)
    session.commit()
    make_user(session, role=Role.planner, username="compare-swap")
    client.post("/login", data={"username": "compare-swap", "password": TEST_PASSWORD})

    page = client.get(f"/rosters/{repair.id}").text
    diff = page.split('id="repair-diff"', 1)[1].split("</section>", 1)[0]
    assert "(1 / 1)" in diff
    removed, added = diff.split('class="diff added"', 1)
    assert "2027-01-06 白班 · 杨帆" in removed and "赵敏" not in removed
    assert "2027-01-06 白班 · 黄磊" in added and "赵敏" not in added
    answer = client.get(f"/api/v1/rosters/{repair.id}/compare/{base.id}").json()
    assert [(a["day"], a["person_id"]) for a in answer["added"]] == [("2027-01-06", people["黄磊"])]
