"""The explanation of an infeasible roster in the page's language: every item the solver
explains with (scheduler/roster_explain.py, produced here by its own functions) carries the
key of its phrase and its values, and is worded from the catalogue by them, shifts by name,
skills and rules by their labels, in Chinese and in English; an item stored before the keys
is shown as stored; the roster page shows them so."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall.models import Person as StaffPerson
from oncall.models import Unit
from scheduler.roster_explain import KEYS, core_shortfalls, count_shortfalls, describe_guard
from scheduler.roster_problem import Demand, Fixed, Shortfall, Unavailability
from scheduler.roster_rules import Guard
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import infeasible_roster
from tests.unit.scheduler_domain.factory import (
    DAY,
    EXPERT,
    LATE,
    NO_RULES,
    START,
    make_centre,
    make_tiny,
)
from web.i18n import LANG_COOKIE, gettext, translations
from web.labels import label_id
from web.roster_explanation import PHRASES, localise_explanation

SHIFTS = {"day": "白班", "night": "夜班", "leader": "带班领导", "late": "晚班"}
ENGLISH = re.compile(r"\b(needs|available|only|shifts short|hours short|cannot|fixed|for|week)\b")


def _items() -> list[Shortfall]:
    """The solver's explanation items, each key at least once."""
    away = START + timedelta(3)
    centre = make_centre()
    on_leave = replace(
        centre,
        unavailable=tuple(Unavailability(who, away, "年休假") for who in ("p1", "p2", "p3"))
        + tuple(Unavailability(who, away) for who in ("l1", "l2", "l3", "p4", "p5")),
        fixed=tuple(Fixed(who, away + timedelta(1), None) for who in ("l1", "l2", "l3"))
        + tuple(Fixed(who, away + timedelta(1), "day") for who in ("p1", "p2", "p3")),
    )
    tiny = make_tiny(7, (DAY,), NO_RULES, people=3)
    capped = replace(
        tiny,
        demand=tuple(Demand(d.date, "day", 3, 3) for d in tiny.days),
        rules=replace(NO_RULES, max_shifts_per_period=2, max_shifts_per_week=2),
    )
    hours = replace(capped, rules=replace(NO_RULES, max_hours_per_week=20))
    nights = replace(
        make_tiny(3, (LATE,), replace(NO_RULES, max_consecutive_nights=1), people=2),
        demand=tuple(Demand(START + timedelta(d), "late", 1, 1, EXPERT) for d in range(2)),
    )
    nights = replace(nights, people=(replace(nights.people[0], skills=frozenset({EXPERT})),))
    people = {p.id: p for p in centre.people}
    guards = [
        Guard("minimum_cover", None, START, "night", EXPERT, 1),
        Guard("leader_per_day", None, START, "leader", None, 1),
        Guard("fixed", "p1", START, "night"),
        Guard("fixed", "p1", START, None),
        Guard("max_shifts_per_week", "p1", START),
        Guard("rest_day_per_7", "l1"),
        Guard("min_rest", "p2"),
    ]
    found = [
        *count_shortfalls(on_leave),
        *count_shortfalls(capped),
        *count_shortfalls(hours),
        *core_shortfalls(nights, time_limit_s=5),
        *(describe_guard(guard, people) for guard in guards),
        *core_shortfalls(make_tiny(2, (DAY,), NO_RULES, people=3), time_limit_s=1),
    ]
    return found


ITEMS = _items()


def _stored(item: Shortfall) -> dict[str, Any]:
    """The item as oncall.rosters stores it in the roster's result (JSON)."""
    day = item.day.isoformat() if item.day else None
    return dict(json.loads(json.dumps({**asdict(item), "day": day})))


def _shown(item: dict[str, Any], locale: str) -> str:
    def label(kind: str, value: object) -> str:
        message = label_id(kind, value)
        return gettext(locale, message) if message else str(value)

    return localise_explanation(
        item,
        shifts=SHIFTS if locale == "zh_CN" else {"day": "Day", "night": "Night", "late": "Late"},
        skills={EXPERT: "特种设备" if locale == "zh_CN" else "Special equipment"},
        gettext=lambda text: gettext(locale, text),
        ngettext=translations(locale).ngettext,
        label=label,
    )


def test_every_item_the_solver_gives_has_a_key_the_page_words_and_its_values() -> None:
    assert {item.key for item in ITEMS} == set(KEYS) == set(PHRASES)
    for item in ITEMS:
        assert set(item.values) == KEYS[item.key], item.key


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.key)
def test_every_item_the_solver_gives_reads_in_chinese(item: Shortfall) -> None:
    shown = _shown(_stored(item), "zh_CN")
    assert shown != item.message
    assert ENGLISH.search(shown) is None, shown
    for code in ("night", "leader", "late", "max_", "min_", "rest_day", EXPERT, "leave"):
        assert code not in shown, shown


def _item(key: str, **values: Any) -> dict[str, Any]:
    return {"rule": "minimum_cover", "message": "(stored English)", "key": key, "values": values}


_COVER = {"day": "2027-02-06", "shift": "night", "minimum": 3, "available": 1}
_ABSENT = [
    {"person": "7", "name": "王五", "why": "leave", "reason": "leave"},
    {"person": "8", "name": "林娜", "why": "leave", "reason": "春节休假"},
    {"person": "9", "name": "李四", "why": "fixed_day_off"},
    {"person": "10", "name": "赵六", "why": "fixed_elsewhere", "shift": "day"},
]
_CAP = {"need": 21, "can": 6, "rule": "max_shifts_per_week", "limit": 2, "short": 15}
_WEEK = {"span": "week", "start": "2027-02-01", "end": "2027-02-07"}
_PERIOD = {"span": "period", "start": "2027-02-01", "end": "2027-02-28"}
_CORE = " — cannot be met together with the other items listed"

#: (item, Chinese, English) for every key and each of its variants.
WORDED = [
    (
        _item("cover", **_COVER, skill=None, absent=_ABSENT),
        "2027-02-06 夜班 需要 3 人，只有 1 人可排（王五 请假、林娜 春节休假、李四 固定休息、"
        "赵六 已固定上白班）",
        "2027-02-06 Night needs 3 people, only 1 available (王五 on leave, 林娜 春节休假, "
        "李四 fixed day off, 赵六 fixed on Day)",
    ),
    (
        _item("cover", **_COVER, skill=EXPERT, absent=[]),
        "2027-02-06 夜班 需要 3 名具备“特种设备”专长的人员，只有 1 名可排",
        "2027-02-06 Night needs 3 people with Special equipment, only 1 available",
    ),
    (
        _item("cover", **_COVER | {"minimum": 1, "available": 0}, skill=EXPERT, absent=[]),
        "2027-02-06 夜班 需要 1 名具备“特种设备”专长的人员，只有 0 名可排",
        "2027-02-06 Night needs 1 person with Special equipment, only 0 available",
    ),
    (
        _item("cover", **_COVER | {"minimum": 1, "available": 0}, skill=None, absent=[]),
        "2027-02-06 夜班 需要 1 人，只有 0 人可排",
        "2027-02-06 Night needs 1 person, only 0 available",
    ),
    (
        _item("leader_cover", **_COVER | {"shift": "leader", "minimum": 1}, absent=_ABSENT[:1]),
        "2027-02-06 带班领导 需要 1 名带班领导，只有 1 名可排（王五 请假）",
        "2027-02-06 leader needs 1 leader on duty, only 1 available (王五 on leave)",
    ),
    (
        _item("day_cover", day="2027-02-06", minimum=5, available=4),
        "2027-02-06 各班次合计需要 5 人，只有 4 人可排",
        "2027-02-06 needs 5 people across all shifts, only 4 available",
    ),
    (
        _item("day_cover", day="2027-02-06", minimum=1, available=0),
        "2027-02-06 各班次合计需要 1 人，只有 0 人可排",
        "2027-02-06 needs 1 person across all shifts, only 0 available",
    ),
    (
        _item("shifts_cap", **_PERIOD, **_CAP | {"rule": "max_shifts_per_period"}, shift=None),
        "2027-02-01 至 2027-02-28 这一期 满足最低需求要 21 个班次，但按“每期最多班次”2，"
        "符合条件的人员最多只能上 6 个（缺 15 个班次）",
        "the period 2027-02-01 to 2027-02-28 needs 21 shifts to meet the minimums, but the "
        "eligible people can work at most 6 with most shifts per period 2 (15 shifts short)",
    ),
    (
        _item("shifts_cap", **_WEEK, **_CAP, shift="night"),
        "2027-02-01 所在周 满足最低需求要 21 个班次（夜班），但按“每周最多班次”2，"
        "符合条件的人员最多只能上 6 个（缺 15 个班次）",
        "the week of 2027-02-01 needs 21 shifts of shift Night to meet the minimums, but the "
        "eligible people can work at most 6 with most shifts per week 2 (15 shifts short)",
    ),
    (
        _item("hours_cap", **_WEEK, shift=None, need=189.0, can=172.5, short=16.5),
        "2027-02-01 所在周 满足最低需求要 189 小时，但符合条件的人员在每周工时上限内最多只能上 "
        "172.5 小时（缺 16.5 小时）",
        "the week of 2027-02-01 needs 189 hours to meet the minimums, but the eligible people "
        "can work at most 172.5 within their weekly hours cap (16.5 hours short)",
    ),
    (
        _item("core_cover", day="2027-02-06", shift="night", minimum=2, skill=EXPERT),
        "2027-02-06 夜班：至少 2 人（特种设备）——与所列其他各项无法同时满足",
        "2027-02-06 Night: at least 2 (Special equipment)" + _CORE,
    ),
    (
        _item("core_cover", day="2027-02-06", shift="leader", minimum=1, skill=None),
        "2027-02-06 带班领导：至少 1 人——与所列其他各项无法同时满足",
        "2027-02-06 leader: at least 1" + _CORE,
    ),
    (
        _item("core_fixed", person="7", name="王五", day="2027-02-06", shift="night"),
        "王五 已固定于 2027-02-06 上夜班——与所列其他各项无法同时满足",
        "王五 fixed to Night on 2027-02-06" + _CORE,
    ),
    (
        _item("core_fixed", person="7", name="王五", day="2027-02-06", shift=None),
        "王五 已固定于 2027-02-06 休息——与所列其他各项无法同时满足",
        "王五 fixed to a day off on 2027-02-06" + _CORE,
    ),
    (
        _item("core_rule", rule="max_shifts_per_week", person="7", name="王五", week="2027-02-01"),
        "王五 的“每周最多班次”（2027-02-01 所在周）——与所列其他各项无法同时满足",
        "most shifts per week for 王五 (week of 2027-02-01)" + _CORE,
    ),
    (
        _item("core_rule", rule="min_rest", person="7", name="王五", week=None),
        "王五 的“班次间最少休息”——与所列其他各项无法同时满足",
        "minimum rest between shifts for 王五" + _CORE,
    ),
    (
        _item("not_proven"),
        "在时限内未能证明规则相互矛盾",
        "the rules could not be proven contradictory within the time limit",
    ),
]


def test_the_table_words_every_key() -> None:
    assert {item["key"] for item, _, _ in WORDED} == set(KEYS)


@pytest.mark.parametrize(("item", "chinese", "english"), WORDED)
def test_each_key_is_worded_in_both_languages(
    item: dict[str, Any], chinese: str, english: str
) -> None:
    assert _shown(item, "zh_CN") == chinese
    assert _shown(item, "en") == english


@pytest.mark.parametrize(
    "item",
    [
        {"rule": "minimum_cover", "day": "2027-02-06", "people_short": 1, "message": "as stored"},
        _item("a_phrase_of_a_later_version", day="2027-02-06") | {"message": "as stored"},
        _item("cover", day="2027-02-06", shift="night") | {"message": "as stored"},
        _item("cover") | {"values": None, "message": "as stored"},
    ],
    ids=["no key", "unknown key", "values missing", "values not a mapping"],
)
def test_an_item_without_a_key_or_values_the_page_knows_is_shown_as_stored(
    item: dict[str, Any],
) -> None:
    assert _shown(item, "zh_CN") == "as stored"


def test_the_infeasible_roster_page_explains_in_the_pages_language(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    leader = session.exec(select(StaffPerson).where(StaffPerson.name == "王建国")).one()
    away = {"person": str(leader.id), "name": leader.name, "why": "leave", "reason": "春节休假"}
    worded = {
        "rule": "leader_per_day",
        "day": "2027-02-06",
        "shift": "leader",
        "skill": None,
        "people_short": 1,
        "message": "2027-02-06 leader needs 1 leader (带班领导), only 0 available "
        "(王建国 春节休假)",
        "person": None,
        "key": "leader_cover",
        "values": {
            "day": "2027-02-06",
            "shift": "leader",
            "minimum": 1,
            "available": 0,
            "absent": [away],
        },
    }
    old = {  # stored by a version before the keys: shown as stored, in English
        "rule": "minimum_cover",
        "day": "2027-02-07",
        "shift": "night",
        "skill": None,
        "people_short": 1,
        "message": "2027-02-07 night needs 1 person, only 0 available",
    }
    roster = infeasible_roster(
        session,
        unit_id=unit.id or 0,
        start=START,
        explanation=[worded, old],
        people=[leader.id or 0],
    )
    make_user(session, role=Role.planner, username="explain-planner")
    client.post("/login", data={"username": "explain-planner", "password": TEST_PASSWORD})
    html = client.get(f"/rosters/{roster.id}").text
    section = html.split('id="explanation"', 1)[1].split("</section>", 1)[0]
    first, second = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert "2027-02-06 带班领导 需要 1 名带班领导，只有 0 名可排（王建国 春节休假）" in first
    assert "（缺 1 人）" in first
    assert old["message"] in second
    assert 'id="totals"' not in html  # no roster, so no table of zeros
    client.cookies.set(LANG_COOKIE, "en")
    english = client.get(f"/rosters/{roster.id}").text.split('id="explanation"', 1)[1]
    english = english.split("</section>", 1)[0]
    assert "needs 1 leader on duty, only 0 available (王建国 春节休假)" in english
    assert "(1 person short)" in english
    assert "the leave listed below" in english


def test_the_infeasible_page_asks_to_change_leave_only_when_it_lists_some(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    nobody = {
        "rule": "minimum_cover",
        "day": "2027-02-07",
        "shift": "night",
        "skill": None,
        "people_short": 1,
        "message": "2027-02-07 night needs 3 people, only 2 available",
        "key": "cover",
        "values": {
            "day": "2027-02-07",
            "shift": "night",
            "minimum": 3,
            "available": 2,
            "skill": None,
            "absent": [],
        },
    }
    roster = infeasible_roster(session, unit_id=unit.id or 0, start=START, explanation=[nobody])
    make_user(session, role=Role.planner, username="explain-no-leave")
    client.post("/login", data={"username": "explain-no-leave", "password": TEST_PASSWORD})
    section = client.get(f"/rosters/{roster.id}").text.split('id="explanation"', 1)[1]
    section = section.split("</section>", 1)[0]
    assert "请调整需求或规则后重新生成。" in section and "请假" not in section
