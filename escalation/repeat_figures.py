"""What a repeat report's accident details do to the incident it is attached to
(escalation.opening attaches it, escalation.details applies this). Pure: values in, values out.

A duty officer expects the incident to show the worst that any report of the event says, and
never to lose a figure because a later caller knew less:
- a count or the direct loss above the incident's (or one the incident lacks) replaces it;
- a reported explosion or overturning is recorded when the incident's equipment type allows
  one (boiler, pressure vessel, crane);
- the equipment type, the unit using it and the measures taken fill what the incident lacks;
- nothing is lowered or overwritten: a lower figure, another equipment type or other text
  stays as the incident has it and is returned as `not_applied`, for the timeline to name
  (the coordinator corrects the details by hand when the report is right, e.g. people freed).
The level is never changed by figures (escalation.details); the caller says when they
suggest a more severe one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from escalation.equipment import EXPLOSION_OR_OVERTURN_TYPES

#: Figures where more is worse: a higher one replaces a lower one, never the reverse.
COUNTS = ("deaths", "serious_injuries", "people_at_risk", "direct_loss_yuan")
#: Facts the incident takes only while it lacks them.
FILLS = ("equipment_type", "equipment_user", "measures_taken")
EXPLOSION = "explosion_or_overturn"
_EXPLOSION_TYPES = frozenset(t.value for t in EXPLOSION_OR_OVERTURN_TYPES)


@dataclass(frozen=True)
class Merge:
    changes: dict[str, Any] = field(default_factory=dict)  # field → the incident's new value
    not_applied: dict[str, Any] = field(default_factory=dict)  # field → the reported value


def merge(current: Mapping[str, Any], reported: Mapping[str, Any]) -> Merge:
    """`reported` (the fields the repeat report gave, JSON values) against `current` (the
    incident's details, `details.details_of`), by the module's rules."""
    result = Merge()
    for name in COUNTS:
        value, held = reported.get(name), current[name]
        if value is None or value == held:
            continue
        if held is None or value > held:
            result.changes[name] = value
        else:
            result.not_applied[name] = value
    for name in FILLS:
        value, held = reported.get(name), current[name]
        if value in (None, "") or value == held:
            continue
        if held in (None, ""):
            result.changes[name] = value
        else:
            result.not_applied[name] = value
    if reported.get(EXPLOSION) and not current[EXPLOSION]:
        kind = result.changes.get("equipment_type", current["equipment_type"])
        if kind in _EXPLOSION_TYPES:
            result.changes[EXPLOSION] = True
        else:
            result.not_applied[EXPLOSION] = True
    return result
