"""Refusals of configuration that would silently break classification or routing, and the
routing preview an administrator checks a change with.

A routing rule must name a unit that takes complaint items (its profile's `accepts_items`; so
must a person distributing or re-routing an item by hand, or naming its unit at intake),
a level override must name its domain (without one it is an ordinary catch-all rule), and
two active rules for the same territory × domain in the same tier must differ in priority
(otherwise the older one wins by its id, which nobody chose). A unit that active rules send
items to cannot stop taking them. Terms: see `check_term`; a rule set's limits: see
`check_limits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from complaints import classify, routing
from complaints.clocks import RuleLimits
from complaints.config_models import ComplaintRuleSet, RoutingRule, TermKind, UnitProfile
from complaints.config_schemas import RoutingRuleCreate, RuleSetUpdate, TermCreate
from complaints.vocab import Domain, ItemType
from core.errors import Conflict, FieldError, ValidationFailed

NOT_HANDLING = "this unit does not take complaint items"
OVERRIDE_NEEDS_DOMAIN = "a level override needs its domain"
SAME_PRIORITY = "another active rule for this territory and domain has the same priority"
STILL_ROUTED = "active routing rules send items to this unit"
DOMAIN_TERM_NEEDS_DOMAIN = "a domain term needs its domain"
ONLY_DOMAIN_TERMS = "only a domain term names a domain"
ONLY_EMERGENCY_TERMS = "only an emergency term names an incident category or severity"
NO_RULE_SET = "no active rule set would be in force today"
NEVER_MATCHES = "the classifier splits texts at spaces and punctuation: this term never matches"
#: A 12345 order's steps inside its reply (办理回复) limit, which runs from the dispatch as
#: they do: (field, error type, why)
WITHIN_REPLY = (
    ("order_sign_for_wd", "sign_for_after_reply", "signing for must not take longer than"),
    ("order_return_wd", "return_after_reply", "the return window must not be longer than"),
    ("order_urgent_reply_wd", "urgent_after_reply", "urgent orders must not get longer than"),
)


def takes_items(session: Session, unit_id: int) -> bool:
    profile = session.get(UnitProfile, unit_id)
    return profile is None or profile.accepts_items


def check_takes_items(session: Session, unit_id: int, field: str = "unit_id") -> None:
    """422 naming `field` when items are sent to a unit marked as taking none (a routing
    rule, or a person distributing or re-routing an item by hand)."""
    if not takes_items(session, unit_id):
        raise ValidationFailed(field, NOT_HANDLING)


def units_taking_no_items(session: Session) -> set[int]:
    return {
        p.unit_id
        for p in session.exec(
            select(UnitProfile).where(col(UnitProfile.accepts_items).is_(False))
        ).all()
    }


def check_routing_rule(session: Session, data: RoutingRuleCreate, *, rule_id: int | None) -> None:
    """422/409 for a rule that would send items nowhere useful or tie with another rule."""
    if data.overrides_territory and data.domain is None:
        raise ValidationFailed("domain", OVERRIDE_NEEDS_DOMAIN)
    check_takes_items(session, data.unit_id)
    if not data.is_active:
        return
    tie = session.exec(
        select(RoutingRule.id).where(
            col(RoutingRule.is_active).is_(True),
            col(RoutingRule.district).is_(None)
            if data.district is None
            else RoutingRule.district == data.district,
            col(RoutingRule.domain).is_(None)
            if data.domain is None
            else RoutingRule.domain == data.domain,
            RoutingRule.overrides_territory == (data.overrides_territory and bool(data.domain)),
            RoutingRule.priority == data.priority,
            col(RoutingRule.id) != (rule_id or 0),
        )
    ).first()
    if tie is not None:
        raise Conflict(
            f"routing rule {tie} already covers this territory and domain with priority "
            f"{data.priority}: give one of them another priority",
            errors=(FieldError("priority", SAME_PRIORITY),),
        )


def check_stops_taking_items(session: Session, *, unit_id: int, accepts_items: bool) -> None:
    """409 when a unit that active routing rules name is marked as not taking items."""
    if accepts_items:
        return
    rules = session.exec(
        select(RoutingRule.id).where(
            RoutingRule.unit_id == unit_id, col(RoutingRule.is_active).is_(True)
        )
    ).all()
    if rules:
        named = ", ".join(f"#{r}" for r in sorted(r for r in rules if r is not None))
        raise Conflict(
            f"routing rules {named} send items to unit {unit_id}: change them first",
            errors=(FieldError("accepts_items", STILL_ROUTED),),
        )


def check_term(data: TermCreate) -> None:
    """422 for a term the classifier would never find, or whose extra fields it ignores."""
    if not classify.findable(data.term):
        raise ValidationFailed("term", NEVER_MATCHES)
    if data.kind is TermKind.domain and data.domain is None:
        raise ValidationFailed("domain", DOMAIN_TERM_NEEDS_DOMAIN)
    if data.kind is not TermKind.domain and data.domain is not None:
        raise ValidationFailed("domain", ONLY_DOMAIN_TERMS)
    if data.kind is not TermKind.emergency:
        for name in ("incident_category", "severity"):
            if getattr(data, name) is not None:
                raise ValidationFailed(name, ONLY_EMERGENCY_TERMS)


def shortest_order_reply(limits: RuleLimits) -> int:
    """The shortest 12345 reply limit any item type gets (by type, else `order_reply_wd`)."""
    return min(limits.order_reply_by_type.get(t, limits.order_reply_wd) for t in ItemType)


def check_limits(limits: RuleLimits) -> None:
    """422 for limits whose steps contradict each other: a 12345 order signed for, returned
    or (when urgent) replied to later than its reply falls due (DOMAIN.md §3: sign-for 1,
    return 2, reply 5 working days; urgent orders the same day). Each bound alone is the
    schema's (no zero or negative handling limit)."""
    reply = shortest_order_reply(limits)
    for name, kind, why in WITHIN_REPLY:
        value = getattr(limits, name)
        if value is not None and value > reply:
            raise ValidationFailed(
                f"limits.{name}",
                f"{why} the 12345 reply limit ({reply} working days)",
                type=kind,
                ctx={"le": reply},
            )


@dataclass(frozen=True)
class RoutePreview:
    district: str | None
    district_source: str  # "given", "address" or "unknown"
    domain: Domain
    decision: routing.Decision


def preview_route(
    *,
    rules: list[routing.Rule],
    districts: list[str],
    domain: Domain,
    district: str | None = None,
    address: str = "",
) -> RoutePreview:
    """Which rule a new item of `domain` would hit: in `district`, else in the known district
    the address names (as registration reads an address, `routing.district_in`)."""
    source = "given" if district else "unknown"
    if not district and address.strip():
        district = routing.district_in(address, districts)
        source = "address" if district else "unknown"
    decision = routing.route(rules, district=district or None, domain=domain)
    return RoutePreview(district or None, source, domain, decision)


def check_rule_set_in_force(session: Session, *, day: date, data: RuleSetUpdate) -> None:
    """409 when an edit leaves no active rule set in force on `day`: every registration
    would then be refused ("no rule set is in force")."""
    in_force = session.exec(
        select(ComplaintRuleSet.id).where(
            col(ComplaintRuleSet.is_active).is_(True), ComplaintRuleSet.effective_from <= day
        )
    ).first()
    if in_force is None:
        field = "is_active" if data.is_active is False else "effective_from"
        raise Conflict(
            f"no active rule set would be in force on {day.isoformat()}: items could not be "
            "registered",
            errors=(FieldError(field, NO_RULE_SET),),
        )
