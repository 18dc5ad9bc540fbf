"""Escalation policies and emergency plans: pure, frozen values and their JSON snapshot form.

Invariants:
- Every value here is a frozen dataclass and is validated when constructed: a `Policy` has a
  name and at least one `Step`; a step has at least one target, `wait_minutes >= 1`,
  `repeat >= 0` and at least one `NotifyRule`, no two rules alike. A bad value raises
  `PolicyError` (a `ValueError`) naming the field.
- Targets are a discriminated union (`OnDutyTarget | PersonTarget | GroupTarget`), tagged in
  JSON by `"type"`; step positions are list indices, never codes with a meaning.
- A policy is frozen into the incident when it opens (`policy_to_dict`, stored as JSON), so
  editing a plan never changes a running escalation. `policy_from_dict(policy_to_dict(p))
  == p` for every valid `p`; `policy_from_dict` rejects unknown fields and wrong types with
  the field path (e.g. `steps[1].targets[0].role`).
- A person's own rules (`person_rules_from_list`) are validated by the same `NotifyRule`
  checks, plus: at most one rule per kind, `after_minutes` within a day.
- On-duty targets are resolved by the caller through `oncall` at the moment a step runs;
  nothing here knows who is on duty.
- The default plans (escalation.default_plans) apply where no plan is stored
  (escalation.plans); an edited plan passes the same checks as a snapshot plus the bounds of
  escalation.plan_checks (`plan_from_parts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, TypeVar

from escalation.policy_values import PolicyError as PolicyError
from escalation.policy_values import require_int as require_int
from escalation.policy_values import require_list as require_list
from escalation.policy_values import require_text as require_text

SNAPSHOT_VERSION = 1
NotifyKind = Literal["sms", "voice"]
_KINDS: tuple[NotifyKind, ...] = ("sms", "voice")
_T = TypeVar("_T")


class Severity(StrEnum):
    """Emergency levels (DOMAIN.md §5): I 特别重大 is the most severe, IV 一般 the least."""

    I = "I"  # noqa: E741 - the official name of the level
    II = "II"
    III = "III"
    IV = "IV"

    @property
    def rank(self) -> int:
        """1 for I (most severe) … 4 for IV."""
        return SEVERITY_ORDER.index(self) + 1


SEVERITY_ORDER = (Severity.I, Severity.II, Severity.III, Severity.IV)


# ---- targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnDutyTarget:
    """Whoever is on duty in shift role `role` when the step runs (optionally with `skill`)."""

    role: str
    skill: str | None = None

    def __post_init__(self) -> None:
        require_text("role", self.role)
        if self.skill is not None:
            require_text("skill", self.skill)


@dataclass(frozen=True)
class PersonTarget:
    """A named person, paged whether on duty or not."""

    person_id: int

    def __post_init__(self) -> None:
        require_int("person_id", self.person_id, minimum=1)


@dataclass(frozen=True)
class GroupTarget:
    """A group channel (e.g. a leadership group chat), reached by one broadcast."""

    group: str

    def __post_init__(self) -> None:
        require_text("group", self.group)


Target = OnDutyTarget | PersonTarget | GroupTarget


def describe_target(target: Target) -> str:
    """A short human description for timelines: "on duty: expert/food_safety", "person 7"."""
    match target:
        case OnDutyTarget(role=role, skill=None):
            return f"on duty: {role}"
        case OnDutyTarget(role=role, skill=skill):
            return f"on duty: {role}/{skill}"
        case PersonTarget(person_id=person_id):
            return f"person {person_id}"
        case GroupTarget(group=group):
            return f"group {group}"


# ---- steps and policies ----------------------------------------------------------------------


@dataclass(frozen=True)
class NotifyRule:
    """Notify each person of the step by `kind` once `after_minutes` have passed in the step."""

    kind: NotifyKind
    after_minutes: int

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise PolicyError("kind", f"must be one of {list(_KINDS)}, not {self.kind!r}")
        require_int("after_minutes", self.after_minutes, minimum=0)


DEFAULT_RULES: tuple[NotifyRule, ...] = (NotifyRule("sms", 0), NotifyRule("voice", 2))
# A person's own rules: one per kind (a page is keyed by step, round, person and kind, so a
# second rule of the same kind could never fire), and within a day of the step starting.
MAX_PERSON_RULES = len(_KINDS)
MAX_PERSON_RULE_MINUTES = 24 * 60


def person_rules_from_list(data: object, path: str = "rules") -> tuple[NotifyRule, ...]:
    """A person's own notification rules from JSON (a list of `{"kind", "after_minutes"}`),
    validated like a step's rules; the empty list means "use the step's rules".

    Raises:
        PolicyError: with `field` the path, e.g. `rules[1].after_minutes`.
    """
    items = require_list(data, path)
    if len(items) > MAX_PERSON_RULES:
        raise PolicyError(path, f"at most {MAX_PERSON_RULES} rules, got {len(items)}")
    rules: list[NotifyRule] = []
    for i, item in enumerate(items):
        rule = _rule(item, f"{path}[{i}]")
        if rule.after_minutes > MAX_PERSON_RULE_MINUTES:
            raise PolicyError(
                f"{path}[{i}].after_minutes",
                f"must be at most {MAX_PERSON_RULE_MINUTES}",
                type="less_than_equal",
                ctx={"le": MAX_PERSON_RULE_MINUTES},
            )
        if any(r.kind == rule.kind for r in rules):
            raise PolicyError(
                f"{path}[{i}].kind",
                f"a second {rule.kind} rule; one per kind",
                type="notify_kind_repeated",
            )
        rules.append(rule)
    return tuple(rules)


def rules_to_list(rules: Iterable[NotifyRule]) -> list[dict[str, Any]]:
    return [{"kind": r.kind, "after_minutes": r.after_minutes} for r in rules]


@dataclass(frozen=True)
class Step:
    """One rung of the ladder.

    The step pages its targets by `rules`, waits `wait_minutes` for an acknowledgement, runs
    again `repeat` more times (rounds 0..repeat), then climbs. A rule due at or after the end
    of the wait never fires: climbing wins. `broadcast_groups` are told once when the step
    starts (round 0), as a copy for information; they are not targets.
    """

    targets: tuple[Target, ...]
    wait_minutes: int
    repeat: int = 0
    rules: tuple[NotifyRule, ...] = DEFAULT_RULES
    broadcast_groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.targets:
            raise PolicyError("targets", "a step needs at least one target")
        for i, target in enumerate(self.targets):
            if not isinstance(target, OnDutyTarget | PersonTarget | GroupTarget):
                raise PolicyError(f"targets[{i}]", f"not a target: {target!r}")
        require_int("wait_minutes", self.wait_minutes, minimum=1)
        require_int("repeat", self.repeat, minimum=0)
        if not self.rules:
            raise PolicyError("rules", "a step needs at least one notification rule")
        if len(set(self.rules)) != len(self.rules):
            raise PolicyError("rules", "duplicate rule")
        for i, group in enumerate(self.broadcast_groups):
            require_text(f"broadcast_groups[{i}]", group)

    @property
    def group_targets(self) -> tuple[str, ...]:
        return tuple(t.group for t in self.targets if isinstance(t, GroupTarget))


@dataclass(frozen=True)
class Policy:
    """An ordered escalation chain: step 0 first, the last step repeats until acknowledged."""

    name: str
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        require_text("name", self.name)
        if not self.steps:
            raise PolicyError("steps", "a policy needs at least one step")


@dataclass(frozen=True)
class ReportingDeadlines:
    """Minutes after the incident opens by which the phone and the written report are due."""

    initial_report_minutes: int
    written_report_minutes: int

    def __post_init__(self) -> None:
        require_int("initial_report_minutes", self.initial_report_minutes, minimum=1)
        require_int("written_report_minutes", self.written_report_minutes, minimum=1)
        if self.written_report_minutes < self.initial_report_minutes:
            raise PolicyError("written_report_minutes", "must not be before the initial report")


@dataclass(frozen=True)
class EmergencyPlan:
    category: str
    severity: Severity
    policy: Policy
    deadlines: ReportingDeadlines

    def __post_init__(self) -> None:
        require_text("category", self.category)
        if not isinstance(self.severity, Severity):
            raise PolicyError("severity", f"not a severity: {self.severity!r}")


DEFAULT_CATEGORY = "other"


def select_plan(plans: Iterable[EmergencyPlan], category: str, severity: Severity) -> EmergencyPlan:
    """The plan for an incident of `category` and `severity`.

    Rule, first match wins (never silently a *less* severe plan of the same category):
    1. the plan for exactly (`category`, `severity`);
    2. the plan of `category` at the nearest *more* severe level (for III: II, then I),
       because over-escalating is safer than under-escalating;
    3. rules 1–2 for the default category `"other"`;
    4. otherwise `LookupError`.
    """
    by_key = {(p.category, p.severity): p for p in plans}
    for cat in (category, DEFAULT_CATEGORY):
        for level in reversed(SEVERITY_ORDER[: severity.rank]):
            plan = by_key.get((cat, level))
            if plan is not None:
                return plan
    raise LookupError(f"no emergency plan for {category!r}/{severity} nor a default plan")


# ---- JSON snapshot ---------------------------------------------------------------------------


def target_to_dict(target: Target) -> dict[str, Any]:
    match target:
        case OnDutyTarget(role=role, skill=skill):
            return {"type": "on_duty", "role": role, "skill": skill}
        case PersonTarget(person_id=person_id):
            return {"type": "person", "person_id": person_id}
        case GroupTarget(group=group):
            return {"type": "group", "group": group}


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The JSON-ready snapshot of `policy` (plain dicts, lists, str, int and None)."""
    return {
        "version": SNAPSHOT_VERSION,
        "name": policy.name,
        "steps": [
            {
                "targets": [target_to_dict(t) for t in step.targets],
                "wait_minutes": step.wait_minutes,
                "repeat": step.repeat,
                "rules": rules_to_list(step.rules),
                "broadcast_groups": list(step.broadcast_groups),
            }
            for step in policy.steps
        ],
    }


def policy_from_dict(data: object) -> Policy:
    """The `Policy` in a snapshot made by `policy_to_dict`.

    Raises:
        PolicyError: (a ValueError) for a missing, unknown or ill-typed field or an invalid
            value, with `field` the path, e.g. `steps[0].rules[1].kind`.
    """
    obj = _object(data, "", {"version", "name", "steps"}, required={"version", "name", "steps"})
    if obj["version"] != SNAPSHOT_VERSION or isinstance(obj["version"], bool):
        raise PolicyError("version", f"unsupported snapshot version {obj['version']!r}")
    steps = require_list(obj["steps"], "steps")
    return _build(
        "",
        lambda: Policy(
            name=obj["name"],
            steps=tuple(step_from_dict(s, f"steps[{i}]") for i, s in enumerate(steps)),
        ),
    )


def step_from_dict(data: object, path: str) -> Step:
    fields = {"targets", "wait_minutes", "repeat", "rules", "broadcast_groups"}
    obj = _object(data, path, fields, required={"targets", "wait_minutes"})
    targets = tuple(
        _target(t, f"{path}.targets[{i}]")
        for i, t in enumerate(require_list(obj["targets"], f"{path}.targets"))
    )
    rules = DEFAULT_RULES
    if "rules" in obj:
        rules = tuple(
            _rule(r, f"{path}.rules[{i}]")
            for i, r in enumerate(require_list(obj["rules"], f"{path}.rules"))
        )
    groups = tuple(require_list(obj.get("broadcast_groups", []), f"{path}.broadcast_groups"))
    return _build(
        path,
        lambda: Step(
            targets=targets,
            wait_minutes=obj["wait_minutes"],
            repeat=obj.get("repeat", 0),
            rules=rules,
            broadcast_groups=groups,
        ),
    )


def _rule(data: object, path: str) -> NotifyRule:
    obj = _object(data, path, {"kind", "after_minutes"}, required={"kind", "after_minutes"})
    return _build(path, lambda: NotifyRule(kind=obj["kind"], after_minutes=obj["after_minutes"]))


def _target(data: object, path: str) -> Target:
    kind = _object(data, path, None, required={"type"})["type"]
    if kind == "on_duty":
        obj = _object(data, path, {"type", "role", "skill"}, required={"role"})
        return _build(path, lambda: OnDutyTarget(role=obj["role"], skill=obj.get("skill")))
    if kind == "person":
        obj = _object(data, path, {"type", "person_id"}, required={"person_id"})
        return _build(path, lambda: PersonTarget(person_id=obj["person_id"]))
    if kind == "group":
        obj = _object(data, path, {"type", "group"}, required={"group"})
        return _build(path, lambda: GroupTarget(group=obj["group"]))
    raise PolicyError(_join(path, "type"), f"unknown target type {kind!r}")


def _build(path: str, make: Callable[[], _T]) -> _T:
    """`make()`, with the field of any `PolicyError` it raises placed below `path`."""
    try:
        return make()
    except PolicyError as err:
        raise (err.within(path) if path else err) from None


def _object(
    data: object, path: str, allowed: set[str] | None, *, required: set[str]
) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PolicyError(path or "$", f"expected an object, got {type(data).__name__}")
    missing = sorted(required - data.keys())
    unknown = sorted(set(data) - allowed, key=str) if allowed is not None else []
    if missing or unknown:
        raise PolicyError(
            _join(path, str((missing or unknown)[0])), "missing" if missing else "unknown field"
        )
    return data


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
