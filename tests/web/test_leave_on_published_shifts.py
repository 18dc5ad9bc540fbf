"""Leave recorded for someone still down to work shifts of a published roster leaves those
shifts with nobody to work them until the roster is repaired: the answer of recording (and of
correcting) it lists them with the page to repair on, the leave page says so in its language,
and the repair it links to does not record the leave a second time."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from core.users import Role
from oncall.roster_models import Leave, Roster, RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import make_intake, make_roster

TODAY = T0.date()  # 09:30 in Shanghai: the same day
Headers = Callable[[Role], dict[str, str]]


def test_leave_on_published_shifts_names_them_and_links_to_the_repair(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    intake = make_intake(session)
    busy, idle = intake.people[:2]
    d1, d2, d3 = (TODAY + timedelta(days=n) for n in (1, 2, 3))
    published = make_roster(
        session,
        intake,
        TODAY,
        TODAY + timedelta(days=6),
        [(busy, d1, "day"), (busy, d2, "night"), (busy, d3, "day"), (idle, d3, "night")],
        status=RosterStatus.published,
    )
    planner = auth_headers(Role.planner)

    answer = client.post(
        "/api/v1/leave",
        json={"person_id": busy, "start_date": str(d1), "end_date": str(d2), "reason": "探亲假"},
        headers=planner,
    )
    assert answer.status_code == 201, answer.text
    shifts = answer.json()["published_shifts"]
    assert [(s["roster_id"], s["version"], s["day"], s["shift"]) for s in shifts] == [
        (published.id, 1, str(d1), "白班"),
        (published.id, 1, str(d2), "夜班"),
    ]
    assert shifts[0]["repair"].startswith(f"/rosters/{published.id}?repair_person={busy}&")
    assert shifts[0]["repair"].endswith("#sick-form")
    free = client.post(
        "/api/v1/leave",
        json={"person_id": idle, "start_date": str(d1), "end_date": str(d2)},
        headers=planner,
    )
    assert free.status_code == 201 and free.json()["published_shifts"] == []
    corrected = client.patch(
        f"/api/v1/leave/{answer.json()['id']}", json={"end_date": str(d3)}, headers=planner
    )
    assert corrected.status_code == 200, corrected.text
    assert [s["day"] for s in corrected.json()["published_shifts"]] == [str(d1), str(d2), str(d3)]

    make_user(session, role=Role.planner, username="leave-planner")
    client.post("/login", data={"username": "leave-planner", "password": TEST_PASSWORD})
    page = client.get("/planner/leave").text
    notice = page.split('id="leave-clashes"', 1)[1].split("</section>", 1)[0]
    assert "修复值班表前这些班次无人值守" in notice
    assert f"{d1} 白班、{d2} 夜班、{d3} 白班" in notice
    link = html.unescape(notice.split('<a href="', 1)[1].split('"', 1)[0])
    assert link == corrected.json()["published_shifts"][0]["repair"]
    assert f'data-leave="{free.json()["id"]}"' not in notice

    repair_page = client.get(link.split("#", 1)[0]).text
    form = repair_page.split('id="sick-form"', 1)[1].split("</form>", 1)[0]
    assert f'<option value="{busy}" selected>' in form
    assert f'name="start_date" type="date" value="{d1}"' in form
    assert f'name="end_date" type="date" value="{d3}"' in form and 'value="探亲假"' in form

    client.cookies.set("dutydesk_lang", "en")
    english = client.get("/planner/leave").text.split('id="leave-clashes"', 1)[1]
    assert "nobody else works them until the roster is repaired" in english

    repaired = client.post(
        f"/api/v1/rosters/{published.id}/repair",
        json={"person_id": busy, "start_date": str(d1), "end_date": str(d3), "reason": "探亲假"},
        headers=planner,
    )
    assert repaired.status_code == 202, repaired.text
    kept = session.exec(select(Leave).where(Leave.person_id == busy)).all()
    assert [(x.start_date, x.end_date) for x in kept] == [(d1, d3)]
    assert session.get(Roster, repaired.json()["id"]) is not None
