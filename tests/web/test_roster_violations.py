"""A roster's broken wishes in the page's language: each carries the key of its phrase and its
values (scheduler/roster_soft.py) and is worded from the catalogue by them, people and shifts
by name, in Chinese and in English; an item the page cannot word (a `note`: an old detail
migration 0029 could not read; a key or values it does not know) is shown as stored."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall.models import Person as StaffPerson
from oncall.models import Unit
from scheduler.roster_soft import KEYS
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import infeasible_roster
from tests.unit.scheduler_domain.factory import START
from web.i18n import LANG_COOKIE, translations
from web.render import label_text
from web.roster_violations import PHRASES, localise_violation

NAMES = {6: "杨帆", 7: "陈静"}
SHIFTS = {"zh_CN": {"day": "白班", "night": "夜班"}, "en": {"day": "Day", "night": "Night"}}
SKILLS = {"zh_CN": {"cosmetics": "化妆品"}, "en": {"cosmetics": "Cosmetics"}}

VALUES: dict[str, dict[str, Any]] = {
    "under_cover": {"day": "2026-12-10", "shift": "day", "skill": None, "n": 1, "preferred": 2},
    "over_cover": {
        "day": "2026-12-10",
        "shift": "night",
        "skill": "cosmetics",
        "n": 2,
        "preferred": 1,
    },
    "request_day_off": {"person": "7", "day": "2026-12-07"},
    "request_work": {"person": "7", "day": "2026-12-07"},
    "request_shift": {"person": "6", "day": "2026-12-06", "shift": "day"},
    "request_no_shift": {"person": "6", "day": "2026-12-06", "shift": "night"},
    "isolated_day_on": {"person": "7", "day": "2026-12-08"},
    "isolated_day_off": {"person": "6", "day": "2026-12-09"},
    "spread": {"role": "duty", "n": 3},
    "hint_removed": {"person": "6", "day": "2026-12-10", "shift": "night"},
    "hint_added": {"person": "7", "day": "2026-12-10", "shift": "day"},
    "note": {"text": "月初手工调整"},
}

SHOWN = {
    "zh_CN": {
        "under_cover": "2026-12-10 白班：比期望人数 2 少 1 人",
        "over_cover": "2026-12-10 夜班 (化妆品)：比期望人数 1 多 2 人",
        "request_day_off": "陈静 希望 2026-12-07 休息",
        "request_work": "陈静 希望 2026-12-07 上班",
        "request_shift": "杨帆 希望 2026-12-06 上白班",
        "request_no_shift": "杨帆 希望 2026-12-06 不上夜班",
        "isolated_day_on": "陈静 2026-12-08 前后都休息，只上一天班",
        "isolated_day_off": "杨帆 2026-12-09 只休一天",
        "spread": "值班：最多与最少相差 3（含本年累计）",
        "hint_removed": "杨帆 2026-12-10 不再上夜班",
        "hint_added": "陈静 2026-12-10 改上白班",
        "note": "月初手工调整",
    },
    "en": {
        "under_cover": "2026-12-10 Day: 1 short of the preferred 2",
        "over_cover": "2026-12-10 Night (Cosmetics): 2 more than the preferred 1",
        "request_day_off": "陈静 asked for a day off on 2026-12-07",
        "request_work": "陈静 asked to work on 2026-12-07",
        "request_shift": "杨帆 asked for the Day shift on 2026-12-06",
        "request_no_shift": "杨帆 asked for no Night shift on 2026-12-06",
        "isolated_day_on": "陈静 works a single day between days off on 2026-12-08",
        "isolated_day_off": "杨帆 has a single day off on 2026-12-09",
        "spread": "Duty: 3 between the most and the least (including the year to date)",
        "hint_removed": "杨帆 taken off Night on 2026-12-10",
        "hint_added": "陈静 put on Day on 2026-12-10",
        "note": "月初手工调整",
    },
}


def _shown(locale: str, item: dict[str, Any]) -> str:
    catalogue = translations(locale)
    return localise_violation(
        item,
        names=NAMES,
        shifts=SHIFTS[locale],
        skills=SKILLS[locale],
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
    )


def test_every_key_has_a_phrase_and_an_example() -> None:
    assert PHRASES.keys() == KEYS.keys() == VALUES.keys()
    assert all(VALUES[key].keys() == KEYS[key] for key in KEYS)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_key_is_worded_with_names(locale: str, key: str) -> None:
    item = {"goal": "x", "detail": "stored English", "key": key, "values": VALUES[key]}
    shown = _shown(locale, item)
    assert shown == SHOWN[locale][key]
    if locale == "zh_CN":
        assert not re.search(r"[A-Za-z]", shown), shown


@pytest.mark.parametrize(
    "item",
    [
        {"key": "new_kind", "values": {}},  # a key this page does not know
        {"key": "request_day_off", "values": {"person": "6"}},  # a value missing
        {},  # no key (migration 0029 gives every stored item one)
    ],
)
def test_an_item_the_page_cannot_word_is_shown_as_its_detail(item: dict[str, Any]) -> None:
    detail = "6 asked for day off on 2026-12-09"
    assert _shown("zh_CN", {"goal": "request", "cost": 5, "detail": detail} | item) == detail


def test_the_roster_page_words_keyed_broken_wishes_and_shows_notes_as_stored(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    person = session.exec(select(StaffPerson).where(StaffPerson.name == "王建国")).one()
    who = str(person.id)
    keyed = {
        "goal": "request",
        "cost": 9,
        "detail": f"{who} asked for day off on 2027-01-05",
        "person": who,
        "day": "2027-01-05",
        "key": "request_day_off",
        "values": {"person": who, "day": "2027-01-05"},
    }
    old = {  # stored before the keys, its detail no phrase: shown as stored
        "goal": "isolated_day_on",
        "cost": 2,
        "detail": "an older solver wording",
        "person": who,
        "day": "2027-01-06",
        "key": "note",
        "values": {"text": "an older solver wording"},
    }
    roster = infeasible_roster(
        session, unit_id=unit.id or 0, start=START, explanation=[], people=[person.id or 0]
    )
    roster.result_json = json.dumps(json.loads(roster.result_json) | {"violations": [keyed, old]})
    session.add(roster)
    session.commit()
    make_user(session, role=Role.planner, username="wish-planner")
    client.post("/login", data={"username": "wish-planner", "password": TEST_PASSWORD})
    table = client.get(f"/rosters/{roster.id}").text.split('id="violations"', 1)[1]
    table = table.split("</table>", 1)[0]
    assert "王建国 希望 2027-01-05 休息" in table
    assert "an older solver wording" in table
    client.cookies.set(LANG_COOKIE, "en")
    table = client.get(f"/rosters/{roster.id}").text.split('id="violations"', 1)[1]
    assert "王建国 asked for a day off on 2027-01-05" in table.split("</table>", 1)[0]
