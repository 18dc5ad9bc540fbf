"""People's own notification rules ("SMS first, voice call after N minutes"): read, replace
(audited, all or nothing) and load for the dispatcher.

Rules are validated by `escalation.policy.person_rules_from_list`, the same checks as a
step's rules. The engine freezes whose rules apply when a step starts (escalation.engine), so
a change here reaches only rounds that start afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlmodel import Session, col, delete, select

from core import audit
from core.errors import NotFound, ValidationFailed
from escalation.models import NotifyRulePublic, NotifyRulesPublic, PersonNotifyRule
from escalation.policy import (
    NotifyKind,
    NotifyRule,
    PolicyError,
    person_rules_from_list,
    rules_to_list,
)
from oncall import directory
from oncall.models import Person


def _rows(session: Session, person_ids: Iterable[int]) -> list[PersonNotifyRule]:
    query = (
        select(PersonNotifyRule)
        .where(col(PersonNotifyRule.person_id).in_(list(person_ids)))
        .order_by(col(PersonNotifyRule.person_id), col(PersonNotifyRule.position))
    )
    return list(session.exec(query).all())


def rules_of(session: Session, person_ids: Iterable[int]) -> dict[int, tuple[NotifyRule, ...]]:
    """The own rules of those of `person_ids` who have any (the engine's `own_rules`)."""
    out: dict[int, tuple[NotifyRule, ...]] = {}
    for row in _rows(session, person_ids):
        rule = NotifyRule(cast(NotifyKind, row.kind), row.after_minutes)  # re-checks the kind
        out[row.person_id] = (*out.get(row.person_id, ()), rule)
    return out


def public(person_id: int, rules: tuple[NotifyRule, ...]) -> NotifyRulesPublic:
    return NotifyRulesPublic(
        person_id=person_id,
        rules=[NotifyRulePublic(kind=r.kind, after_minutes=r.after_minutes) for r in rules],
        uses_step_rules=not rules,
    )


def get(session: Session, *, person_id: int) -> NotifyRulesPublic:
    """Raises NotFound for an unknown person."""
    directory.get_person(session, person_id=person_id)
    return public(person_id, rules_of(session, [person_id]).get(person_id, ()))


def replace(
    session: Session, *, person_id: int, rules: object, actor: str, now: datetime
) -> NotifyRulesPublic:
    """Replace the person's rules with `rules` (JSON: a list of `{"kind", "after_minutes"}`;
    empty = back to the steps' rules), audited with before and after; commits once.

    Raises:
        NotFound: unknown person.
        ValidationFailed: an invalid rule, the field named like `rules[1].after_minutes`;
            nothing is written.
    """
    try:
        new = person_rules_from_list(rules)
    except PolicyError as err:
        raise ValidationFailed(err.field, err.reason, type=err.type, ctx=err.ctx) from None
    # The row lock (PostgreSQL) makes two concurrent replacements apply one after the other.
    if session.get(Person, person_id, with_for_update=True) is None:
        raise NotFound(f"person {person_id} not found")
    before = rules_of(session, [person_id]).get(person_id, ())
    session.exec(delete(PersonNotifyRule).where(col(PersonNotifyRule.person_id) == person_id))
    for position, rule in enumerate(new):
        session.add(
            PersonNotifyRule(
                person_id=person_id,
                position=position,
                kind=rule.kind,
                after_minutes=rule.after_minutes,
            )
        )
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="person.notify_rules",
        entity_type="person",
        entity_id=person_id,
        before={"notify_rules": rules_to_list(before)},
        after={"notify_rules": rules_to_list(new)},
    )
    session.commit()
    return public(person_id, new)
