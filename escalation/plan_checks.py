"""The checks an edited emergency plan passes before it is stored (escalation.plans): the
snapshot's checks (escalation.policy) plus bounds, and no rule that could never fire.

Invariants:
- Pure: plain values in, a frozen `EmergencyPlan` out, or a `PlanInvalid` (a `PolicyError`)
  naming every wrong field by its path (e.g. `steps[1].targets[0].role`) at once; nothing here
  knows which roles, skills, people or groups exist (the caller checks).
- The bounds (`MAX_*`) apply to edited plans only: a snapshot frozen into an incident earlier
  is read without them (`policy_from_dict`). The API's request schema reuses them.
- Reporting deadlines of a category with national limits (`STATUTORY_MAX_MINUTES`: special
  equipment, TZ50) may be stricter than those limits, never looser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    Target,
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


@dataclass(frozen=True)
class Names:
    """The targets and broadcast groups of a plan that passed their own checks, each with its
    path (`steps[1].targets[0]`, `steps[1].broadcast_groups[0]`): the roles, skills, people
    and groups whose existence the caller checks."""

    targets: tuple[tuple[str, Target], ...] = ()
    groups: tuple[tuple[str, str], ...] = ()

    def __add__(self, other: Names) -> Names:
        return Names(self.targets + other.targets, self.groups + other.groups)

    def without(self, errors: Iterable[PolicyError]) -> Names:
        """These names less those with a problem of their own (e.g. a person id out of
        bounds, which no database should be asked for)."""
        wrong = {e.field for e in errors}

        def fine(path: str) -> bool:
            return not any(f == path or f.startswith(f"{path}.") for f in wrong)

        return Names(
            tuple(t for t in self.targets if fine(t[0])),
            tuple(g for g in self.groups if fine(g[0])),
        )


def names_of(index: int, step: Step) -> Names:
    path = f"steps[{index}]"
    return Names(
        tuple((f"{path}.targets[{j}]", t) for j, t in enumerate(step.targets)),
        tuple((f"{path}.broadcast_groups[{k}]", g) for k, g in enumerate(step.broadcast_groups)),
    )


def names_in(plan: EmergencyPlan) -> Names:
    """The targets and broadcast groups of every step of a plan that passed its checks."""
    return sum((names_of(i, step) for i, step in enumerate(plan.policy.steps)), Names())


class PlanInvalid(PolicyError):
    """Every problem of an edited plan at once (`errors`, in the order of the fields), so that
    a page marks each wrong field together; `names` are the targets and groups that passed
    their own checks, whose existence the caller may still check. As a `PolicyError` it names
    the first problem."""

    def __init__(self, errors: Sequence[PolicyError], names: Names) -> None:
        first = errors[0]
        super().__init__(first.field, first.reason, type=first.type, ctx=first.ctx)
        self.errors = tuple(errors)
        self.names = names


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
        PlanInvalid: every problem found, each with `field` the path, e.g.
            `steps[1].targets[0].role`: the name, each step (its first structural problem,
            else each bound it breaks) and each reporting deadline are checked apart.
    """
    errors: list[PolicyError] = []
    try:
        _check_name(name)
    except PolicyError as err:
        errors.append(err)
    built: list[tuple[int, Step]] = []
    names = Names()
    try:
        items = require_list(steps, "steps")
        if not items:
            raise PolicyError("steps", "a policy needs at least one step")
        if len(items) > MAX_PLAN_STEPS:
            raise PolicyError("steps", f"at most {MAX_PLAN_STEPS} steps, got {len(items)}")
    except PolicyError as err:
        errors.append(err)
        items = []
    for i, item in enumerate(items):
        try:
            step = step_from_dict(item, f"steps[{i}]")
        except PolicyError as err:
            problems, valid = _field_problems(item, f"steps[{i}]", err)
            errors += problems
            names += valid
            continue
        problems = _bounds(step, f"steps[{i}]")
        errors += problems
        names += names_of(i, step)
        if not problems:
            built.append((i, step))
    deadlines: dict[str, int] = {}
    for field, value in (
        ("initial_report_minutes", initial_report_minutes),
        ("written_report_minutes", written_report_minutes),
    ):
        try:
            deadlines[field] = _deadline(category, field, value)
        except PolicyError as err:
            errors.append(err)
    if len(deadlines) == 2 and (
        deadlines["written_report_minutes"] < deadlines["initial_report_minutes"]
    ):
        reason = "must not be before the initial report"
        errors.append(PolicyError("written_report_minutes", reason))
    names = names.without(errors)
    if errors:
        raise PlanInvalid(errors, names)
    assert isinstance(name, str)
    try:  # what the constructors check together (a written report not before the initial one)
        return EmergencyPlan(
            category,
            severity,
            Policy(name, tuple(step for _, step in built)),
            ReportingDeadlines(
                deadlines["initial_report_minutes"], deadlines["written_report_minutes"]
            ),
        )
    except PolicyError as err:
        raise PlanInvalid([err], names) from None


def _check_name(name: object) -> None:
    require_text("name", name)
    assert isinstance(name, str)
    if len(name) > MAX_PLAN_NAME:
        raise PolicyError("name", f"at most {MAX_PLAN_NAME} characters")


def _deadline(category: str, field: str, value: object) -> int:
    """A reporting deadline within the bounds and the national limit of `category`."""
    require_int(field, value, minimum=1)
    assert isinstance(value, int)
    if value > MAX_REPORT_MINUTES:
        raise PolicyError(
            field,
            f"must be at most {MAX_REPORT_MINUTES}",
            type="less_than_equal",
            ctx={"le": MAX_REPORT_MINUTES},
        )
    if category in STATUTORY_MAX_MINUTES:
        initial, written = STATUTORY_MAX_MINUTES[category]
        limit = initial if field == "initial_report_minutes" else written
        if value > limit:
            raise PolicyError(
                field,
                f"must be at most {limit} for {category} (national limit), got {value}",
                type="national_limit",
                ctx={"le": limit},
            )
    return value


# A step's constructor stops at its first problem. To name every wrong field of a step at
# once, each field is checked again on its own, in a step whose other fields are these.
_PROBE_TARGET: dict[str, Any] = {"type": "group", "group": "probe"}
_STEP_FIELDS = ("targets", "wait_minutes", "repeat", "rules", "broadcast_groups")
_PROBE_GROUP = "probe"
_PROBE_STEP: dict[str, Any] = {"targets": [_PROBE_TARGET], "wait_minutes": MAX_WAIT_MINUTES}


def _at_or_below(path: str) -> Callable[[str], bool]:
    def accept(problem: str) -> bool:
        return problem == path or problem.startswith(f"{path}.")

    return accept


def _field_problems(item: object, path: str, first: PolicyError) -> tuple[list[PolicyError], Names]:
    """Each field of the step `item` (at `path`) that fails its own checks or bounds, and the
    targets and groups that pass theirs; `first` is the step's own first problem (all there is
    when the step is not an object). A rule's timing against the wait is left out: with the
    step's wait wrong it cannot be told."""
    if not isinstance(item, dict):
        return [first], Names()
    errors: list[PolicyError] = []
    targets: list[tuple[str, Target]] = []
    groups: list[tuple[str, str]] = []

    def probe(field: str, value: object, keep: Callable[[str], bool] | None = None) -> Step | None:
        """The probe step with `field` set to `value`; of its bounds' problems those on a
        path `keep` accepts (by default the field's and what lies below it) are kept."""
        try:
            step = step_from_dict({**_PROBE_STEP, field: value}, path)
        except PolicyError as err:
            errors.append(err)
            return None
        accept = keep or (lambda at: at.startswith(f"{path}.{field}"))
        errors.extend(
            e
            for e in _bounds(step, path)
            if accept(e.field) and e.type != "notify_rule_never_fires"
        )
        return step

    fields = [f for f in _STEP_FIELDS if f in item] + [f for f in item if f not in _STEP_FIELDS]
    for field in fields:
        value = item[field]
        if field == "targets" and isinstance(value, list) and value:
            for j, target in enumerate(value):
                # the probe target stands in for the others, so each keeps its index
                at = f"{path}.targets[{j}]"
                found = probe(field, [_PROBE_TARGET] * j + [target], _at_or_below(at))
                if found is not None:
                    targets.append((at, found.targets[j]))
            probe(field, [_PROBE_TARGET] * len(value), f"{path}.targets".__eq__)  # their number
        elif field == "broadcast_groups" and isinstance(value, list):
            for k, group in enumerate(value):
                at = f"{path}.broadcast_groups[{k}]"
                found = probe(field, [_PROBE_GROUP] * k + [group], _at_or_below(at))
                if found is not None:
                    groups.append((at, found.broadcast_groups[k]))
            probe(field, [_PROBE_GROUP] * len(value), f"{path}.broadcast_groups".__eq__)
        else:
            probe(field, value)
    known = {e.field for e in errors}
    # a missing or unknown field, or a problem of no single field, is the step's own
    return ([] if first.field in known else [first]) + errors, Names(tuple(targets), tuple(groups))


def _bounds(step: Step, path: str) -> list[PolicyError]:
    """Each bound of an edited plan that `step` breaks, and each of its rules that could never
    fire."""
    errors: list[PolicyError] = []

    def at_most(field: str, value: int, limit: int, unit: str = "") -> None:
        if value > limit:
            errors.append(
                PolicyError(
                    f"{path}.{field}",
                    f"must be at most {limit}{unit}, got {value}",
                    type="less_than_equal",
                    ctx={"le": limit},
                )
            )

    at_most("wait_minutes", step.wait_minutes, MAX_WAIT_MINUTES)
    at_most("repeat", step.repeat, MAX_REPEAT)
    if len(step.targets) > MAX_STEP_TARGETS:
        errors.append(PolicyError(f"{path}.targets", f"at most {MAX_STEP_TARGETS} targets"))
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
            errors.append(
                PolicyError(
                    f"{path}.rules[{k}].after_minutes",
                    f"due at or after the step's wait of {step.wait_minutes} min ends: never fires",
                    type="notify_rule_never_fires",
                    ctx={"wait": step.wait_minutes},
                )
            )
    if len(step.broadcast_groups) > MAX_STEP_GROUPS:
        errors.append(PolicyError(f"{path}.broadcast_groups", f"at most {MAX_STEP_GROUPS} groups"))
    for k, group in enumerate(step.broadcast_groups):
        at_most(f"broadcast_groups[{k}]", len(group), MAX_CODE, " characters")
    return errors
