"""The roster grid, print view and Excel export show a published roster as it is worked
(approved swaps and overrides applied, as "My duty" and the pager see it), the changed cells
marked with what the solver planned there; through the real app."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall import changes, swaps
from oncall.change_models import OverrideCreate, SwapCreate, SwapRequestRow
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.conftest import T0, TEST_PASSWORD, make_user

TZ = ZoneInfo("Asia/Shanghai")
DAY1 = date(2026, 11, 23)
DAY2 = DAY1 + timedelta(days=1)


def _person(session: Session, name: str) -> Person:
    return session.exec(select(Person).where(Person.name == name)).one()


def _published(session: Session) -> tuple[Roster, dict[str, Person], dict[str, ShiftType]]:
    """杨帆 on the day shift on day 1, 胡军 on day 2, 王建国 leading both days."""
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    shifts = {s.code: s for s in session.exec(select(ShiftType)).all() if s.unit_id == unit.id}
    roster = Roster(
        unit_id=unit.id or 0,
        period_start=DAY1,
        period_end=DAY2,
        version=1,
        status=RosterStatus.published,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
        published_at=T0,
        published_by="test",
        staff_notified_at=T0,
    )
    session.add(roster)
    session.flush()
    people = {n: _person(session, n) for n in ("杨帆", "胡军", "王建国")}
    for person, day, code in (
        ("杨帆", DAY1, "day"),
        ("胡军", DAY2, "day"),
        ("王建国", DAY1, "leader"),
        ("王建国", DAY2, "leader"),
    ):
        session.add(
            RosterAssignment(
                roster_id=roster.id or 0,
                person_id=people[person].id or 0,
                day=day,
                shift_type_id=shifts[code].id or 0,
            )
        )
    session.commit()
    return roster, people, shifts


def _yang_and_hu_swap(
    session: Session, roster: Roster, people: dict[str, Person]
) -> SwapRequestRow:
    """杨帆's DAY1 shift for 胡军's DAY2 one, requested."""
    return swaps.request_swap(
        session,
        data=SwapCreate(
            roster_id=roster.id or 0,
            a_person_id=people["杨帆"].id or 0,
            a_day=DAY1,
            b_person_id=people["胡军"].id or 0,
            b_day=DAY2,
        ),
        actor="test",
        now=T0,
    )


def _cover_day_shift(
    session: Session, shifts: dict[str, ShiftType], *, cover: Person, covered: Person
) -> None:
    """`cover` works `covered`'s day shift on DAY1 (an override)."""
    changes.create_override(
        session,
        data=OverrideCreate(
            shift_type_id=shifts["day"].id or 0,
            day=DAY1,
            covering_person_id=cover.id or 0,
            original_person_id=covered.id,
        ),
        actor="test",
        now=T0,
        tz=TZ,
    )


def _cells(html: str, person: Person) -> list[tuple[str | None, str | None]]:
    """(shift shown, shift planned if the cell was changed) per day of the person's row."""
    row = html.split(f'<tr data-person="{person.id}">', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td ([^>]*)>", row)
    shown = [re.search(r'data-shift="(\w*)"', c) for c in cells]
    planned = [re.search(r'data-planned="(\w*)"', c) for c in cells]
    return [(s and s.group(1), p and p.group(1)) for s, p in zip(shown, planned, strict=True)]


def test_grid_print_and_export_show_approved_swaps_and_mark_them(
    client: TestClient, session: Session
) -> None:
    roster, people, _ = _published(session)
    assert roster.id is not None
    yang, hu = people["杨帆"], people["胡军"]
    swap = _yang_and_hu_swap(session, roster, people)
    assert swap.id is not None
    swaps.decide_swap(session, swap_id=swap.id, approve=True, actor="test", now=T0, tz=TZ)
    make_user(session, role=Role.viewer, username="grid-viewer")
    client.post("/login", data={"username": "grid-viewer", "password": TEST_PASSWORD})
    for path in (f"/rosters/{roster.id}", f"/rosters/{roster.id}/print"):
        html = client.get(path).text
        # 杨帆 now works day 2 (planned off), 胡军 day 1; each cell marked with the plan
        assert _cells(html, yang) == [(None, "day"), ("day", "")], path
        assert _cells(html, hu) == [("day", ""), (None, "day")], path
        assert _cells(html, people["王建国"]) == [("leader", None), ("leader", None)]
        assert html.count("adjusted") == 5 and "计划：白班" in html
        # what the colour and the hover title show is also read out in each changed cell
        said = re.findall(r'data-planned="\w*">\w*<span class="sr-only"> 计划：', html)
        assert len(said) == html.count("data-planned=") == 4, path
    book = load_workbook(BytesIO(client.get(f"/rosters/{roster.id}/export.xlsx").content))
    sheet = book["值班表"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(1, sheet.max_row + 1)}
    yang_cells = [sheet.cell(row=rows["杨帆"], column=c) for c in (2, 3)]
    assert [c.value for c in yang_cells] == [None, "白班"] or [c.value for c in yang_cells][
        0
    ] is None
    assert yang_cells[1].value and yang_cells[1].comment is not None
    assert yang_cells[0].comment is not None and "计划" in yang_cells[0].comment.text


def test_grid_shows_an_override_as_worked(client: TestClient, session: Session) -> None:
    roster, people, shifts = _published(session)
    yang, cover = people["杨帆"], _person(session, "刘洋")
    _cover_day_shift(session, shifts, cover=cover, covered=yang)
    make_user(session, role=Role.viewer, username="grid-viewer")
    client.post("/login", data={"username": "grid-viewer", "password": TEST_PASSWORD})
    html = client.get(f"/rosters/{roster.id}").text
    assert _cells(html, yang) == [(None, "day"), (None, None)]
    assert _cells(html, cover) == [("day", ""), (None, None)]  # a row although not planned


def test_a_name_that_looks_like_a_formula_is_exported_as_text(
    client: TestClient, session: Session
) -> None:
    roster, people, _ = _published(session)
    evil = '=HYPERLINK("http://evil.example/x","张三")'
    leader = people["王建国"]  # in the grid, the leader row and the totals
    leader.name = evil
    session.add(leader)
    session.commit()
    make_user(session, role=Role.viewer, username="grid-viewer")
    client.post("/login", data={"username": "grid-viewer", "password": TEST_PASSWORD})
    book = load_workbook(BytesIO(client.get(f"/rosters/{roster.id}/export.xlsx").content))
    for title, expected in (("值班表", 3), ("统计", 1)):  # the row and the leader on 2 days
        cells = [c for row in book[title].iter_rows() for c in row]
        named = [c for c in cells if c.value == evil]
        assert len(named) == expected, title
        assert all(c.data_type == "s" and c.quotePrefix for c in named), title
        assert not [c.coordinate for c in cells if c.data_type == "f"], title


def test_the_leader_on_duty_decides_swaps_on_the_swaps_page(
    client: TestClient, session: Session
) -> None:
    """DOMAIN.md §5: swaps are approved by the duty leader; a duty officer only asks."""
    roster, people, _ = _published(session)
    swap = _yang_and_hu_swap(session, roster, people)
    approve = f'data-action="/api/v1/swaps/{swap.id}/approve"'
    for role, shown in ((Role.duty_officer, False), (Role.leader, True), (Role.planner, True)):
        make_user(session, role=role, username=f"swaps-{role.value}")
        client.post("/login", data={"username": f"swaps-{role.value}", "password": TEST_PASSWORD})
        page = client.get("/swaps")
        assert page.status_code == 200
        assert (approve in page.text) is shown, role
        assert "own-swap" not in page.text
        client.cookies.clear()
    # a leader who is one of the two people swapping may withdraw it, not approve it
    party = make_user(session, role=Role.leader, username="swaps-party")
    people["胡军"].user_id = party.id
    session.add(people["胡军"])
    session.commit()
    client.post("/login", data={"username": "swaps-party", "password": TEST_PASSWORD})
    page = client.get("/swaps").text
    assert approve not in page and f'data-action="/api/v1/swaps/{swap.id}/reject"' in page
    assert "这是您本人的换班：须由其他带班领导或排班员审批。" in page  # why there is no Approve


def test_a_swap_row_names_the_traded_shifts_and_the_version_that_replaced_its_roster(
    client: TestClient, session: Session
) -> None:
    roster, people, _ = _published(session)
    swap = _yang_and_hu_swap(session, roster, people)
    make_user(session, role=Role.planner, username="swaps-shifts")
    client.post("/login", data={"username": "swaps-shifts", "password": TEST_PASSWORD})

    def row() -> str:
        page = client.get("/swaps").text
        return page.split(f'<tr data-swap="{swap.id}" ', 1)[1].split("</tr>", 1)[0]

    assert f"杨帆 · {DAY1} 白班" in row() and f"胡军 · {DAY2} 白班" in row()
    assert f'<a href="/rosters/{roster.id}">#{roster.id}</a>' in row()
    assert "superseded-swap" not in row()

    # a new version replaces the roster and the swap's slots did not carry over
    newer = Roster(
        unit_id=roster.unit_id,
        period_start=DAY1,
        period_end=DAY2,
        version=2,
        status=RosterStatus.published,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
        published_at=T0,
    )
    roster.status = RosterStatus.superseded
    session.add_all([roster, newer])
    session.commit()
    assert f'<a href="/rosters/{newer.id}">#{newer.id} v2</a>' in row()
    assert f"（原属值班表 #{roster.id}，已被替代）" in row()
    assert f"杨帆 · {DAY1} 白班" in row()  # what was traded, as the old version held it
