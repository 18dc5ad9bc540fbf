"""JSON form of `EscalationState`, stored on the incident row."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from escalation.policy import NotifyRule
from escalation.state import Broadcasted, EscalationState, IncidentStatus, Notified


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def dumps(state: EscalationState) -> str:
    return json.dumps(
        {
            "status": state.status.value,
            "step_index": state.step_index,
            "repeat_round": state.repeat_round,
            "step_started_at": _time(state.step_started_at),
            "next_step_at": _time(state.next_step_at),
            "recipients": list(state.recipients),
            "own_rules": [
                [person, [[r.kind, r.after_minutes] for r in rules]]
                for person, rules in state.own_rules
            ],
            "notified": [list(n) for n in state.notified],
            "broadcasts": [list(b) for b in state.broadcasts],
            "acknowledged_by": state.acknowledged_by,
            "episode": state.episode,
            "pending_broadcasts": list(state.pending_broadcasts),
        }
    )


def loads(text: str) -> EscalationState:
    data = json.loads(text)
    return EscalationState(
        status=IncidentStatus(data["status"]),
        step_index=data["step_index"],
        repeat_round=data["repeat_round"],
        step_started_at=_parse(data["step_started_at"]),
        next_step_at=_parse(data["next_step_at"]),
        recipients=tuple(data["recipients"]),
        # absent in states stored before person rules: everyone pages by the step's rules
        own_rules=tuple(
            (person, tuple(NotifyRule(kind, after) for kind, after in rules))
            for person, rules in data.get("own_rules", [])
        ),
        notified=tuple(Notified(*n) for n in data["notified"]),
        broadcasts=tuple(Broadcasted(*b) for b in data["broadcasts"]),
        acknowledged_by=data["acknowledged_by"],
        episode=data["episode"],
        pending_broadcasts=tuple(data.get("pending_broadcasts", [])),
    )
