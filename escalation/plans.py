"""Emergency plans (应急预案) as configuration: category × severity → escalation policy and
reporting deadlines, stored, edited by administrators, and chosen when an incident opens.

Invariants:
- At most one stored plan per category × severity; it is replaced in place (`version` + 1) or
  deactivated, never deleted, and every change is audited with before and after.
- The plans in force (`effective_plans`) are the active stored ones plus the built-in default
  (escalation.default_plans) of every category × severity with nothing stored; an
  inactive stored plan leaves its key to `select_plan`'s fallback (a more severe plan of the
  category, then the `other` category), never to the built-in default. The incident freezes
  the chosen policy and deadlines when it opens, so an edit never reaches a running incident.
- A stored plan passes escalation.plan_checks (`plan_from_parts`) and names only what
  exists when it is saved: on-duty roles the resolver knows (escalation.targets.TARGET_ROLES),
  skills of the directory, active people, and configured group channels or the built-in
  leadership group. An invalid plan is one `ValidationFailed` naming every wrong field at
  once; nothing is written.
- Deactivating is refused (`Conflict`) while it would leave some category × severity without
  a plan.
- Plan changes take turns (`PLANS_LOCK`, to the commit), each reading the plans as the one
  before left them: a deactivation and a replacement of one plan at once used to write the
  same version twice (the deactivation also putting back the policy it had read), and two
  first stores of one plan at once met the unique key (a bare 409).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from core import audit
from core.db import advisory_lock
from core.errors import Conflict, FieldError, ValidationFailed
from escalation.default_plans import LEADERSHIP_GROUP, default_plans
from escalation.models import Category, EmergencyPlanPublic, StoredPlan
from escalation.plan_checks import (
    Names,
    PlanInvalid,
    names_in,
    plan_from_parts,
    within_national_limits,
)
from escalation.policy import (
    EmergencyPlan,
    GroupTarget,
    OnDutyTarget,
    PersonTarget,
    PolicyError,
    ReportingDeadlines,
    Severity,
    policy_from_dict,
    policy_to_dict,
    select_plan,
)
from escalation.targets import TARGET_ROLES
from oncall.models import Person, Skill

PLANS_LOCK = "emergency plans"


class PlanNeeded(Conflict):
    """A plan cannot leave force: some category × severity would then have none."""

    code = "plan_needed"


def _plan_of(row: StoredPlan) -> EmergencyPlan:
    return EmergencyPlan(
        row.category.value,
        Severity(row.severity),
        policy_from_dict(json.loads(row.policy_json)),
        ReportingDeadlines(row.initial_report_minutes, row.written_report_minutes),
    )


def _rows(session: Session) -> dict[tuple[str, Severity], StoredPlan]:
    return {(r.category.value, Severity(r.severity)): r for r in session.exec(select(StoredPlan))}


def _in_force(
    rows: Iterable[StoredPlan], *, taken_out: tuple[str, Severity] | None = None
) -> tuple[EmergencyPlan, ...]:
    """The plans in force given the stored `rows`, as if `taken_out` were stored inactive."""
    stored = {(r.category.value, Severity(r.severity)): r for r in rows}
    keys = set(stored) | ({taken_out} if taken_out else set())
    active = tuple(_plan_of(r) for k, r in stored.items() if r.active and k != taken_out)
    defaults = tuple(p for p in default_plans() if (p.category, p.severity) not in keys)
    return active + defaults


def effective_plans(session: Session) -> tuple[EmergencyPlan, ...]:
    """The plans in force, for `escalation.policy.select_plan` when an incident opens."""
    return _in_force(session.exec(select(StoredPlan)).all())


def plan_for(session: Session, *, category: str, severity: Severity) -> EmergencyPlan:
    """The plan an incident of `category` × `severity` gets: `select_plan` over the plans in
    force. Should racing deactivations have left no plan, the built-in default: opening an
    incident never fails for want of a plan. Its reporting deadlines are held to the national
    limits of `category` (`plan_checks.within_national_limits`: a plan stored before they were
    checked, or the `other` plan standing in for a special-equipment one, never loosens them)."""
    try:
        plan = select_plan(effective_plans(session), category, severity)
    except LookupError:
        plan = select_plan(default_plans(), category, severity)
    deadlines = within_national_limits(category, plan.deadlines)
    return plan if deadlines == plan.deadlines else dataclasses.replace(plan, deadlines=deadlines)


def _public(plan: EmergencyPlan, row: StoredPlan | None) -> EmergencyPlanPublic:
    return EmergencyPlanPublic(
        category=Category(plan.category),
        severity=plan.severity,
        name=plan.policy.name,
        steps=policy_to_dict(plan.policy)["steps"],
        initial_report_minutes=plan.deadlines.initial_report_minutes,
        written_report_minutes=plan.deadlines.written_report_minutes,
        active=row.active if row is not None else True,
        stored=row is not None,
        version=row.version if row is not None else 0,
        updated_at=row.updated_at if row is not None else None,
        updated_by=row.updated_by if row is not None else None,
    )


def _default(category: Category, severity: Severity) -> EmergencyPlan:
    return next(
        p for p in default_plans() if p.category == category.value and p.severity is severity
    )


def _current(
    rows: dict[tuple[str, Severity], StoredPlan], category: Category, severity: Severity
) -> EmergencyPlanPublic:
    row = rows.get((category.value, severity))
    return _public(_plan_of(row) if row else _default(category, severity), row)


def list_plans(session: Session) -> list[EmergencyPlanPublic]:
    """Every category × severity: its stored plan (active or not) or the built-in default."""
    rows = _rows(session)
    return [_current(rows, category, severity) for category in Category for severity in Severity]


def get_plan(session: Session, *, category: Category, severity: Severity) -> EmergencyPlanPublic:
    return _current(_rows(session), category, severity)


def known_groups(configured: Iterable[str]) -> frozenset[str]:
    """The group channels a plan may name: those configured (DUTYDESK_GROUP_WEBHOOKS) and the
    leadership group the default plans tell (the local outbox when it has no webhook)."""
    return frozenset(configured) | {LEADERSHIP_GROUP}


def reference_problems(session: Session, names: Names, groups: frozenset[str]) -> list[FieldError]:
    """Each role, skill, person and group in `names` that does not exist."""
    errors: list[FieldError] = []
    skills: dict[str, bool] = {}
    for path, target in names.targets:
        match target:
            case OnDutyTarget(role=role, skill=skill):
                if role not in TARGET_ROLES:
                    reason = f"unknown role {role!r}; one of {sorted(TARGET_ROLES)}"
                    errors.append(FieldError(f"{path}.role", reason))
                if skill is not None:
                    if skill not in skills:
                        skills[skill] = session.get(Skill, skill) is not None
                    if not skills[skill]:
                        errors.append(FieldError(f"{path}.skill", f"unknown skill {skill!r}"))
            case PersonTarget(person_id=person_id):
                person = session.get(Person, person_id)
                if person is None or not person.is_active:
                    errors.append(FieldError(f"{path}.person_id", f"no active person {person_id}"))
            case GroupTarget(group=group):
                if group not in groups:
                    errors.append(FieldError(f"{path}.group", _unknown_group(group, groups)))
    for path, group in names.groups:
        if group not in groups:
            errors.append(FieldError(path, _unknown_group(group, groups)))
    return errors


def _field_error(err: PolicyError) -> FieldError:
    return FieldError(err.field, err.reason, err.type, err.ctx)


def _unknown_group(group: str, groups: frozenset[str]) -> str:
    return f"unknown group {group!r}; one of {sorted(groups)}"


def _audited(public: EmergencyPlanPublic) -> dict[str, Any]:
    return public.model_dump(mode="json", exclude={"updated_at", "updated_by"})


def replace(
    session: Session,
    *,
    category: Category,
    severity: Severity,
    name: str | None,
    steps: object,
    initial_report_minutes: object,
    written_report_minutes: object,
    groups: frozenset[str],
    actor: str,
    now: datetime,
) -> EmergencyPlanPublic:
    """Store (create or replace) the active plan for `category` × `severity`; `steps` as in
    the policy snapshot, `name` defaults to `category-severity`, `groups` from `known_groups`.
    Audited with before (the stored or built-in plan) and after; commits once.

    Raises:
        ValidationFailed: an invalid plan or one naming an unknown role, skill, person or
            group, every wrong field named at once like `steps[1].targets[0].skill`;
            nothing is written.
    """
    try:
        plan = plan_from_parts(
            category=category.value,
            severity=severity,
            name=f"{category.value}-{severity.value}" if name is None else name,
            steps=steps,
            initial_report_minutes=initial_report_minutes,
            written_report_minutes=written_report_minutes,
        )
    except PlanInvalid as err:
        # the targets and groups that passed their own checks still say which do not exist
        found = [_field_error(e) for e in err.errors] + reference_problems(
            session, err.names, groups
        )
        raise ValidationFailed.of(found) from None
    advisory_lock(session, PLANS_LOCK)
    unknown = reference_problems(session, names_in(plan), groups)
    if unknown:
        raise ValidationFailed.of(unknown)
    row = session.exec(
        select(StoredPlan)
        .where(StoredPlan.category == category, StoredPlan.severity == severity)
        .execution_options(populate_existing=True)
    ).first()
    before = _public(_plan_of(row) if row else _default(category, severity), row)
    return _store(
        session, row, category, severity, plan, active=True, before=before, actor=actor, now=now
    )


def deactivate(
    session: Session, *, category: Category, severity: Severity, actor: str, now: datetime
) -> EmergencyPlanPublic:
    """Take the plan for `category` × `severity` out of force (a built-in default is stored
    as an inactive copy); incidents then get `select_plan`'s fallback. Audited; commits once.
    Deactivating an inactive plan changes nothing.

    Raises:
        Conflict: some category × severity would be left without any plan.
    """
    advisory_lock(session, PLANS_LOCK)
    rows = _rows(session)
    key = (category.value, severity)
    row = rows.get(key)
    if row is not None and not row.active:
        return _public(_plan_of(row), row)
    uncovered = _uncovered(rows.values(), taken_out=key)
    if uncovered is not None:
        other, level = uncovered
        raise PlanNeeded(
            f"{other.value}/{level.value} incidents would have no plan: keep an active "
            f"plan of that category or of 'other' at that level or a more severe one"
        )
    plan = _plan_of(row) if row else _default(category, severity)
    before = _public(plan, row)
    return _store(
        session, row, category, severity, plan, active=False, before=before, actor=actor, now=now
    )


def left_without_plan(
    session: Session, *, category: Category, severity: Severity
) -> tuple[Category, Severity] | None:
    """The first kind of incident that would have no plan were the plan for `category` ×
    `severity` deactivated (what `deactivate` refuses), else None."""
    return _uncovered(_rows(session).values(), taken_out=(category.value, severity))


def _uncovered(
    rows: Iterable[StoredPlan], *, taken_out: tuple[str, Severity]
) -> tuple[Category, Severity] | None:
    plans = _in_force(rows, taken_out=taken_out)
    for other in Category:
        for level in Severity:
            try:
                select_plan(plans, other.value, level)
            except LookupError:
                return other, level
    return None


def _store(
    session: Session,
    row: StoredPlan | None,
    category: Category,
    severity: Severity,
    plan: EmergencyPlan,
    *,
    active: bool,
    before: EmergencyPlanPublic,
    actor: str,
    now: datetime,
) -> EmergencyPlanPublic:
    """Write `plan` as the stored plan of `category` × `severity` (a new row if `row` is
    None), `active` or not, as a new version; audit the change and commit."""
    if row is None:
        row = StoredPlan(
            category=category,
            severity=severity,
            policy_json="",
            initial_report_minutes=0,
            written_report_minutes=0,
            version=0,
            updated_at=now,
            updated_by=actor,
        )
    row.policy_json = json.dumps(policy_to_dict(plan.policy), ensure_ascii=False)
    row.initial_report_minutes = plan.deadlines.initial_report_minutes
    row.written_report_minutes = plan.deadlines.written_report_minutes
    row.active = active
    row.version += 1
    row.updated_at, row.updated_by = now, actor
    session.add(row)
    session.flush()
    after = _public(plan, row)
    action = "emergency_plan.replace" if active else "emergency_plan.deactivate"
    _audit(session, action, category, severity, before, after, actor, now)
    session.commit()
    return after


def _audit(
    session: Session,
    action: str,
    category: Category,
    severity: Severity,
    before: EmergencyPlanPublic,
    after: EmergencyPlanPublic,
    actor: str,
    now: datetime,
) -> None:
    audit.record(
        session,
        at=now,
        actor=actor,
        action=action,
        entity_type="emergency_plan",
        entity_id=f"{category.value}/{severity.value}",
        before=_audited(before),
        after=_audited(after),
    )
