"""Archiving someone with shifts ahead on a published roster leaves those shifts with nobody
to work them; the people page's Archive asks first, naming how many and from when, in the
page's language. Someone without shifts ahead gets the plain question."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from oncall.roster_models import RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import make_intake, make_roster

TODAY = T0.date()  # 09:30 in Shanghai: the same day


def _archive_question(page: str, person_id: int) -> str:
    found = re.search(
        rf'data-action="/api/v1/people/{person_id}" data-method="DELETE" data-confirm="([^"]*)"',
        page,
    )
    assert found is not None, person_id
    return html.unescape(found.group(1))


def test_archive_names_the_shifts_it_would_leave_uncovered(
    client: TestClient, session: Session
) -> None:
    intake = make_intake(session)
    busy, idle, past = intake.people[:3]
    make_roster(
        session,
        intake,
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=3),
        [
            (busy, TODAY + timedelta(days=1), "day"),
            (busy, TODAY + timedelta(days=3), "night"),
            (past, TODAY - timedelta(days=2), "day"),
        ],
        status=RosterStatus.published,
    )
    make_roster(  # a draft is no one's duty yet
        session, intake, TODAY, TODAY, [(idle, TODAY, "day")], status=RosterStatus.draft
    )
    make_user(session, role=Role.planner, username="people-planner")
    client.post("/login", data={"username": "people-planner", "password": TEST_PASSWORD})

    page = client.get("/planner/people").text
    question = _archive_question(page, busy)
    assert "还有 2 个班次" in question and "2026-11-24" in question and "仍要归档吗" in question
    assert _archive_question(page, idle) == "1" and _archive_question(page, past) == "1"

    client.cookies.set("dutydesk_lang", "en")
    english = _archive_question(client.get("/planner/people").text, busy)
    assert "has 2 shifts on published rosters, from 2026-11-24" in english
