"""The escalation state of one incident (stored with it as JSON, `escalation.codec`) and the
actions the pure engine (`escalation.engine`) emits for the dispatcher to carry out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from escalation.policy import NotifyKind, NotifyRule

AckSource = Literal["sms", "voice", "web", "api", "outbox"]
OwnRules = Mapping[int, Sequence[NotifyRule]]


class IncidentStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class InvalidTransition(ValueError):
    """The requested transition is not allowed from the current status."""


class Notified(NamedTuple):
    """A notification already emitted (a plain tuple, so it stores as a JSON list)."""

    step_index: int
    round: int
    person_id: int
    kind: NotifyKind


class Broadcasted(NamedTuple):
    """A broadcast already emitted."""

    step_index: int
    round: int
    group: str


@dataclass(frozen=True)
class EscalationState:
    """Where one incident's escalation stands; stored with the incident.

    `step_started_at is None` means the current step has not run yet (a fresh or reopened
    incident): the next `advance` starts it. `next_step_at` is when the current step's wait
    ends (or when the not-yet-started step is due); None unless open.
    """

    status: IncidentStatus
    step_index: int
    repeat_round: int
    step_started_at: datetime | None
    next_step_at: datetime | None
    recipients: tuple[int, ...] = ()
    # (person, rules) for the recipients of this round who have rules of their own.
    own_rules: tuple[tuple[int, tuple[NotifyRule, ...]], ...] = ()
    notified: tuple[Notified, ...] = ()
    broadcasts: tuple[Broadcasted, ...] = ()
    acknowledged_by: int | None = None
    episode: int = 0
    # groups to tell when the next step starts, besides its own (set by `upgrade`)
    pending_broadcasts: tuple[str, ...] = ()


# ---- actions the engine emits ---------------------------------------------------------------


@dataclass(frozen=True)
class Notify:
    person_id: int
    kind: NotifyKind
    step_index: int
    round: int
    idempotency_key: str


@dataclass(frozen=True)
class Broadcast:
    group: str
    step_index: int
    round: int
    idempotency_key: str


@dataclass(frozen=True)
class TimelineNote:
    """A timeline entry: its English `text`, the `key` of its phrase and the `values` the
    phrase says (`escalation.timeline_keys.KEYS`)."""

    text: str
    key: str
    values: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Exhausted:
    """The last step finished all its rounds unacknowledged (emitted once per episode)."""

    step_index: int


Action = Notify | Broadcast | TimelineNote | Exhausted
Transition = tuple[EscalationState, tuple[Action, ...]]
