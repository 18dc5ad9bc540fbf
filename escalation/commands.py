"""The escalation's commands that change an incident's status or policy without paging
anyone themselves: acknowledge, resolve, reopen and upgrade to a more severe level's policy.
Pure, like the state machine they belong to (`escalation.engine`, whose docstring states the
invariants they keep); the engine's `advance` then runs what they leave due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from escalation import engine_notes as notes
from escalation.policy import Policy, Step
from escalation.state import (
    AckSource,
    EscalationState,
    IncidentStatus,
    InvalidTransition,
    Transition,
)


def acknowledge(
    state: EscalationState, by: int, now: datetime, *, via: AckSource = "web"
) -> Transition:
    """Stop the chain. Acknowledging twice is a no-op; a resolved incident cannot be."""
    if state.status is IncidentStatus.resolved:
        raise InvalidTransition("a resolved incident cannot be acknowledged; reopen it first")
    if state.status is IncidentStatus.acknowledged:
        return state, ()
    new = replace(state, status=IncidentStatus.acknowledged, acknowledged_by=by, next_step_at=None)
    return new, (notes.acknowledged(by, via, now),)


def resolve(state: EscalationState, by: int, now: datetime) -> Transition:
    """Close the incident (from open or acknowledged). Resolving twice is a no-op."""
    if state.status is IncidentStatus.resolved:
        return state, ()
    new = replace(state, status=IncidentStatus.resolved, next_step_at=None)
    return new, (notes.resolved(by, now),)


def reopen(state: EscalationState, now: datetime) -> Transition:
    """Take a resolved incident back to open: the chain restarts at step 0 (due at `now`) in a
    new episode, so its idempotency keys differ from the first run's."""
    if state.status is not IncidentStatus.resolved:
        raise InvalidTransition(f"only a resolved incident can be reopened, not {state.status}")
    new = EscalationState(IncidentStatus.open, 0, 0, None, now, episode=state.episode + 1)
    return new, (notes.reopened(now),)


def upgrade(state: EscalationState, policy: Policy, now: datetime) -> Transition:
    """The incident became more severe and `policy`, its new level's, replaces the frozen one.

    Open: the chain stays where it stands but under `policy`: the current step (or the new
    policy's last, if it has fewer) restarts at `now` in a new episode, so its people are
    paged again (with the new severity), and every group the new policy tells on its steps
    up to that one is told when it starts (once). Acknowledged or resolved: unchanged (the
    new policy runs after a reopen), except that an acknowledged incident tells at its next
    `advance` (due now) the groups the new policy tells on its steps up to the current one
    that were not told in this episode.
    """
    if state.status is IncidentStatus.acknowledged:
        reached = policy.steps[: min(state.step_index, len(policy.steps) - 1) + 1]
        told = {b.group for b in state.broadcasts}
        untold = tuple(g for g in _groups_of(reached) if g not in told)
        if not untold:
            return state, ()
        note = notes.telling(policy, untold)
        return replace(state, pending_broadcasts=untold, next_step_at=now), (note,)
    if state.status is not IncidentStatus.open:
        return state, ()
    index = min(state.step_index, len(policy.steps) - 1)
    groups = _groups_of(policy.steps[:index])
    new = EscalationState(
        IncidentStatus.open,
        index,
        0,
        None,
        now,
        episode=state.episode + 1,
        pending_broadcasts=groups,
    )
    return new, (notes.restarts(policy, index),)


def _groups_of(steps: Sequence[Step]) -> tuple[str, ...]:
    """The groups `steps` tell (their group targets and broadcasts), in order, once each."""
    return tuple(dict.fromkeys(g for s in steps for g in s.group_targets + s.broadcast_groups))
