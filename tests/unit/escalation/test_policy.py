"""Policies: validation, plan selection, defaults and the JSON snapshot round trip."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from escalation.default_plans import DEFAULT_CATEGORIES, EXPERT_SKILL_OF_CATEGORY, default_plans
from escalation.plan_checks import PlanInvalid, plan_from_parts, within_national_limits
from escalation.policy import (
    EmergencyPlan,
    GroupTarget,
    NotifyRule,
    OnDutyTarget,
    PersonTarget,
    Policy,
    PolicyError,
    ReportingDeadlines,
    Severity,
    Step,
    policy_from_dict,
    policy_to_dict,
    select_plan,
)

POLICY = Policy(
    "mixed",
    (
        Step((OnDutyTarget("duty_officer"),), 5),
        Step((OnDutyTarget("expert", skill="food_safety"), PersonTarget(7)), 10, repeat=2),
        Step(
            (GroupTarget("duty-room"),),
            15,
            rules=(NotifyRule("voice", 0),),
            broadcast_groups=("leadership",),
        ),
    ),
)


# ---- JSON snapshot ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy", [POLICY, *(p.policy for p in default_plans())], ids=lambda p: p.name
)
def test_round_trip_through_json(policy: Policy) -> None:
    assert policy_from_dict(json.loads(json.dumps(policy_to_dict(policy)))) == policy


def test_snapshot_shape() -> None:
    data = policy_to_dict(POLICY)
    assert data["version"] == 1
    assert data["steps"][1]["targets"] == [
        {"type": "on_duty", "role": "expert", "skill": "food_safety"},
        {"type": "person", "person_id": 7},
    ]
    assert data["steps"][0]["rules"] == [
        {"kind": "sms", "after_minutes": 0},
        {"kind": "voice", "after_minutes": 2},
    ]


def test_optional_fields_take_their_defaults() -> None:
    data = {
        "version": 1,
        "name": "short",
        "steps": [{"targets": [{"type": "on_duty", "role": "leader"}], "wait_minutes": 5}],
    }
    assert policy_from_dict(data) == Policy("short", (Step((OnDutyTarget("leader"),), 5),))


def _broken(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(policy_to_dict(POLICY))
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["name"], "", "name"),
        (["name"], _DELETE, "name"),
        (["version"], 2, "version"),
        (["steps"], [], "steps"),
        (["steps"], {}, "steps"),
        (["extra"], 1, "extra"),
        (["steps", 0, "wait_minutes"], 0, "steps[0].wait_minutes"),
        (["steps", 0, "wait_minutes"], "5", "steps[0].wait_minutes"),
        (["steps", 0, "wait_minutes"], True, "steps[0].wait_minutes"),
        (["steps", 0, "wait_minutes"], _DELETE, "steps[0].wait_minutes"),
        (["steps", 1, "repeat"], -1, "steps[1].repeat"),
        (["steps", 1, "targets"], [], "steps[1].targets"),
        (["steps", 1, "targets"], "leader", "steps[1].targets"),
        (["steps", 1, "targets", 0, "role"], " ", "steps[1].targets[0].role"),
        (["steps", 1, "targets", 0, "type"], "pager", "steps[1].targets[0].type"),
        (["steps", 1, "targets", 0, "tier"], 1, "steps[1].targets[0].tier"),
        (["steps", 1, "targets", 1, "person_id"], 0, "steps[1].targets[1].person_id"),
        (["steps", 1, "targets", 1], "person 7", "steps[1].targets[1]"),
        (["steps", 0, "rules", 1, "kind"], "fax", "steps[0].rules[1].kind"),
        (["steps", 0, "rules", 1, "after_minutes"], -2, "steps[0].rules[1].after_minutes"),
        (["steps", 0, "rules"], [], "steps[0].rules"),
        (
            ["steps", 0, "rules"],
            [{"kind": "sms", "after_minutes": 0}] * 2,
            "steps[0].rules",
        ),
        (["steps", 2, "broadcast_groups"], [""], "steps[2].broadcast_groups[0]"),
        (["steps", 2, "targets", 0, "group"], None, "steps[2].targets[0].group"),
    ],
)
def test_bad_snapshot_names_the_field(path: list[Any], value: Any, field: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_dict(_broken(path, value))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("data", [None, [], "policy", 3])
def test_snapshot_must_be_an_object(data: object) -> None:
    with pytest.raises(ValueError, match=r"^\$: expected an object"):
        policy_from_dict(data)


def test_constructors_validate() -> None:
    with pytest.raises(PolicyError, match="wait_minutes"):
        Step((OnDutyTarget("x"),), 0)
    with pytest.raises(PolicyError, match="written_report_minutes"):
        ReportingDeadlines(30, 15)


# ---- plan selection --------------------------------------------------------------------------


def _plan(category: str, severity: Severity) -> EmergencyPlan:
    policy = Policy(f"{category}-{severity}", (Step((OnDutyTarget("duty_officer"),), 5),))
    return EmergencyPlan(category, severity, policy, ReportingDeadlines(15, 30))


PLANS = [
    _plan("food_safety", Severity.I),
    _plan("food_safety", Severity.III),
    _plan("other", Severity.II),
    _plan("other", Severity.IV),
]


@pytest.mark.parametrize(
    ("category", "severity", "expected"),
    [
        ("food_safety", Severity.III, "food_safety-III"),  # exact
        ("food_safety", Severity.IV, "food_safety-III"),  # nearest more severe
        ("food_safety", Severity.II, "food_safety-I"),
        ("drug_safety", Severity.II, "other-II"),  # default category
        ("drug_safety", Severity.III, "other-II"),  # default, nearest more severe
        ("drug_safety", Severity.IV, "other-IV"),
    ],
)
def test_select_plan(category: str, severity: Severity, expected: str) -> None:
    assert select_plan(PLANS, category, severity).policy.name == expected


def test_select_plan_never_picks_a_less_severe_plan() -> None:
    with pytest.raises(LookupError):
        select_plan(PLANS, "drug_safety", Severity.I)


# ---- defaults --------------------------------------------------------------------------------


def test_default_plans_cover_every_category_and_severity() -> None:
    plans = default_plans()
    assert {(p.category, p.severity) for p in plans} == {
        (c, s) for c in DEFAULT_CATEGORIES for s in Severity
    }
    for category in DEFAULT_CATEGORIES:
        for severity in Severity:
            assert select_plan(plans, category, severity).category == category


@pytest.mark.parametrize(
    ("severity", "initial", "written"),
    [(Severity.I, 15, 30), (Severity.II, 15, 30), (Severity.III, 30, 60), (Severity.IV, 120, 360)],
)
def test_default_deadlines(severity: Severity, initial: int, written: int) -> None:
    plan = select_plan(default_plans(), "special_equipment", severity)
    assert plan.deadlines == ReportingDeadlines(initial, written)


def test_default_ladder_climbs_to_director_and_broadcasts_to_leadership() -> None:
    plan = select_plan(default_plans(), "food_safety", Severity.II)
    roles = [t.role for s in plan.policy.steps for t in s.targets if isinstance(t, OnDutyTarget)]
    assert roles == ["duty_officer", "duty_backup", "expert", "leader", "director"]
    assert plan.policy.steps[2].targets == (OnDutyTarget("expert", skill="food"),)
    assert [s.broadcast_groups for s in plan.policy.steps].count(("leadership",)) == 1


@pytest.mark.parametrize(
    ("category", "skill"),
    [
        ("special_equipment", "special_equipment"),
        ("food_safety", "food"),  # skill codes are the directory's, not the categories
        ("drug_safety", "drugs"),
        ("mass_event", None),  # no domain skill: the general expert role
        ("other", None),
    ],
)
def test_default_expert_step_pages_the_skill_mapped_from_the_category(
    category: str, skill: str | None
) -> None:
    assert set(EXPERT_SKILL_OF_CATEGORY) == set(DEFAULT_CATEGORIES)
    for severity in Severity:
        plan = select_plan(default_plans(), category, severity)
        assert plan.policy.steps[2].targets == (OnDutyTarget("expert", skill=skill),)


def test_severity_rank() -> None:
    assert [s.rank for s in Severity] == [1, 2, 3, 4]


# ---- edited plans ----------------------------------------------------------------------------

EDITED_STEP: dict[str, Any] = {
    "targets": [{"type": "person", "person_id": 7}],
    "wait_minutes": 10,
    "rules": [{"kind": "sms", "after_minutes": 0}, {"kind": "voice", "after_minutes": 4}],
}


def _edited(**overrides: Any) -> EmergencyPlan:
    parts: dict[str, Any] = {
        "category": "food_safety",
        "severity": Severity.I,
        "name": "河南食品安全I级",
        "steps": [EDITED_STEP],
        "initial_report_minutes": 15,
        "written_report_minutes": 35,
    }
    parts.update(overrides)
    return plan_from_parts(**parts)


def test_an_edited_plan_is_built_from_snapshot_steps_and_local_deadlines() -> None:
    plan = _edited()
    assert plan.deadlines == ReportingDeadlines(15, 35)
    assert plan.policy.steps[0].targets == (PersonTarget(7),)
    assert policy_to_dict(plan.policy)["steps"] == [
        {**EDITED_STEP, "repeat": 0, "broadcast_groups": []}
    ]
    for default in default_plans():  # every default plan passes the edited plans' checks
        again = _edited(
            category=default.category,
            severity=default.severity,
            steps=policy_to_dict(default.policy)["steps"],
            initial_report_minutes=default.deadlines.initial_report_minutes,
            written_report_minutes=default.deadlines.written_report_minutes,
        )
        assert again.policy.steps == default.policy.steps


def test_deadlines_frozen_into_an_incident_are_held_to_the_national_limits() -> None:
    loose = ReportingDeadlines(240, 48 * 60)
    assert within_national_limits("special_equipment", loose) == ReportingDeadlines(120, 24 * 60)
    assert within_national_limits("special_equipment", ReportingDeadlines(200, 210)) == (
        ReportingDeadlines(120, 210)
    )
    tight = ReportingDeadlines(15, 30)
    assert within_national_limits("special_equipment", tight) == tight
    assert within_national_limits("food_safety", loose) is loose  # local limits are [U]


def test_special_equipment_plans_keep_within_the_national_reporting_limits() -> None:
    """The limits themselves are allowed, for every level; other categories' local limits
    ([U], e.g. Henan's 6 h for IV) may be longer."""
    for severity in Severity:
        plan = _edited(
            category="special_equipment",
            severity=severity,
            initial_report_minutes=120,
            written_report_minutes=24 * 60,
        )
        assert plan.deadlines == ReportingDeadlines(120, 24 * 60)
    assert _edited(initial_report_minutes=240, written_report_minutes=48 * 60).deadlines == (
        ReportingDeadlines(240, 48 * 60)
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"steps": []}, "steps"),
        ({"steps": [EDITED_STEP] * 21}, "steps"),
        ({"steps": [{**EDITED_STEP, "wait_minutes": 24 * 60 + 1}]}, "steps[0].wait_minutes"),
        ({"steps": [{**EDITED_STEP, "repeat": 11}]}, "steps[0].repeat"),
        ({"steps": [{**EDITED_STEP, "wait_minutes": 4}]}, "steps[0].rules[1].after_minutes"),
        (
            {"steps": [{**EDITED_STEP, "targets": [{"type": "person", "person_id": 2**31}]}]},
            "steps[0].targets[0].person_id",
        ),
        (
            {"steps": [EDITED_STEP, {**EDITED_STEP, "broadcast_groups": ["g"] * 11}]},
            "steps[1].broadcast_groups",
        ),
        ({"initial_report_minutes": True}, "initial_report_minutes"),
        ({"written_report_minutes": 7 * 24 * 60 + 1}, "written_report_minutes"),
        ({"written_report_minutes": 14}, "written_report_minutes"),
        # TZ50: special-equipment accidents go up each level within 2 h, into the accident
        # system within 24 h; a plan may be stricter, never looser
        (
            {"category": "special_equipment", "initial_report_minutes": 121},
            "initial_report_minutes",
        ),
        (
            {"category": "special_equipment", "written_report_minutes": 24 * 60 + 1},
            "written_report_minutes",
        ),
    ],
)
def test_an_edited_plan_out_of_bounds_names_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(PolicyError) as err:
        _edited(**overrides)
    assert err.value.field == field


def test_a_step_failing_its_own_checks_still_has_its_other_fields_checked() -> None:
    """The step's constructor stops at the wait of 0; the rounds, the rules and each target
    are checked apart, and the targets that pass are handed on for the names check."""
    step = {
        **EDITED_STEP,
        "wait_minutes": 0,
        "repeat": 11,
        "rules": [{"kind": "sms", "after_minutes": 0}] * 2,
        "targets": [{"type": "on_duty", "role": "expert"}, {"type": "fax"}],
    }
    with pytest.raises(PlanInvalid) as err:
        _edited(steps=[EDITED_STEP, step, 7])
    assert [e.field for e in err.value.errors] == [
        "steps[1].targets[1].type",
        "steps[1].wait_minutes",
        "steps[1].repeat",
        "steps[1].rules",
        "steps[2]",
    ]
    assert err.value.names.targets == (
        ("steps[0].targets[0]", PersonTarget(7)),
        ("steps[1].targets[0]", OnDutyTarget("expert")),
    )
    # a rule's timing is not judged against a wait that is itself wrong
    late = {**EDITED_STEP, "wait_minutes": -1, "rules": [{"kind": "sms", "after_minutes": 30}]}
    with pytest.raises(PlanInvalid) as err:
        _edited(steps=[late])
    assert [e.field for e in err.value.errors] == ["steps[0].wait_minutes"]
