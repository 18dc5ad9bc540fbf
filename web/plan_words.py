"""An emergency plan's steps in words, in the page's language: who is paged (roles by their
labels, an expert by the skill's name, people by name, groups), how long each step waits and
how often it repeats, and how each person is reached ("SMS at once, voice call after 2 min").

The steps are the policy snapshot's JSON (`escalation.policy.policy_to_dict`, what the plans
API returns and takes back). A code the page has no name for (a person since removed, a group
added to the configuration) is shown as stored, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from web.i18n import N_

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]
Step = Mapping[str, Any]


def on_duty_name(
    gettext: Gettext, label: Label, skills: Mapping[str, str], role: str, skill: object
) -> str:
    """An on-duty target: "Backup duty officer", "Food safety expert", "Leader on duty
    (Special equipment)"; a skill the page has no name for by its code."""
    role_name = label("target_role", role)
    if skill is None:
        return role_name
    skill_name = skills.get(str(skill), str(skill))
    if role == "expert":
        return gettext(N_("%(skill)s expert")) % {"skill": skill_name}
    return gettext(N_("%(role)s (%(skill)s)")) % {"role": role_name, "skill": skill_name}


@dataclass(frozen=True)
class PlanWords:
    gettext: Gettext
    label: Label
    skills: Mapping[str, str]  # skill code → name in the page's language
    people: Mapping[int, str]  # person id → name

    def plan_name(self, name: str, category: str, severity: str) -> str:
        """A plan's name; the built-in default's code-like `food_safety-I` in words."""
        if name != f"{category}-{severity}":
            return name
        return self.gettext(N_("%(category)s, level %(level)s")) % {
            "category": self.label("category", category),
            "level": severity,
        }

    def target(self, target: Mapping[str, Any]) -> str:
        match target.get("type"):
            case "on_duty":
                return self._on_duty(str(target["role"]), target.get("skill"))
            case "person":
                person_id = int(target["person_id"])
                fallback = self.gettext(N_("person %(id)s")) % {"id": person_id}
                return self.people.get(person_id, fallback)
            case _:
                return self.group(str(target.get("group", "")))

    def _on_duty(self, role: str, skill: object) -> str:
        return on_duty_name(self.gettext, self.label, self.skills, role, skill)

    def group(self, group: str) -> str:
        return self.label("plan_group", group)

    def targets(self, step: Step) -> str:
        return self.gettext(N_(", ")).join(self.target(t) for t in step["targets"])

    def minutes(self, minutes: int) -> str:
        return self.gettext(N_("%(n)s min")) % {"n": minutes}

    def wait(self, step: Step) -> str:
        """ "3 min", or "3 min × 3" for a step paged in three rounds before it climbs."""
        rounds = int(step.get("repeat", 0)) + 1
        if rounds == 1:
            return self.minutes(step["wait_minutes"])
        return self.gettext(N_("%(wait)s × %(rounds)s")) % {
            "wait": self.minutes(step["wait_minutes"]),
            "rounds": rounds,
        }

    def rule(self, rule: Mapping[str, Any]) -> str:
        kind = self.label("notification_kind", rule["kind"])
        if rule["after_minutes"] == 0:
            return self.gettext(N_("%(kind)s at once")) % {"kind": kind}
        return self.gettext(N_("%(kind)s after %(n)s min")) % {
            "kind": kind,
            "n": rule["after_minutes"],
        }

    def rules(self, step: Step) -> str:
        ordered = sorted(step["rules"], key=lambda r: (r["after_minutes"], r["kind"]))
        return self.gettext(N_(", ")).join(self.rule(r) for r in ordered)

    def groups(self, step: Step) -> str:
        return self.gettext(N_(", ")).join(self.group(g) for g in step["broadcast_groups"])

    def summary(self, steps: Sequence[Step]) -> str:
        """One line: "Duty officer → 3 min → Backup duty officer → 3 min → Food expert"; the
        last step has no wait after it (it keeps paging until someone acknowledges)."""
        parts: list[str] = []
        for i, step in enumerate(steps):
            parts.append(self.targets(step))
            if i < len(steps) - 1:
                parts.append(self.wait(step))
        return " → ".join(parts)
