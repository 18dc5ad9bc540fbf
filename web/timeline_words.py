"""How an incident's keyed timeline entries name what they say, in the page's language:
people by name, on-duty targets by role and skill, groups by their labels, plans, channels
and times in the centre's zone (web/timeline_keyed.py and web/timeline_keyed_records.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from escalation.models import Category
from escalation.policy import Severity
from web.actor_labels import actor_name
from web.i18n import N_
from web.keyed_phrases import Values
from web.plan_words import on_duty_name

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]
_LEVELS = {s.value for s in Severity}
_CATEGORIES = {c.value for c in Category}


@dataclass(frozen=True)
class Words:
    gettext: Gettext
    label: Label
    names: Mapping[int, str]
    skills: Mapping[str, str]
    tz: ZoneInfo
    actors: Mapping[str, str] = field(default_factory=dict)  # users by name (actor_labels)

    def __call__(self, message: str, **values: object) -> str:
        return self.gettext(message) % values

    def join(self, items: Iterable[str]) -> str:
        return self.gettext(N_(", ")).join(items)

    def person(self, person: object) -> str:
        if not isinstance(person, int):
            return str(person)
        return self.names.get(person) or self(N_("person %(id)s"), id=person)

    def who(self, v: Values) -> str:
        """Who acted: a person by name, else a user as pages name users (`actors`), else as
        stored; with the user who replied for them."""
        shown = self.person(v["person"]) if v["person"] is not None else self.actor(v["by"])
        if v["replier"]:
            replier = self.actors.get(v["replier"], v["replier"])
            return self(N_("%(person)s (outbox reply by %(user)s)"), person=shown, user=replier)
        return shown

    def actor(self, actor: object) -> str:
        """An incident's `acknowledged_by` ("person:6", a user's name, a system actor, a person
        who replied through the outbox) as the page shows it."""
        head, _, tail = str(actor).partition(":")
        if head == "person" and tail.isdigit():
            return self.person(int(tail))
        people = {f"person:{pid}": name for pid, name in self.names.items()}
        return actor_name(str(actor), people | dict(self.actors), gettext=self.gettext)

    def group(self, group: object) -> str:
        return self.label("plan_group", group)

    def target(self, target: Mapping[str, Any]) -> str:
        match target.get("type"):
            case "on_duty":
                role = on_duty_name(
                    self.gettext, self.label, self.skills, str(target["role"]), target.get("skill")
                )
                return self(N_("on duty: %(role)s"), role=role)
            case "person":
                return self.person(target.get("person_id"))
            case _:
                return self.group(target.get("group", ""))

    def targets(self, targets: Sequence[Mapping[str, Any]]) -> str:
        return self.join(self.target(t) for t in targets)

    def plan(self, name: object) -> str:
        """A plan by its name; the built-in default's code-like `food_safety-I` in words."""
        category, _, level = str(name).rpartition("-")
        if category not in _CATEGORIES or level not in _LEVELS:
            return str(name)
        message = N_("%(category)s, level %(level)s")
        return self(message, category=self.label("category", category), level=level)

    def kind(self, kind: object) -> str:
        return self.label("notification_kind", kind)

    def local(self, at: object) -> str:
        return datetime.fromisoformat(str(at)).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
