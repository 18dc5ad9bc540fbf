"""A roster version's note in the page's language: a repaired version is worded from its
repair reason (migration 0029 gave one to those repaired before it was kept); any other note
is the planner's and shown as stored."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall.models import Unit
from oncall.roster_models import Roster, RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from web.i18n import LANG_COOKIE, translations
from web.roster_notes import localise_note

START, END = date(2027, 1, 1), date(2027, 1, 7)


def _shown(locale: str, note: str, reason: str | None) -> str:
    catalogue = translations(locale)
    return localise_note(note, reason, gettext=catalogue.gettext)


@pytest.mark.parametrize(
    ("locale", "note", "reason", "shown"),
    [
        ("zh_CN", "repair: 病假", "病假", "调整：病假"),
        ("en", "repair: 病假", "病假", "repair: 病假"),
        # the reason is worded, whatever the note says (cut to its column, or reworded)
        ("zh_CN", "", "sick: flu", "调整：sick: flu"),
        ("zh_CN", "January, second try", None, "January, second try"),
        ("zh_CN", "", None, ""),
    ],
)
def test_a_note_is_worded_from_the_repair_reason_else_from_the_note(
    locale: str, note: str, reason: str | None, shown: str
) -> None:
    assert _shown(locale, note, reason) == shown


def _version(session: Session, unit: Unit, version: int, note: str, reason: str | None) -> Roster:
    roster = Roster(
        unit_id=unit.id or 0,
        period_start=START,
        period_end=END,
        version=version,
        status=RosterStatus.draft,
        note=note,
        repair_reason=reason,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
    )
    session.add(roster)
    session.commit()
    return roster


def test_the_roster_pages_word_repair_reasons_and_show_other_notes(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    keyed = _version(session, unit, 1, "repair: 病假（发热）", "病假（发热）")
    old = _version(session, unit, 2, "月初排班", None)
    make_user(session, role=Role.planner, username="note-planner")
    client.post("/login", data={"username": "note-planner", "password": TEST_PASSWORD})

    listed = client.get("/rosters", params={"unit_id": unit.id}).text
    assert "调整：病假（发热）" in listed and "月初排班" in listed
    assert "repair:" not in listed
    assert "调整：病假（发热）" in client.get(f"/rosters/{keyed.id}").text
    assert "月初排班" in client.get(f"/rosters/{old.id}").text

    client.cookies.set(LANG_COOKIE, "en")
    listed = client.get("/rosters", params={"unit_id": unit.id}).text
    assert "repair: 病假（发热）" in listed and "月初排班" in listed
    assert "repair: 病假（发热）" in client.get(f"/rosters/{keyed.id}").text
