"""An override or a swap refused by the unit's hard rules reads in the page's language: each
breach `plan_rules` reports carries its kind and values, which the page's script words from
the `field_errors` catalogue (`fill` in static/app/text.js: `%(name)s` from the error's `ctx`)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from oncall.plan_rules import Broken, broken_rules
from tests.unit.oncall.test_plan_rules import CASES, JAN, _plan, _rules, _w
from web.field_errors import texts

ZH = texts("zh_CN")["types"]
EN = texts("en")["types"]


def _fill(text: str, values: dict[str, object]) -> str:
    return re.sub(r"%\((\w+)\)s", lambda m: str(values.get(m.group(1), m.group(0))), text)


def _every_breach() -> list[Broken]:
    found = [
        b for _, plan, rules, around, _ in CASES for b in broken_rules(plan, rules, around=around)
    ]
    period = (JAN, JAN + timedelta(days=27))
    found += broken_rules(
        _plan("day", None, "day", None, "day"),
        _rules(max_shifts_per_period=2),
        around={JAN + timedelta(days=4)},
        period=period,
    )
    found += broken_rules(
        [_w(5), _w(6), _w(12), _w(19)],
        _rules(max_weekends=2),
        around={JAN + timedelta(days=19)},
        period=period,
        weekend_days=frozenset(JAN + timedelta(days=d) for d in (5, 6, 12, 13, 19, 20)),
    )
    return found


BREACHES = _every_breach()


def test_every_hard_rule_is_among_the_breaches() -> None:
    assert {b.kind or b.rule for b in BREACHES} == {
        key.removeprefix("rule_")
        for key in ZH
        if key.startswith("rule_") and key not in {"rule_role", "rule_on_leave"}
    }


@pytest.mark.parametrize("breach", BREACHES, ids=lambda b: b.kind or b.rule)
def test_a_breach_reads_in_chinese_with_its_values(breach: Broken) -> None:
    values = {**breach.values, "person": "杨帆", "first_shift": "白班", "second_shift": "备班"}
    shown = _fill(ZH[f"rule_{breach.kind or breach.rule}"], values)
    assert "%(" not in shown and "杨帆" in shown
    assert re.search(r"[A-Za-z]{3,}", shown.replace("-W", "")) is None, shown
    # the values the English reason gives are all in the worded text
    english = _fill(EN[f"rule_{breach.kind or breach.rule}"], values)
    for day in re.findall(r"\d{4}-\d\d-\d\d", breach.reason):
        assert day in shown and day in english
