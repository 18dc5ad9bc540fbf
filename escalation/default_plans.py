"""The built-in emergency plans (DOMAIN.md §5): one per default category × severity, in force
wherever no plan is stored (escalation.plans).

Invariants:
- Pure and frozen: `default_plans()` is built once from the tables below and every value
  passes the same checks as any policy (escalation.policy) and an edited plan's bounds
  (escalation.plan_checks).
- The ladder is duty officer → backup → domain expert → leader on duty → director (IV ends at
  the leader); the expert step pages the skill `EXPERT_SKILL_OF_CATEGORY` maps the category
  to (the two vocabularies differ and are mapped, never equated), or the general expert role.
- Deadlines and waits are configuration, not law: store per jurisdiction.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from escalation.policy import (
    SEVERITY_ORDER,
    EmergencyPlan,
    OnDutyTarget,
    Policy,
    ReportingDeadlines,
    Severity,
    Step,
)

DEFAULT_CATEGORIES = ("special_equipment", "food_safety", "drug_safety", "mass_event", "other")
LEADERSHIP_GROUP = "leadership"

# Reporting deadlines (initial phone report, written report) in minutes. DOMAIN.md §5 says
# "30 min phone / 1 h written" is NOT uniform; observed values: 15/30 min for I–II and 30/60
# for III [DOC]; Henan 15/35 for I–II, 1 h for III, 6 h for IV [HEN]; a county 20/40 [CTY];
# Lanzhou ≤2 h [LZ]. These defaults follow [DOC], with IV taken from Lanzhou (2 h phone) and
# Henan (6 h written). They are configuration: store per jurisdiction, do not trust as law.
DEFAULT_DEADLINES: Mapping[Severity, ReportingDeadlines] = {
    Severity.I: ReportingDeadlines(15, 30),
    Severity.II: ReportingDeadlines(15, 30),
    Severity.III: ReportingDeadlines(30, 60),
    Severity.IV: ReportingDeadlines(120, 360),
}
# Minutes each rung waits for an acknowledgement before climbing.
_DEFAULT_WAIT: Mapping[Severity, int] = {
    Severity.I: 3,
    Severity.II: 5,
    Severity.III: 10,
    Severity.IV: 15,
}


# The domain expert's skill (a directory skill code, e.g. "food") for each incident category
# (e.g. "food_safety") in the default plans: the two vocabularies differ, so they are mapped
# here, never equated. A category without a domain skill (None: mass events, other) pages the
# general expert role instead: an expert on shift, else every expert (escalation.targets).
# Stored plans name their expert's skill in their own steps.
EXPERT_SKILL_OF_CATEGORY: Mapping[str, str | None] = {
    "special_equipment": "special_equipment",
    "food_safety": "food",
    "drug_safety": "drugs",
    "mass_event": None,
    "other": None,
}


def default_policy(category: str, severity: Severity) -> Policy:
    """duty officer → backup → domain expert → leader on duty → director (DESIGN.md §3).

    The expert's skill comes from `EXPERT_SKILL_OF_CATEGORY` (none: the general expert role).
    Severity I tells the leadership group at once, II–III when the leader on duty is paged;
    IV ends at the leader on duty and tells no group.
    """
    wait = _DEFAULT_WAIT[severity]
    early = (LEADERSHIP_GROUP,) if severity is Severity.I else ()
    at_leader = (LEADERSHIP_GROUP,) if severity in (Severity.II, Severity.III) else ()
    expert = OnDutyTarget("expert", skill=EXPERT_SKILL_OF_CATEGORY.get(category))
    steps = [
        Step((OnDutyTarget("duty_officer"),), wait, broadcast_groups=early),
        Step((OnDutyTarget("duty_backup"),), wait),
        Step((expert,), wait),
        Step((OnDutyTarget("leader"),), wait, repeat=1, broadcast_groups=at_leader),
    ]
    if severity is not Severity.IV:
        steps.append(Step((OnDutyTarget("director"),), wait * 2, repeat=2))
    return Policy(f"{category}-{severity}", tuple(steps))


@cache
def default_plans() -> tuple[EmergencyPlan, ...]:
    """One plan per category in `DEFAULT_CATEGORIES` and severity (frozen values: built once)."""
    return tuple(
        EmergencyPlan(cat, sev, default_policy(cat, sev), DEFAULT_DEADLINES[sev])
        for cat in DEFAULT_CATEGORIES
        for sev in SEVERITY_ORDER
    )
