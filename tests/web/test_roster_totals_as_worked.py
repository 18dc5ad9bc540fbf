"""A published roster's totals and fairness count the roster as it is worked, as its grid shows
it: a cover or an approved swap moves the shift, its hours and its night, weekend or holiday
from one person's totals to the other's (the solver's figures counted the plan, so the table
disagreed with the grid above it); the year-to-date history the solver had stays."""

from __future__ import annotations

import json
import re
from io import BytesIO

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from core.users import Role
from oncall.models import Person
from tests.conftest import TEST_PASSWORD, make_user
from tests.web.test_roster_grid_as_worked import (
    _cover_day_shift,
    _person,
    _published,
)


def _totals(html: str, person: Person) -> list[str]:
    """The figures of the person's row of the totals table."""
    table = html.split('id="totals"', 1)[1].split("</table>", 1)[0]
    row = table.split(f"<tr><th>{person.name}</th>", 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td>([^<]*)</td>", row)


def test_totals_move_with_a_cover_and_keep_the_history(
    client: TestClient, session: Session
) -> None:
    roster, people, shifts = _published(session)
    yang, leader, cover = people["杨帆"], people["王建国"], _person(session, "刘洋")
    plan = {  # what the solver counted: 杨帆 a day shift, 2 nights and 1 weekend before it
        str(yang.id): {"shifts": 1, "hours": 9.0, "nights": 0, "weekends": 0, "holidays": 0}
        | {"nights_with_history": 2, "weekends_with_history": 1, "holidays_with_history": 0},
        str(leader.id): {"shifts": 2, "hours": 48.0, "nights": 0, "weekends": 0, "holidays": 0}
        | {"nights_with_history": 0, "weekends_with_history": 3, "holidays_with_history": 1},
    }
    roster.result_json = json.dumps({"totals": plan})
    session.add(roster)
    session.commit()
    _cover_day_shift(session, shifts, cover=cover, covered=yang)
    make_user(session, role=Role.viewer, username="totals-viewer")
    client.post("/login", data={"username": "totals-viewer", "password": TEST_PASSWORD})
    html = client.get(f"/rosters/{roster.id}").text
    assert _totals(html, yang) == ["0", "0.0", "0", "0", "0", "2", "1", "0"]
    assert _totals(html, cover) == ["1", "9.0", "0", "0", "0", "0", "0", "0"]
    assert _totals(html, leader) == ["2", "48.0", "0", "0", "0", "0", "3", "1"]
    book = load_workbook(BytesIO(client.get(f"/rosters/{roster.id}/export.xlsx").content))
    sheet = book["统计"]
    rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[yang.name] == [0, 0, 0, 0, 0, 2, 1, 0]
    assert rows[cover.name] == [1, 9, 0, 0, 0, 0, 0, 0]
