"""Resolve a policy step's targets to people at the moment the step runs (through oncall).

On-duty roles of the default plans map to roster shift roles; roles nobody is rostered for
(the expert, the director) fall back to the directory: every active person with that duty
role (and skill) is reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from escalation.policy import GroupTarget, OnDutyTarget, PersonTarget, Policy, Target
from oncall.layers import Layers, load_layers, on_duty_slots
from oncall.models import DutyRole, Person, PersonDutyRole, PersonSkill

SHIFT_ROLE_OF_TARGET = {
    "duty_officer": "duty",
    "duty_backup": "oncall_backup",
    "leader": "leader",
}
DIRECTORY_ROLE_OF_TARGET = {"expert": DutyRole.expert, "director": DutyRole.director}
# The on-duty roles a policy step may target: any other would always resolve to nobody.
TARGET_ROLES = frozenset(SHIFT_ROLE_OF_TARGET) | frozenset(DIRECTORY_ROLE_OF_TARGET)


def _directory(session: Session, role: DutyRole, skill: str | None) -> frozenset[int]:
    query = (
        select(Person.id)
        .where(col(Person.is_active).is_(True))
        .where(
            col(Person.id).in_(select(PersonDutyRole.person_id).where(PersonDutyRole.role == role))
        )
    )
    if skill is not None:
        query = query.where(
            col(Person.id).in_(select(PersonSkill.person_id).where(PersonSkill.skill_code == skill))
        )
    return frozenset(pid for pid in session.exec(query).all() if pid is not None)


def resolve_target(
    session: Session,
    target: Target,
    *,
    at: datetime,
    tz: ZoneInfo,
    layers: Layers | None = None,
) -> frozenset[int]:
    """The people behind `target` at `at`; `layers` as for `oncall.layers.on_duty_slots`."""
    if isinstance(target, PersonTarget):
        person = session.get(Person, target.person_id)
        return frozenset({target.person_id}) if person and person.is_active else frozenset()
    if isinstance(target, GroupTarget):
        return frozenset()
    assert isinstance(target, OnDutyTarget)
    shift_role = SHIFT_ROLE_OF_TARGET.get(target.role)
    if shift_role is not None:
        slots = on_duty_slots(
            session, at=at, tz=tz, role=shift_role, skill=target.skill, layers=layers
        )
        return frozenset(s.person_id for s in slots)
    directory_role = DIRECTORY_ROLE_OF_TARGET.get(target.role)
    if directory_role is None:
        return frozenset()
    on_shift = frozenset(
        s.person_id for s in on_duty_slots(session, at=at, tz=tz, skill=target.skill, layers=layers)
    )
    reachable = _directory(session, directory_role, target.skill)
    # Prefer a matching expert who is on shift right now; otherwise everyone with the role.
    return (reachable & on_shift) or reachable


@dataclass
class TargetCache:
    """What resolving at one instant reads once: the roster layers (read when the first
    on-duty target needs them) and the people behind each target."""

    people: dict[Target, frozenset[int]] = field(default_factory=dict)
    layers: Layers | None = None


def resolve_policy(
    session: Session,
    policy: Policy,
    *,
    at: datetime,
    tz: ZoneInfo,
    cache: TargetCache | None = None,
) -> dict[int, frozenset[int]]:
    """Each step's people at `at`. A dispatcher pass resolves many incidents at one instant in
    one transaction, so it passes one `cache` for the pass: the roster is read once and each
    target is looked up once."""
    memo = TargetCache() if cache is None else cache

    def people(target: Target) -> frozenset[int]:
        if target not in memo.people:
            if memo.layers is None and isinstance(target, OnDutyTarget):
                memo.layers = load_layers(session, at=at, tz=tz)
            memo.people[target] = resolve_target(session, target, at=at, tz=tz, layers=memo.layers)
        return memo.people[target]

    return {
        index: frozenset().union(*(people(t) for t in step.targets))
        for index, step in enumerate(policy.steps)
    }
