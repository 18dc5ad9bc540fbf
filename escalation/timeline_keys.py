"""The keys of an incident's timeline phrases and the values each says.

Every timeline entry (`models.IncidentEvent`) is stored as a fixed English phrase (`text`,
which the API and the audit keep) and, since keys exist, with the key of that phrase and the
values it says, so that a page can word it in its language without parsing the English
(web/timeline_keyed.py). `KEYS` lists each key with the names of its values; an entry carries
every value its key lists (None where the phrase leaves it out: a duplicate report without a
caller, a reopen that kept its code). Entries written before keys existed were given theirs
from their English text by migration 0029 (`note` with the text where it matched no phrase;
a person the text named only by name, not id, is that name).

Values are JSON: person ids and counts as numbers, codes (role, skill, channel kind, report
kind, severity, category) as stored, times as ISO UTC, targets as the policy's target objects
(`policy.target_to_dict`). Who acted is `by` (the stored actor: a user's name, "person:6", a
phone number), `person` (their person id, if any) and `replier` (the user who typed a reply
in the outbox for them, if any).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from escalation.policy import Target, target_to_dict

Values = dict[str, Any]

_WHO = frozenset({"by", "person", "replier"})
_REPLY = frozenset({"number", "said"})
_TO = frozenset({"kind", "to"})
_DETAILS = frozenset({"suggested", "now"})

KEYS: dict[str, frozenset[str]] = {
    # escalation.opening
    "opened": frozenset({"severity", "category", "plan"}),
    "duplicate": frozenset({"severity", "title", "caller", "description"}),
    "severity_raised": frozenset(
        {"before", "after", "reason", "plan", "step", "groups", "initial", "written"}
    ),
    # escalation.details
    "details_updated": frozenset({"changes"}) | _DETAILS,
    "details_repeat": frozenset({"changes", "kept"}) | _DETAILS,
    "details_kept": frozenset({"kept"}) | _DETAILS,
    # escalation.engine
    "step_started": frozenset({"step", "round", "targets", "people"}),
    "own_rules_silent": frozenset({"person", "minutes", "step"}),
    "step_repeat": frozenset({"step", "round"}),
    "step_climbing": frozenset({"step"}),
    "last_step_repeat": frozenset({"step", "round"}),
    "step_nobody": frozenset({"step", "targets"}),
    "last_step_nobody": frozenset({"step", "targets", "minutes"}),
    "escalated_now": frozenset({"step"}),
    "person_acknowledged": frozenset({"person", "via", "at"}),
    "person_resolved": frozenset({"person", "at"}),
    "restarted": frozenset({"at"}),
    "raise_telling": frozenset({"plan", "groups"}),
    "raise_restarts": frozenset({"plan", "step"}),
    # escalation.dispatch, escalation.paging, escalation.delivery
    "broadcast": frozenset({"group"}),
    "exhausted": frozenset(),
    "paged": frozenset({"step", "person"}) | _TO,
    "no_contact_method": frozenset({"person", "kind"}),
    "retry": frozenset({"code", "seconds"}) | _TO,
    "delivery_failed": frozenset({"reason"}) | _TO,
    "fallback": _TO,
    "no_further_contact": frozenset({"person"}),
    "delivery_status": frozenset({"status"}) | _TO,
    # escalation.service
    "acknowledged": frozenset({"via"}) | _WHO,
    "resolved": _WHO,
    "reopened": frozenset({"old_code", "new_code"}) | _WHO,
    "escalate_requested": _WHO,
    # escalation.reporting
    "reported": frozenset(
        {"kind", "to", "method", "made_at", "summary", "implied_initial", "missing"}
    ),
    # escalation.replies
    "reply": _REPLY,
    "reply_refused": frozenset({"person"}) | _REPLY,
    "reply_already_acknowledged": frozenset({"acknowledged_by"}) | _REPLY,
    "reply_not_understood": _REPLY,
    "key_press": frozenset({"digits", "to", "outcome", "acknowledged_by"}),
    # migration 0029: an entry stored before keys whose text no phrase matched, shown as is
    "note": frozenset({"text"}),
}

#: `key_press` outcomes
KEY_PRESS_OUTCOMES = ("not_understood", "already_acknowledged", "resolved")


def who(by: str, person: int | None = None, replier: str | None = None) -> Values:
    """The values naming who acted (see the module's docstring)."""
    return {"by": by, "person": person, "replier": replier}


def targets(items: Sequence[Target]) -> list[dict[str, Any]]:
    """A step's targets as values."""
    return [target_to_dict(t) for t in items]
