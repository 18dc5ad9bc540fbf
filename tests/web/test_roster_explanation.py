"""The explanation of an infeasible roster in the page's language: every phrase the solver
explains with (scheduler/roster_explain.py, produced here by its own functions) is worded
from the catalogue, shifts by name, and the roster page shows it so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.users import Role
from oncall.models import Person as StaffPerson
from oncall.models import Unit
from scheduler.roster_explain import core_shortfalls, count_shortfalls, describe_guard
from scheduler.roster_problem import Demand, Fixed, Unavailability
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
from web.i18n import LANG_COOKIE, gettext
from web.labels import label_id
from web.roster_explanation import localise_explanation

SHIFTS = {"day": "白班", "night": "夜班", "leader": "带班领导", "late": "晚班"}
ENGLISH = re.compile(r"\b(needs|available|only|shifts short|hours short|cannot|fixed|for|week)\b")


def _messages() -> list[str]:
    """The solver's explanation phrases, each kind at least once."""
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
    ]
    messages = [item.message for item in found]
    messages.append("the rules could not be proven contradictory within the time limit")
    return messages


MESSAGES = _messages()


def _zh(message: str) -> str:
    return gettext("zh_CN", message)


def _label(kind: str, value: object) -> str:
    message = label_id(kind, value)
    return _zh(message) if message else str(value)


def test_the_solver_explains_each_kind_of_shortfall() -> None:
    """The table below covers what the solver says (a new phrase there shows up here)."""
    kinds = {
        "leader (带班领导)": "leader",
        "special_equipment person": "skill",
        "across all shifts": "day",
        "fixed on day": "fixed elsewhere",
        "fixed day off": "fixed day off",
        "with max shifts per period": "period cap",
        "with max shifts per week": "week cap",
        "weekly hours cap": "hours cap",
        "max consecutive nights for": "core rule",
        "— cannot be met": "core",
        "proven contradictory": "unknown",
    }
    seen = {kind for text, kind in kinds.items() if any(text in m for m in MESSAGES)}
    assert seen == set(kinds.values())


@pytest.mark.parametrize("message", MESSAGES)
def test_every_explanation_reads_in_chinese(message: str) -> None:
    shown = localise_explanation(
        message, shifts=SHIFTS, gettext=_zh, label=_label, skills={EXPERT: "特种设备"}
    )
    assert shown != message
    assert ENGLISH.search(shown) is None, shown
    for code in ("night", "leader", "late", "max_", "min_", "rest_day", EXPERT):
        assert code not in shown, shown


def test_english_keeps_the_values_and_names_shifts() -> None:
    message = next(m for m in MESSAGES if "leader (带班领导)" in m)
    shown = localise_explanation(
        message,
        shifts=SHIFTS,
        gettext=lambda text: gettext("en", text),
        label=lambda kind, value: gettext("en", label_id(kind, value) or str(value)),
    )
    assert "带班领导 needs 1 leader on duty, only 0 available" in shown


def test_the_infeasible_roster_page_explains_in_the_pages_language(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    leaders = session.exec(select(StaffPerson).where(StaffPerson.name == "王建国")).one()
    message = (
        f"2027-02-06 leader needs 1 leader (带班领导), only 0 available ({leaders.name} 春节休假)"
    )
    item = {
        "rule": "leader_per_day",
        "day": "2027-02-06",
        "shift": "leader",
        "skill": None,
        "people_short": 1,
        "message": message,
    }
    roster = infeasible_roster(
        session, unit_id=unit.id or 0, start=START, explanation=[item], people=[leaders.id or 0]
    )
    make_user(session, role=Role.planner, username="explain-planner")
    client.post("/login", data={"username": "explain-planner", "password": TEST_PASSWORD})
    html = client.get(f"/rosters/{roster.id}").text
    section = html.split('id="explanation"', 1)[1].split("</section>", 1)[0]
    assert "2027-02-06 带班领导" in section
    assert "王建国 春节休假" in section
    assert "needs" not in section and "available" not in section
    assert "（缺 1 人）" in section
    assert 'id="totals"' not in html  # no roster, so no table of zeros
    client.cookies.set(LANG_COOKIE, "en")
    english = client.get(f"/rosters/{roster.id}").text.split('id="explanation"', 1)[1]
    assert "(1 person short)" in english.split("</section>", 1)[0]
