"""A roster over days the working-day calendar only estimates (no State Council notice loaded)
marks its holidays as estimated on the grid, the print view and the export, and says so above
the grid; days with official data look as before."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from core import calendar_store
from core.users import Role
from core.workcal import DaySource, WorkingCalendar
from oncall.roster_models import RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import covering_rows, make_intake, make_roster


def test_estimated_holidays_are_marked_as_such(client: TestClient, session: Session) -> None:
    new_year = date(2027, 1, 1)
    assert WorkingCalendar().day_info(new_year).source is DaySource.ESTIMATED
    intake = make_intake(session)
    start, end = date(2026, 12, 28), date(2027, 1, 3)
    rows = covering_rows(intake, start, end)
    estimated = make_roster(session, intake, start, end, rows, status=RosterStatus.published)
    october = (date(2026, 10, 1), date(2026, 10, 7))  # 国庆节 2026: official data
    official = make_roster(session, intake, *october, covering_rows(intake, *october))
    make_user(session, role=Role.planner, username="estimate-planner")
    client.post("/login", data={"username": "estimate-planner", "password": TEST_PASSWORD})

    for path in (f"/rosters/{estimated.id}", f"/rosters/{estimated.id}/print"):
        page = client.get(path).text
        warning = page.split('id="estimated-days"', 1)[1].split("</p>", 1)[0]
        assert "2027-01-01 – 2027-01-03" in warning and "估算" in warning, path
        header = page.split('<th class="day kind-holiday estimated"', 1)[1].split("</th>", 1)[0]
        assert "元旦 (估算)" in header and "假?" in header, path
        assert '<th class="day kind-workday" title=' in page  # 2026-12-28..31: official
    plain = client.get(f"/rosters/{official.id}").text
    assert 'id="estimated-days"' not in plain and "估算" not in plain.split("<table", 1)[1]

    book = load_workbook(BytesIO(client.get(f"/rosters/{estimated.id}/export.xlsx").content))
    marks = [c.value or "" for c in book["值班表"][5]]
    assert any("元旦" in m and "估算" in m for m in marks), marks

    # an administrator confirms 2027's notice is entered: its days are official from then on
    calendar_store.confirm_year(session, year=2027, note="", actor="admin", now=T0)
    confirmed = client.get(f"/rosters/{estimated.id}").text
    assert 'id="estimated-days"' not in confirmed and "假?" not in confirmed
