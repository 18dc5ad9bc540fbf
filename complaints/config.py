"""Administrator-editable configuration: rule sets, routing rules and unit profiles (the term
dictionary is `complaints.terms`). Each change is audited and committed once; lookups used by
registration and the actions live here too.

Changes take turns (`CONFIG_LOCK`, to the commit), each reading what the one before left:
two admins adding one term at once stored it twice (a term without a domain: NULLs never
clash in the unique key), two adding one rule-set code or one unit's first profile at once
met the unique key (a bare 409), and an edit's audited "before" could be a value already
replaced."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import union
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from complaints import config_checks, routing
from complaints.clocks import ORDER_20, ORDER_121, RuleLimits
from complaints.config_models import ComplaintRuleSet, RoutingRule, UnitProfile
from complaints.config_schemas import (
    RoutingRuleCreate,
    RuleSetCreate,
    RuleSetPublic,
    RuleSetUpdate,
    UnitProfileUpdate,
)
from complaints.vocab import Domain
from core import audit
from core.db import advisory_lock
from core.errors import NotFound, ValidationFailed, taken
from oncall.models import Person, Unit

ORDER121_FROM = date(2026, 4, 15)
ORDER20_FROM = date(2020, 1, 1)
CONFIG_LOCK = "complaint configuration"
DEFAULT_RULE_SETS = (
    ("O20", "市场监督管理投诉举报处理暂行办法（总局令第20号）", ORDER20_FROM, ORDER_20),
    ("O121", "市场监督管理投诉举报处理办法（总局令第121号）", ORDER121_FROM, ORDER_121),
)


# ---- rule sets -------------------------------------------------------------------------------


def limits_of(rule_set: ComplaintRuleSet) -> RuleLimits:
    return RuleLimits.model_validate_json(rule_set.limits_json)


def rule_set_public(rule_set: ComplaintRuleSet) -> RuleSetPublic:
    assert rule_set.id is not None
    return RuleSetPublic(
        id=rule_set.id,
        code=rule_set.code,
        name=rule_set.name,
        effective_from=rule_set.effective_from,
        limits=limits_of(rule_set),
        is_active=rule_set.is_active,
        updated_at=rule_set.updated_at,
        updated_by=rule_set.updated_by,
    )


def ensure_default_rule_sets(session: Session, *, now: datetime, actor: str = "system") -> None:
    """Create Order 20 and Order 121 when no rule set exists (the caller commits)."""
    if session.exec(select(ComplaintRuleSet.id).limit(1)).first() is not None:
        return
    for code, name, start, limits in DEFAULT_RULE_SETS:
        session.add(
            ComplaintRuleSet(
                code=code,
                name=name,
                effective_from=start,
                limits_json=limits.model_dump_json(),
                updated_at=now,
                updated_by=actor,
            )
        )
    session.flush()


def rule_set_for(session: Session, *, day: date, now: datetime) -> ComplaintRuleSet:
    """The active rule set in force on `day` (greatest effective_from not after it)."""
    ensure_default_rule_sets(session, now=now)
    found = session.exec(
        select(ComplaintRuleSet)
        .where(col(ComplaintRuleSet.is_active).is_(True), ComplaintRuleSet.effective_from <= day)
        .order_by(col(ComplaintRuleSet.effective_from).desc(), col(ComplaintRuleSet.id).desc())
    ).first()
    if found is None:
        raise ValidationFailed("received_at", f"no rule set is in force on {day.isoformat()}")
    return found


def list_rule_sets(session: Session) -> list[ComplaintRuleSet]:
    return list(
        session.exec(select(ComplaintRuleSet).order_by(col(ComplaintRuleSet.effective_from))).all()
    )


def get_rule_set(session: Session, *, rule_set_id: int) -> ComplaintRuleSet:
    found = session.get(ComplaintRuleSet, rule_set_id)
    if found is None:
        raise NotFound(f"rule set {rule_set_id} not found")
    return found


def _rule_set_summary(rule_set: ComplaintRuleSet) -> dict[str, object]:
    return {
        "code": rule_set.code,
        "name": rule_set.name,
        "effective_from": rule_set.effective_from.isoformat(),
        "limits": limits_of(rule_set).model_dump(mode="json"),
        "is_active": rule_set.is_active,
    }


def _check_name_free(session: Session, *, name: str, rule_set_id: int | None) -> None:
    """Two sets of one name could not be told apart on the rule sets page."""
    other = session.exec(
        select(ComplaintRuleSet.id).where(
            ComplaintRuleSet.name == name, col(ComplaintRuleSet.id) != rule_set_id
        )
    ).first()
    if other is not None:
        raise taken(f"rule set name {name!r} is already used", "name")


def create_rule_set(
    session: Session, *, data: RuleSetCreate, actor: str, now: datetime, tz: ZoneInfo
) -> ComplaintRuleSet:
    """Add a dated rule set; refused (409 naming `effective_from`) when it would time receipt
    days on which items were already received under another set (they keep theirs)."""
    advisory_lock(session, CONFIG_LOCK)
    ensure_default_rule_sets(session, now=now)
    before = config_checks.dated(list_rule_sets(session))
    if session.exec(select(ComplaintRuleSet).where(ComplaintRuleSet.code == data.code)).first():
        raise taken(f"rule set code {data.code!r} is already used", "code")
    _check_name_free(session, name=data.name, rule_set_id=None)
    config_checks.check_limits(data.limits)
    rule_set = ComplaintRuleSet(
        code=data.code,
        name=data.name,
        effective_from=data.effective_from,
        limits_json=data.limits.model_dump_json(),
        is_active=data.is_active,
        updated_at=now,
        updated_by=actor,
    )
    session.add(rule_set)
    session.flush()
    config_checks.check_items_keep_their_set(
        session,
        before=before,
        after=config_checks.dated(list_rule_sets(session)),
        changed=rule_set.id or 0,
        field="effective_from",
        tz=tz,
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.rule_set.create",
        entity_type="complaint_rule_set",
        entity_id=rule_set.id,
        after=_rule_set_summary(rule_set),
    )
    session.commit()
    return rule_set


def update_rule_set(
    session: Session,
    *,
    rule_set_id: int,
    data: RuleSetUpdate,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
) -> ComplaintRuleSet:
    """Edit a rule set's [U] limits. Items keep the clocks already computed; new clocks
    (and new items) use the edited limits. A new start or activation that would change
    which set times days with items already received is refused (they keep their set)."""
    advisory_lock(session, CONFIG_LOCK)
    dated_before = config_checks.dated(list_rule_sets(session))
    rule_set = get_rule_set(session, rule_set_id=rule_set_id)
    if data.limits is not None:
        config_checks.check_limits(data.limits)
    if data.name is not None:
        _check_name_free(session, name=data.name, rule_set_id=rule_set_id)
    before = _rule_set_summary(rule_set)
    if data.name is not None:
        rule_set.name = data.name
    if data.effective_from is not None:
        rule_set.effective_from = data.effective_from
    if data.limits is not None:
        rule_set.limits_json = data.limits.model_dump_json()
    if data.is_active is not None:
        rule_set.is_active = data.is_active
    rule_set.updated_at, rule_set.updated_by = now, actor
    session.add(rule_set)
    session.flush()
    config_checks.check_rule_set_in_force(session, day=now.date(), data=data)
    config_checks.check_items_keep_their_set(
        session,
        before=dated_before,
        after=config_checks.dated(list_rule_sets(session)),
        changed=rule_set_id,
        field="is_active" if data.effective_from is None else "effective_from",
        tz=tz,
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.rule_set.update",
        entity_type="complaint_rule_set",
        entity_id=rule_set.id,
        before=before,
        after=_rule_set_summary(rule_set),
    )
    session.commit()
    return rule_set


def delete_rule_set(
    session: Session, *, rule_set_id: int, actor: str, now: datetime, today: date
) -> None:
    """Delete a rule set nothing uses and no receipt day needs (`today`: the local date)."""
    advisory_lock(session, CONFIG_LOCK)
    rule_set = get_rule_set(session, rule_set_id=rule_set_id)
    config_checks.check_deletable(session, rule_set=rule_set, today=today)
    before = _rule_set_summary(rule_set)
    try:
        with session.begin_nested():
            session.delete(rule_set)
    except IntegrityError:  # an item timed by it was registered a moment ago
        config_checks.check_deletable(session, rule_set=rule_set, today=today)
        raise
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.rule_set.delete",
        entity_type="complaint_rule_set",
        entity_id=rule_set_id,
        before=before,
    )
    session.commit()


# ---- routing rules ---------------------------------------------------------------------------


def list_routing_rules(session: Session, *, active_only: bool = False) -> list[RoutingRule]:
    query = select(RoutingRule).order_by(col(RoutingRule.district), col(RoutingRule.id))
    if active_only:
        query = query.where(col(RoutingRule.is_active).is_(True))
    return list(session.exec(query).all())


def pure_rules(session: Session) -> list[routing.Rule]:
    return [
        routing.Rule(
            id=r.id or 0,
            district=r.district,
            domain=r.domain,
            unit_id=r.unit_id,
            overrides_territory=r.overrides_territory,
            priority=r.priority,
        )
        for r in list_routing_rules(session, active_only=True)
    ]


def known_districts(session: Session) -> list[str]:
    """Districts named by routing rules or by active units (one statement: a UNION)."""
    from_rules = select(RoutingRule.district).where(col(RoutingRule.district).is_not(None))
    from_units = select(Unit.district).where(
        col(Unit.district).is_not(None), col(Unit.is_active).is_(True)
    )
    found = session.execute(union(from_rules, from_units)).scalars().all()
    return sorted({d for d in found if d})


def preview_route(
    session: Session, *, domain: Domain, district: str = "", address: str = ""
) -> config_checks.RoutePreview:
    """Which stored rule a new item of `domain` in `district`, else at `address`, would hit."""
    return config_checks.preview_route(
        rules=pure_rules(session),
        districts=known_districts(session),
        domain=domain,
        district=district.strip() or None,
        address=address,
    )


def check_unit(session: Session, unit_id: int, field: str = "unit_id") -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.is_active:
        raise ValidationFailed.absent(field, "unit", unit_id, state="inactive")
    return unit


def _rule_summary(rule: RoutingRule) -> dict[str, object]:
    return rule.model_dump(exclude={"id"}, mode="json")


def create_routing_rule(
    session: Session, *, data: RoutingRuleCreate, actor: str, now: datetime
) -> RoutingRule:
    advisory_lock(session, CONFIG_LOCK)
    check_unit(session, data.unit_id)
    config_checks.check_routing_rule(session, data, rule_id=None)
    rule = RoutingRule.model_validate(data.model_dump())
    session.add(rule)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.routing.create",
        entity_type="complaint_routing_rule",
        entity_id=rule.id,
        after=_rule_summary(rule),
    )
    session.commit()
    return rule


def get_routing_rule(session: Session, *, rule_id: int) -> RoutingRule:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"routing rule {rule_id} not found")
    return rule


def update_routing_rule(
    session: Session, *, rule_id: int, data: RoutingRuleCreate, actor: str, now: datetime
) -> RoutingRule:
    advisory_lock(session, CONFIG_LOCK)
    rule = get_routing_rule(session, rule_id=rule_id)
    check_unit(session, data.unit_id)
    config_checks.check_routing_rule(session, data, rule_id=rule_id)
    before = _rule_summary(rule)
    for name, value in data.model_dump().items():
        setattr(rule, name, value)
    session.add(rule)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.routing.update",
        entity_type="complaint_routing_rule",
        entity_id=rule.id,
        before=before,
        after=_rule_summary(rule),
    )
    session.commit()
    return rule


def delete_routing_rule(session: Session, *, rule_id: int, actor: str, now: datetime) -> None:
    advisory_lock(session, CONFIG_LOCK)
    rule = get_routing_rule(session, rule_id=rule_id)
    before = _rule_summary(rule)
    session.delete(rule)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.routing.delete",
        entity_type="complaint_routing_rule",
        entity_id=rule_id,
        before=before,
    )
    session.commit()


# ---- unit profiles ---------------------------------------------------------------------------


def get_profile(session: Session, *, unit_id: int) -> UnitProfile:
    check_unit(session, unit_id)
    return session.get(UnitProfile, unit_id) or UnitProfile(unit_id=unit_id)


def _check_person(session: Session, person_id: int | None, field: str) -> None:
    if person_id is None:
        return
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        raise ValidationFailed.absent(field, "person", person_id, state="inactive")


def _check_group(group: str | None, groups: frozenset[str]) -> None:
    if group is not None and group not in groups:
        raise ValidationFailed(
            "supervisor_group",
            f"unknown group {group!r}; one of {sorted(groups)}",
            type="unknown_group",
            ctx={"groups": ", ".join(sorted(groups))},
        )


def set_profile(
    session: Session,
    *,
    unit_id: int,
    data: UnitProfileUpdate,
    groups: frozenset[str],
    actor: str,
    now: datetime,
) -> UnitProfile:
    """Set a handling unit's complaint contact, supervisor, group and intake; audited, commits
    once. `groups` are the group channels a supervision notice can reach
    (`escalation.plans.known_groups`: the configured group webhooks and the leadership group,
    which the local outbox shows when no robot is configured for it); any other group is a 422
    naming `supervisor_group`, since its notices would reach nobody. With no group webhook
    configured (dev, demo) only the leadership group is accepted, as in the emergency plans.
    """
    advisory_lock(session, CONFIG_LOCK)
    check_unit(session, unit_id)
    _check_group(data.supervisor_group, groups)
    _check_person(session, data.contact_person_id, "contact_person_id")
    _check_person(session, data.supervisor_person_id, "supervisor_person_id")
    config_checks.check_stops_taking_items(
        session, unit_id=unit_id, accepts_items=data.accepts_items
    )
    profile = session.get(UnitProfile, unit_id)
    before = None if profile is None else profile.model_dump(mode="json")
    if profile is None:
        profile = UnitProfile(unit_id=unit_id)
    for name, value in data.model_dump().items():
        setattr(profile, name, value)
    session.add(profile)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.unit_profile.set",
        entity_type="unit",
        entity_id=unit_id,
        before=before,
        after=profile.model_dump(mode="json"),
    )
    session.commit()
    return profile
