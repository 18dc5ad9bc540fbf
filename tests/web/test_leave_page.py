"""The leave and wishes page: each wish from today on can be removed from its row."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall import wishes
from oncall.models import Person
from oncall.roster_models import ShiftRequestCreate
from tests.conftest import T0, TEST_PASSWORD, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_each_wish_has_a_remove_button(client: TestClient, session: Session) -> None:
    demo.seed(session, now=T0)
    person = session.exec(select(Person).where(Person.name == "杨帆")).one()
    wish = wishes.add_request(
        session,
        data=ShiftRequestCreate(
            person_id=person.id or 0, day=(T0 + timedelta(days=3)).date(), wanted=False
        ),
        actor="test",
        now=T0,
        tz=SHANGHAI,
    )
    make_user(session, role=Role.planner, username="wish-planner")
    client.post("/login", data={"username": "wish-planner", "password": TEST_PASSWORD})
    page = client.get("/planner/leave").text
    row = page.split(f'<tr data-wish="{wish.id}" ', 1)[1].split("</tr>", 1)[0]
    assert f'data-action="/api/v1/shift-requests/{wish.id}" data-method="DELETE"' in row
