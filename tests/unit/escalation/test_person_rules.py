"""People's own notification rules in the pure engine and their validation, table-first."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from escalation import codec
from escalation.engine import advance, escalate_now, next_wakeup, open_state
from escalation.policy import (
    NotifyRule,
    OnDutyTarget,
    Policy,
    PolicyError,
    Step,
    person_rules_from_list,
)
from escalation.state import Action, EscalationState, Notify, TimelineNote

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
INCIDENT = 7
PRIMARY, OTHER, BACKUP = 1, 2, 3

# duty officer (5 min, one repeat round) → backup (5 min); steps page by sms 0, voice 2
POLICY = Policy(
    "test",
    (
        Step((OnDutyTarget("duty_officer"),), 5, repeat=1),
        Step((OnDutyTarget("duty_backup"),), 5),
    ),
)
RESOLVED: Mapping[int, frozenset[int]] = {0: frozenset({PRIMARY}), 1: frozenset({BACKUP})}
SMS, VOICE = "sms", "voice"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def rules(*pairs: tuple[str, int]) -> tuple[NotifyRule, ...]:
    return tuple(NotifyRule(kind, after) for kind, after in pairs)  # type: ignore[arg-type]


def page(person: int, kind: str, step: int = 0, round_: int = 0) -> Notify:
    key = f"{INCIDENT}:{step}:{round_}:{person}:{kind}"
    return Notify(person, kind, step, round_, key)  # type: ignore[arg-type]


def pages(actions: Sequence[Action]) -> list[Action]:
    return [a for a in actions if isinstance(a, Notify)]


@dataclass
class Run:
    own: Mapping[int, tuple[NotifyRule, ...]] = field(default_factory=dict)
    resolved: Mapping[int, frozenset[int]] = field(default_factory=lambda: RESOLVED)
    state: EscalationState = field(default_factory=lambda: open_state(T0))

    def tick(self, minutes: float) -> tuple[Action, ...]:
        self.state, actions = advance(
            self.state,
            POLICY,
            at(minutes),
            incident_id=INCIDENT,
            resolved=self.resolved,
            own_rules=self.own,
        )
        return actions


OwnRules = Mapping[int, tuple[NotifyRule, ...]]
CASES: list[tuple[str, OwnRules, list[tuple[float, list[Action]]]]] = [
    (
        "no own rules: the step's sms, then voice after 2 min",
        {},
        [(0, [page(PRIMARY, SMS)]), (1.9, []), (2, [page(PRIMARY, VOICE)])],
    ),
    (
        "voice first, sms after 3 min",
        {PRIMARY: rules((VOICE, 0), (SMS, 3))},
        [(0, [page(PRIMARY, VOICE)]), (2, []), (3, [page(PRIMARY, SMS)]), (4.9, [])],
    ),
    (
        "sms only: no voice call",
        {PRIMARY: rules((SMS, 0))},
        [(0, [page(PRIMARY, SMS)]), (2, []), (4.9, [])],
    ),
    (
        "an own rule at the end of the wait never fires: the next round wins",
        {PRIMARY: rules((SMS, 0), (VOICE, 5))},
        [(0, [page(PRIMARY, SMS)]), (4.9, []), (5, [page(PRIMARY, SMS, round_=1)])],
    ),
    (
        "someone else's rules change nothing for the recipient",
        {OTHER: rules((VOICE, 0))},
        [(0, [page(PRIMARY, SMS)]), (2, [page(PRIMARY, VOICE)])],
    ),
    (
        "the step after takes the next person's own rules",
        {BACKUP: rules((VOICE, 1))},
        [
            (0, [page(PRIMARY, SMS)]),
            (5, [page(PRIMARY, SMS, round_=1)]),
            (10, []),
            (11, [page(BACKUP, VOICE, step=1)]),
        ],
    ),
]


@pytest.mark.parametrize(("own", "ticks"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_own_rules_choose_kind_and_timing(
    own: OwnRules, ticks: list[tuple[float, list[Action]]]
) -> None:
    run = Run(own=own)
    for minutes, expected in ticks:
        assert pages(run.tick(minutes)) == expected, f"at minute {minutes}"


def test_recipients_of_one_step_each_follow_their_own_rules() -> None:
    run = Run(own={OTHER: rules((VOICE, 0))}, resolved={**RESOLVED, 0: frozenset({1, 2})})
    assert pages(run.tick(0)) == [page(PRIMARY, SMS), page(OTHER, VOICE)]
    assert pages(run.tick(2)) == [page(PRIMARY, VOICE)]


def test_rules_edited_mid_round_change_only_later_rounds() -> None:
    run = Run(own={PRIMARY: rules((SMS, 0), (VOICE, 4))})
    assert pages(run.tick(0)) == [page(PRIMARY, SMS)]
    run.own = {PRIMARY: rules((VOICE, 0))}  # edited during round 0
    assert pages(run.tick(1)) == []
    assert pages(run.tick(2)) == []  # neither the new voice-first nor the step's voice
    assert pages(run.tick(4)) == [page(PRIMARY, VOICE)]
    assert pages(run.tick(5)) == [page(PRIMARY, VOICE, round_=1)]  # round 1: the edit applies
    run.own = {}  # cleared during round 1: still voice only until the round ends
    assert pages(run.tick(9)) == []
    assert pages(run.tick(10)) == [page(BACKUP, SMS, step=1)]


def test_the_wakeup_follows_the_frozen_own_rules() -> None:
    run = Run(own={PRIMARY: rules((SMS, 0), (VOICE, 3))})
    run.tick(0)
    assert next_wakeup(run.state, POLICY) == at(3)
    run.own = {}
    run.tick(3)
    assert next_wakeup(run.state, POLICY) == at(5)


def test_own_rules_that_page_nothing_in_the_wait_are_noted() -> None:
    actions = Run(own={PRIMARY: rules((VOICE, 6))}).tick(0)
    assert pages(actions) == []
    assert "person 1's own rules page nothing within the 5 min of step 1" in [
        a.text for a in actions if isinstance(a, TimelineNote)
    ]


def test_escalate_now_starts_the_next_step_with_own_rules() -> None:
    run = Run()
    run.tick(0)
    state, actions = escalate_now(
        run.state,
        POLICY,
        at(1),
        incident_id=INCIDENT,
        resolved=RESOLVED,
        own_rules={BACKUP: rules((VOICE, 0))},
    )
    assert pages(actions) == [page(BACKUP, VOICE, step=1)]
    assert state.own_rules == ((BACKUP, rules((VOICE, 0))),)


# ---- stored state ----------------------------------------------------------------------------


def test_own_rules_survive_the_json_state() -> None:
    run = Run(own={PRIMARY: rules((VOICE, 0), (SMS, 3))})
    run.tick(0)
    assert codec.loads(codec.dumps(run.state)) == run.state


def test_a_state_stored_before_own_rules_pages_by_the_step() -> None:
    run = Run()
    run.tick(0)
    data = json.loads(codec.dumps(run.state))
    del data["own_rules"]
    run.state = codec.loads(json.dumps(data))
    assert run.state.own_rules == ()
    run.own = {PRIMARY: rules((SMS, 0))}  # set after the round started: not used
    assert pages(run.tick(2)) == [page(PRIMARY, VOICE)]


# ---- validation ------------------------------------------------------------------------------

VALID: list[tuple[object, tuple[NotifyRule, ...]]] = [
    ([], ()),
    ([{"kind": "voice", "after_minutes": 0}], rules((VOICE, 0))),
    (
        [{"kind": "voice", "after_minutes": 0}, {"kind": "sms", "after_minutes": 5}],
        rules((VOICE, 0), (SMS, 5)),
    ),
]


@pytest.mark.parametrize(("data", "expected"), VALID)
def test_valid_person_rules(data: object, expected: tuple[NotifyRule, ...]) -> None:
    assert person_rules_from_list(data) == expected


SMS0 = {"kind": "sms", "after_minutes": 0}
INVALID: list[tuple[object, str]] = [
    ({"kind": "sms"}, "rules"),
    ([SMS0, {"kind": "fax", "after_minutes": 1}], "rules[1].kind"),
    ([SMS0, {"kind": "voice", "after_minutes": -1}], "rules[1].after_minutes"),
    ([{"kind": "voice", "after_minutes": "5"}], "rules[0].after_minutes"),
    ([{"kind": "voice", "after_minutes": True}], "rules[0].after_minutes"),
    ([{"kind": "voice", "after_minutes": 100_000}], "rules[0].after_minutes"),
    ([{"kind": "voice"}], "rules[0].after_minutes"),
    ([{"kind": "voice", "after_minutes": 1, "x": 1}], "rules[0].x"),
    ([SMS0, {"kind": "sms", "after_minutes": 5}], "rules[1].kind"),
    ([SMS0, SMS0], "rules[1].kind"),
    ([SMS0, {"kind": "voice", "after_minutes": 1}, SMS0], "rules"),
    (["sms"], "rules[0]"),
]


@pytest.mark.parametrize(("data", "field_path"), INVALID)
def test_invalid_person_rules_name_the_field(data: object, field_path: str) -> None:
    with pytest.raises(PolicyError) as err:
        person_rules_from_list(data)
    assert err.value.field == field_path
