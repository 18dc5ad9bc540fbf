"""Days from today that no published roster covers are flagged on the roster list, and the
generate form suggests the first of them (not the days after the last published one)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from oncall.roster_models import RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import make_intake, make_roster

TODAY = T0.date()  # 09:30 in Shanghai: the same day


def _field(page: str, name: str) -> str:
    return page.split(f'name="{name}" type="date" value="', 1)[1].split('"', 1)[0]


def test_a_gap_between_published_rosters_is_flagged_and_suggested(
    client: TestClient, session: Session
) -> None:
    intake = make_intake(session)
    make_user(session, role=Role.planner, username="gap-planner")
    client.post("/login", data={"username": "gap-planner", "password": TEST_PASSWORD})

    page = client.get(f"/rosters?unit_id={intake.unit_id}").text
    assert f"已发布的值班表不覆盖 {TODAY} 起的日期" in page.split('id="uncovered-days"', 1)[1]
    assert _field(page, "period_start") == str(TODAY)
    # 2027 has no State Council notice loaded: its holidays would be estimates
    assert "工作日历缺少 2027 年的官方数据" in page.split('id="calendar-warning"', 1)[1]

    first_end = TODAY + timedelta(days=4)
    later = (TODAY + timedelta(days=10), TODAY + timedelta(days=30))
    make_roster(session, intake, TODAY, first_end, [], status=RosterStatus.published)
    make_roster(session, intake, *later, [], status=RosterStatus.published)
    make_roster(session, intake, first_end, later[0], [])  # a draft covers no one
    page = client.get(f"/rosters?unit_id={intake.unit_id}").text
    box = page.split('id="uncovered-days"', 1)[1].split("</section>", 1)[0]
    gap = (first_end + timedelta(days=1), later[0] - timedelta(days=1))
    assert "没有已发布值班表的日期" in box and f"<li>{gap[0]} – {gap[1]}</li>" in box
    assert (_field(page, "period_start"), _field(page, "period_end")) == (str(gap[0]), str(gap[1]))

    make_roster(session, intake, gap[0], gap[1], [], status=RosterStatus.published)
    page = client.get(f"/rosters?unit_id={intake.unit_id}").text
    assert 'id="uncovered-days"' not in page
    assert _field(page, "period_start") == str(later[1] + timedelta(days=1))
