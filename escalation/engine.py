"""The escalation state machine: pure functions from (state, policy snapshot, now) to
(new state, actions). No I/O, no clock, no database; the dispatcher loads, calls, stores,
commits, then performs the actions. The state and action types are in `escalation.state`;
the commands that only change the status or the policy (acknowledge, resolve, reopen,
upgrade) are in `escalation.commands`.

Invariants:
- Status moves open → acknowledged → resolved; `resolve` also works from open; `reopen`
  takes a resolved incident back to open and restarts the chain at step 0 in a new
  `episode`. Only an open incident escalates: `advance` on any other status returns the
  state unchanged and no actions, except that an acknowledged incident still tells the groups
  an `upgrade` left pending.
- A step's targets are resolved by the caller (through `oncall`, at `now`) and passed in as
  `resolved[step_index]`; the engine reads it only when a step (or a repeat round) starts and
  keeps the result in `recipients`, so the voice call after two minutes reaches the person
  who got the SMS even if a shift changed hands in between.
- How each recipient is paged is chosen at the same moment and frozen the same way: the
  person's own rules (`own_rules[person]`, loaded by the caller) if they have any, else the
  step's rules. The people with their own rules are kept in `own_rules` of the state; an edit
  of someone's rules mid-round changes nothing already running, only rounds started later.
  A state stored without `own_rules` (before person rules existed) pages by the step's rules.
- A step whose targets resolve to nobody and that has no group target (a gap in the roster)
  does not wait: the chain climbs at once, with a `TimelineNote`, possibly over several steps
  in one call. A gap on the last step waits its period and tries again.
- A step starts at the `now` it is actually run (late ticks shift the later timings, they do
  not fire them in a burst); one `advance` climbs at most one step by wait expiry.
- Each (step, round, person, kind) is notified at most once per episode (`notified`), and each
  broadcast at most once (`broadcasts`): calling `advance` twice at the same `now` yields no
  duplicate. Idempotency keys are deterministic, `f"{incident}:{step}:{round}:{person}:{kind}"`
  in the first episode, with `f":e{episode}"` appended after a reopen.
- When the last step's rounds are used up without an acknowledgement, `Exhausted` is emitted
  once and the last step keeps re-paging every wait period (rounds beyond `repeat`) until
  someone acknowledges.
- A rule (the step's or a person's own) due at or after the end of the step's wait never
  fires: climbing wins. A recipient whose own rules all fall there gets a `TimelineNote`.
- `upgrade` (a more severe report of an open incident, with the new level's policy) keeps
  the chain where it stands: the current step (the new policy's last if it has fewer)
  restarts at once in a new episode, so its people are paged again, and the groups the new
  policy would have told by then (`pending_broadcasts`) are told when it starts. An
  acknowledged incident stays acknowledged (someone owns it; nobody is paged again), but the
  groups the new policy tells up to its current step that were not told yet are told at once
  (a level I incident tells the leadership group, DOMAIN.md §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from escalation import engine_notes as notes
from escalation.policy import (
    NotifyRule,
    Policy,
    Step,
)
from escalation.state import (
    Action,
    Broadcast,
    Broadcasted,
    EscalationState,
    Exhausted,
    IncidentStatus,
    InvalidTransition,
    Notified,
    Notify,
    OwnRules,
    Transition,
)

_NO_OWN_RULES: OwnRules = {}


def open_state(now: datetime) -> EscalationState:
    """The state of a newly opened incident: step 0 is due at `now`."""
    return EscalationState(IncidentStatus.open, 0, 0, None, now)


# ---- advance ---------------------------------------------------------------------------------


def advance(
    state: EscalationState,
    policy: Policy,
    now: datetime,
    *,
    incident_id: int | str,
    resolved: Mapping[int, frozenset[int]],
    own_rules: OwnRules | None = None,
) -> Transition:
    """Run the escalation up to `now`.

    `resolved[i]` is who step `i`'s on-duty and person targets resolve to at `now`; it is
    read for a step only when that step starts, and a missing entry for a step that starts
    raises `KeyError`. Group targets are broadcast by the engine and need no entry.
    `own_rules[p]` are person `p`'s own rules (absent or empty: the step's), read with
    `resolved` when a step starts.
    """
    own = _NO_OWN_RULES if own_rules is None else own_rules
    if state.status is IncidentStatus.acknowledged and state.pending_broadcasts:
        return _tell_pending(state, incident_id)
    if state.status is not IncidentStatus.open:
        return state, ()
    _check_index(state, policy)
    out: list[Action] = []
    step = policy.steps[state.step_index]
    if state.step_started_at is None:
        state = _start(state, policy, state.step_index, 0, now, incident_id, (resolved, own), out)
    elif now >= state.step_started_at + _minutes(step.wait_minutes):
        state = _after_wait(state, policy, now, incident_id, (resolved, own), out)
    state = _send_due(state, policy, now, incident_id, out)
    return state, tuple(out)


def _after_wait(
    state: EscalationState,
    policy: Policy,
    now: datetime,
    incident_id: int | str,
    targets: _Targets,
    out: list[Action],
) -> EscalationState:
    index, step = state.step_index, policy.steps[state.step_index]
    last = index == len(policy.steps) - 1
    next_round = state.repeat_round + 1
    if next_round <= step.repeat:
        out.append(notes.repeat(index, next_round))
        return _start(state, policy, index, next_round, now, incident_id, targets, out)
    if not last:
        out.append(notes.climbing(index))
        return _start(state, policy, index + 1, 0, now, incident_id, targets, out)
    if next_round == step.repeat + 1:
        out.append(Exhausted(index))
    out.append(notes.last_repeat(index, next_round))
    return _start(state, policy, index, next_round, now, incident_id, targets, out)


def _start(
    state: EscalationState,
    policy: Policy,
    index: int,
    round_: int,
    now: datetime,
    incident_id: int | str,
    targets: _Targets,
    out: list[Action],
) -> EscalationState:
    """Start round `round_` of step `index` at `now`, climbing at once over roster gaps."""
    resolved, own = targets
    while True:
        step = policy.steps[index]
        if index not in resolved:
            raise KeyError(f"no resolved targets passed for step index {index}")
        people = tuple(sorted(resolved[index]))
        state = replace(
            state,
            step_index=index,
            repeat_round=round_,
            step_started_at=now,
            next_step_at=now + _minutes(step.wait_minutes),
            recipients=people,
            own_rules=tuple((p, tuple(own[p])) for p in people if own.get(p)),
        )
        if people or step.group_targets:
            break
        if index == len(policy.steps) - 1:
            out.append(notes.last_nobody(index, step))
            return state
        out.append(notes.nobody(index, step))
        index, round_ = index + 1, 0
    out.append(notes.started(index, round_, step, people))
    for person, rules in state.own_rules:
        if all(r.after_minutes >= step.wait_minutes for r in rules):
            out.append(notes.own_rules_silent(person, index, step))
    groups = step.group_targets + (step.broadcast_groups if round_ == 0 else ())
    groups += state.pending_broadcasts
    state = replace(state, pending_broadcasts=())
    done = set(state.broadcasts)
    for group in dict.fromkeys(groups):
        record = Broadcasted(index, round_, group)
        if record in done:
            continue
        key = _key(incident_id, state.episode, index, round_, "broadcast", group)
        out.append(Broadcast(group, index, round_, key))
        state = replace(state, broadcasts=(*state.broadcasts, record))
    return state


def _send_due(
    state: EscalationState, policy: Policy, now: datetime, incident_id: int | str, out: list[Action]
) -> EscalationState:
    started = state.step_started_at
    if started is None:
        return state
    step = policy.steps[state.step_index]
    done = set(state.notified)
    fresh: list[Notified] = []
    due = [
        (rule.after_minutes, rule.kind, position, person)
        for position, (person, rules) in enumerate(_rules_by_recipient(state, step))
        for rule in rules
        if rule.after_minutes < step.wait_minutes and started + _minutes(rule.after_minutes) <= now
    ]
    for _, kind, _, person in sorted(due):
        record = Notified(state.step_index, state.repeat_round, person, kind)
        if record in done:
            continue
        key = _key(incident_id, state.episode, record.step_index, record.round, person, kind)
        out.append(Notify(person, kind, record.step_index, record.round, key))
        fresh.append(record)
        done.add(record)
    if not fresh:
        return state
    return replace(state, notified=(*state.notified, *fresh))


# ---- wake-up ---------------------------------------------------------------------------------


def next_wakeup(state: EscalationState, policy: Policy) -> datetime | None:
    """When the dispatcher must call `advance` next: the earlier of the next unsent rule of
    the current step and the end of its wait; None unless open (or acknowledged with groups
    still to tell: `next_step_at`)."""
    if state.status is IncidentStatus.acknowledged and state.pending_broadcasts:
        return state.next_step_at
    if state.status is not IncidentStatus.open:
        return None
    started = state.step_started_at
    if started is None:
        return state.next_step_at
    step = policy.steps[state.step_index]
    wait_end = started + _minutes(step.wait_minutes)
    done = set(state.notified)
    candidates = [wait_end]
    for person, rules in _rules_by_recipient(state, step):
        for rule in rules:
            if rule.after_minutes >= step.wait_minutes:
                continue
            if Notified(state.step_index, state.repeat_round, person, rule.kind) not in done:
                candidates.append(started + _minutes(rule.after_minutes))
    return min(candidates)


# ---- commands --------------------------------------------------------------------------------


def escalate_now(
    state: EscalationState,
    policy: Policy,
    now: datetime,
    *,
    incident_id: int | str,
    resolved: Mapping[int, frozenset[int]],
    own_rules: OwnRules | None = None,
) -> Transition:
    """Press 2: skip the rest of the current step (remaining wait and rounds) and start the
    next one at `now`; on the last step, start a new round of it. Only while open."""
    own = _NO_OWN_RULES if own_rules is None else own_rules
    if state.status is not IncidentStatus.open:
        raise InvalidTransition(f"cannot escalate an incident that is {state.status}")
    _check_index(state, policy)
    out: list[Action] = []
    index = state.step_index
    if state.step_started_at is None:
        target, round_ = index, 0
    elif index + 1 < len(policy.steps):
        target, round_ = index + 1, 0
    else:
        target, round_ = index, state.repeat_round + 1
    out.append(notes.escalated_now(index))
    if target == index and round_ == policy.steps[index].repeat + 1:
        out.append(Exhausted(index))
    state = _start(state, policy, target, round_, now, incident_id, (resolved, own), out)
    state = _send_due(state, policy, now, incident_id, out)
    return state, tuple(out)


# ---- helpers ---------------------------------------------------------------------------------


def _tell_pending(state: EscalationState, incident_id: int | str) -> Transition:
    """Broadcast the groups an `upgrade` left pending on an acknowledged incident."""
    out: list[Action] = []
    for group in state.pending_broadcasts:
        record = Broadcasted(state.step_index, state.repeat_round, group)
        key = _key(incident_id, state.episode, record.step_index, record.round, "broadcast", group)
        out.append(Broadcast(group, record.step_index, record.round, key))
        state = replace(state, broadcasts=(*state.broadcasts, record))
    return replace(state, pending_broadcasts=(), next_step_at=None), tuple(out)


_Targets = tuple[Mapping[int, frozenset[int]], OwnRules]


def _rules_by_recipient(
    state: EscalationState, step: Step
) -> list[tuple[int, tuple[NotifyRule, ...]]]:
    """Each recipient of the running round with the rules frozen for them when it started."""
    own = dict(state.own_rules)
    return [(p, own.get(p, step.rules)) for p in state.recipients]


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def _key(
    incident_id: int | str, episode: int, step: int, round_: int, who: object, kind: str
) -> str:
    key = f"{incident_id}:{step}:{round_}:{who}:{kind}"
    return f"{key}:e{episode}" if episode else key


def _check_index(state: EscalationState, policy: Policy) -> None:
    if not 0 <= state.step_index < len(policy.steps):
        raise ValueError(
            f"step_index {state.step_index} outside the policy's {len(policy.steps)} steps"
        )
