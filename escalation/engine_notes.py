"""The timeline notes the escalation engine writes: each one's English text, the key of its
phrase and the values it says (`escalation.timeline_keys`). Steps and rounds are taken as
the engine counts them (from 0) and said as people count them (from 1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from escalation.policy import Policy, Step, describe_target
from escalation.state import AckSource, TimelineNote
from escalation.timeline_keys import targets


def _what(step: Step) -> str:
    return ", ".join(describe_target(t) for t in step.targets)


def started(index: int, round_: int, step: Step, people: Sequence[int]) -> TimelineNote:
    who = ", ".join(f"person {p}" for p in people) or "groups only"
    return TimelineNote(
        f"step {index + 1} round {round_ + 1} started ({_what(step)}): {who}",
        "step_started",
        {
            "step": index + 1,
            "round": round_ + 1,
            "targets": targets(step.targets),
            "people": list(people),
        },
    )


def own_rules_silent(person: int, index: int, step: Step) -> TimelineNote:
    return TimelineNote(
        f"person {person}'s own rules page nothing within the "
        f"{step.wait_minutes} min of step {index + 1}",
        "own_rules_silent",
        {"person": person, "minutes": step.wait_minutes, "step": index + 1},
    )


def repeat(index: int, round_: int) -> TimelineNote:
    return TimelineNote(
        f"step {index + 1}: no acknowledgement, round {round_ + 1}",
        "step_repeat",
        {"step": index + 1, "round": round_ + 1},
    )


def climbing(index: int) -> TimelineNote:
    return TimelineNote(
        f"step {index + 1}: no acknowledgement, climbing", "step_climbing", {"step": index + 1}
    )


def last_repeat(index: int, round_: int) -> TimelineNote:
    return TimelineNote(
        f"last step {index + 1}: no acknowledgement, re-paging (round {round_ + 1})",
        "last_step_repeat",
        {"step": index + 1, "round": round_ + 1},
    )


def nobody(index: int, step: Step) -> TimelineNote:
    return TimelineNote(
        f"step {index + 1} ({_what(step)}) resolved to nobody: climbing at once",
        "step_nobody",
        {"step": index + 1, "targets": targets(step.targets)},
    )


def last_nobody(index: int, step: Step) -> TimelineNote:
    return TimelineNote(
        f"step {index + 1} ({_what(step)}) resolved to nobody and is the last step: "
        f"trying again in {step.wait_minutes} min",
        "last_step_nobody",
        {"step": index + 1, "targets": targets(step.targets), "minutes": step.wait_minutes},
    )


def escalated_now(index: int) -> TimelineNote:
    return TimelineNote(
        f"escalated now from step {index + 1} (press 2)", "escalated_now", {"step": index + 1}
    )


def acknowledged(by: int, via: AckSource, now: datetime) -> TimelineNote:
    return TimelineNote(
        f"acknowledged by person {by} via {via} at {now.isoformat()}",
        "person_acknowledged",
        {"person": by, "via": via, "at": now.isoformat()},
    )


def resolved(by: int, now: datetime) -> TimelineNote:
    return TimelineNote(
        f"resolved by person {by} at {now.isoformat()}",
        "person_resolved",
        {"person": by, "at": now.isoformat()},
    )


def reopened(now: datetime) -> TimelineNote:
    return TimelineNote(
        f"reopened at {now.isoformat()}: escalation restarts at step 1",
        "restarted",
        {"at": now.isoformat()},
    )


def telling(policy: Policy, groups: Sequence[str]) -> TimelineNote:
    return TimelineNote(
        f"policy {policy.name}: telling {', '.join(groups)} now",
        "raise_telling",
        {"plan": policy.name, "groups": list(groups)},
    )


def restarts(policy: Policy, index: int) -> TimelineNote:
    return TimelineNote(
        f"policy {policy.name}: step {index + 1} restarts now",
        "raise_restarts",
        {"plan": policy.name, "step": index + 1},
    )
