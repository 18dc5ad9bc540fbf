"""The checks an edited emergency plan passes before it is stored (escalation.plans): the
snapshot's checks (escalation.policy) plus bounds, and no rule that could never fire.

Invariants:
- Pure: plain values in, a frozen `EmergencyPlan` out, or a `PolicyError` naming the field
  path (e.g. `steps[1].targets[0].role`); nothing here knows which roles, skills, people or
  groups exist (the caller checks).
- The bounds (`MAX_*`) apply to edited plans only: a snapshot frozen into an incident earlier
  is read without them (`policy_from_dict`). The API's request schema reuses them.
- Reporting deadlines of a category with national limits (`STATUTORY_MAX_MINUTES`: special
  equipment, TZ50) may be stricter than those limits, never looser.
"""

from __future__ import annotations

from collections.abc import Mapping

from escalation.policy import (
    EmergencyPlan,
    GroupTarget,
    OnDutyTarget,
    PersonTarget,
    Policy,
    PolicyError,
    ReportingDeadlines,
    Severity,
    Step,
    require_int,
    require_list,
    require_text,
    step_from_dict,
)

# Bounds an edited plan keeps on top of the constructors' checks (a snapshot frozen earlier is
# read without them): room for any real ladder, and no timer that could overflow.
MAX_PLAN_NAME = 100
MAX_PLAN_STEPS = 20
MAX_STEP_TARGETS = 20
MAX_STEP_GROUPS = 10
MAX_WAIT_MINUTES = 24 * 60
MAX_REPEAT = 10
MAX_REPORT_MINUTES = 7 * 24 * 60
MAX_CODE = 64  # role, skill and group names
MAX_PERSON_ID = 2**31 - 1

# Reporting limits set by national regulation (not [U] local values): a plan may be stricter,
# never looser. Special-equipment accidents (TZ50, DOMAIN.md §3 and §5): each reporting level
# reports within 2 hours (Art. 8: the initial report), and the accident is entered in the
# accident system within 24 hours (Arts. 9, 11: the written record, our written report).
STATUTORY_MAX_MINUTES: Mapping[str, tuple[int, int]] = {
    "special_equipment": (2 * 60, 24 * 60),
}


def within_national_limits(category: str, deadlines: ReportingDeadlines) -> ReportingDeadlines:
    """`deadlines`, each no later than the national limit of `category`
    (`STATUTORY_MAX_MINUTES`): what an incident freezes even from a plan stored before the
    limit was checked."""
    if category not in STATUTORY_MAX_MINUTES:
        return deadlines
    initial, written = STATUTORY_MAX_MINUTES[category]
    initial = min(deadlines.initial_report_minutes, initial)
    written = max(initial, min(deadlines.written_report_minutes, written))
    return ReportingDeadlines(initial, written)


def plan_from_parts(
    *,
    category: str,
    severity: Severity,
    name: object,
    steps: object,
    initial_report_minutes: object,
    written_report_minutes: object,
) -> EmergencyPlan:
    """An edited emergency plan: `steps` is JSON, each step in the snapshot's form
    (`policy_to_dict`), checked like a snapshot plus the bounds above; a step's rule that could
    never fire (due at or after the step's wait ends) is refused too, and so are reporting
    deadlines looser than the national limits of the category (`STATUTORY_MAX_MINUTES`).
    Which roles, skills, people and groups exist is the caller's to check (escalation.plans).

    Raises:
        PolicyError: with `field` the path, e.g. `steps[1].targets[0].role`.
    """
    require_text("name", name)
    assert isinstance(name, str)
    if len(name) > MAX_PLAN_NAME:
        raise PolicyError("name", f"at most {MAX_PLAN_NAME} characters")
    items = require_list(steps, "steps")
    if not items:
        raise PolicyError("steps", "a policy needs at least one step")
    if len(items) > MAX_PLAN_STEPS:
        raise PolicyError("steps", f"at most {MAX_PLAN_STEPS} steps, got {len(items)}")
    built = tuple(step_from_dict(item, f"steps[{i}]") for i, item in enumerate(items))
    for i, step in enumerate(built):
        _check_bounds(step, f"steps[{i}]")
    for field, value in (
        ("initial_report_minutes", initial_report_minutes),
        ("written_report_minutes", written_report_minutes),
    ):
        require_int(field, value, minimum=1)
        assert isinstance(value, int)
        if value > MAX_REPORT_MINUTES:
            raise PolicyError(
                field,
                f"must be at most {MAX_REPORT_MINUTES}",
                type="less_than_equal",
                ctx={"le": MAX_REPORT_MINUTES},
            )
    assert isinstance(initial_report_minutes, int) and isinstance(written_report_minutes, int)
    if category in STATUTORY_MAX_MINUTES:
        limits = STATUTORY_MAX_MINUTES[category]
        for field, value, limit in (
            ("initial_report_minutes", initial_report_minutes, limits[0]),
            ("written_report_minutes", written_report_minutes, limits[1]),
        ):
            if value > limit:
                raise PolicyError(
                    field,
                    f"must be at most {limit} for {category} (national limit), got {value}",
                    type="national_limit",
                    ctx={"le": limit},
                )
    return EmergencyPlan(
        category,
        severity,
        Policy(name, built),
        ReportingDeadlines(initial_report_minutes, written_report_minutes),
    )


def _check_bounds(step: Step, path: str) -> None:
    def at_most(field: str, value: int, limit: int, unit: str = "") -> None:
        if value > limit:
            raise PolicyError(
                f"{path}.{field}",
                f"must be at most {limit}{unit}, got {value}",
                type="less_than_equal",
                ctx={"le": limit},
            )

    at_most("wait_minutes", step.wait_minutes, MAX_WAIT_MINUTES)
    at_most("repeat", step.repeat, MAX_REPEAT)
    if len(step.targets) > MAX_STEP_TARGETS:
        raise PolicyError(f"{path}.targets", f"at most {MAX_STEP_TARGETS} targets")
    for j, target in enumerate(step.targets):
        match target:
            case OnDutyTarget(role=role, skill=skill):
                at_most(f"targets[{j}].role", len(role), MAX_CODE, " characters")
                at_most(f"targets[{j}].skill", len(skill or ""), MAX_CODE, " characters")
            case PersonTarget(person_id=person_id):
                at_most(f"targets[{j}].person_id", person_id, MAX_PERSON_ID)
            case GroupTarget(group=group):
                at_most(f"targets[{j}].group", len(group), MAX_CODE, " characters")
    for k, rule in enumerate(step.rules):
        if rule.after_minutes >= step.wait_minutes:
            raise PolicyError(
                f"{path}.rules[{k}].after_minutes",
                f"due at or after the step's wait of {step.wait_minutes} min ends: never fires",
                type="notify_rule_never_fires",
                ctx={"wait": step.wait_minutes},
            )
    if len(step.broadcast_groups) > MAX_STEP_GROUPS:
        raise PolicyError(f"{path}.broadcast_groups", f"at most {MAX_STEP_GROUPS} groups")
    for k, group in enumerate(step.broadcast_groups):
        at_most(f"broadcast_groups[{k}]", len(group), MAX_CODE, " characters")
