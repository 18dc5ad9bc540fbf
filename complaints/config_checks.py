"""Refusals of configuration that would silently break classification or routing, and the
routing preview an administrator checks a change with.

A routing rule must name a unit that takes complaint items (its profile's `accepts_items`; so
must a person distributing or re-routing an item by hand, or naming its unit at intake),
a level override must name its domain (without one it is an ordinary catch-all rule), and
two active rules for the same territory × domain in the same tier must differ in priority
(otherwise the older one wins by its id, which nobody chose). A unit that active rules send
items to cannot stop taking them. Terms: see `check_term`; a rule set's limits: see
`check_limits`; deleting a rule set: see `deletion_refusals`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from complaints import classify, routing
from complaints.clocks import RuleLimits
from complaints.config_models import ComplaintRuleSet, RoutingRule, TermKind, UnitProfile
from complaints.config_schemas import RoutingRuleCreate, RuleSetUpdate, TermCreate
from complaints.models import Complaint
from complaints.vocab import Domain, ItemType
from core.errors import Conflict, FieldError, ValidationFailed
from oncall.models import Unit

NOT_HANDLING = "this unit does not take complaint items"
OVERRIDE_NEEDS_DOMAIN = "a level override needs its domain"
SAME_PRIORITY = "another active rule for this territory and domain has the same priority"
STILL_ROUTED = "active routing rules send items to this unit"
DOMAIN_TERM_NEEDS_DOMAIN = "a domain term needs its domain"
ONLY_DOMAIN_TERMS = "only a domain term names a domain"
ONLY_EMERGENCY_TERMS = "only an emergency term names an incident category or severity"
NO_RULE_SET = "no active rule set would be in force today"
PART_OF_DISTRICT = "part of the name of a known district: write the district's whole name"
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
    if data.district is not None:
        check_whole_district(session, data.district, rule_id=rule_id)
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


def check_whole_district(session: Session, district: str, *, rule_id: int | None) -> None:
    """422 naming `district` for a part of a known district's name ("城北" for 城北区): an
    item's district is the longest known name its address contains, so an address naming
    城北区 is read as 城北区 and such a rule never matches it (it would only catch addresses
    that say 城北 without the district, a street 城北路 in any district). Known: the districts
    of active units, of items received and of the other routing rules."""
    known = {
        *session.exec(
            select(Unit.district).where(
                col(Unit.district).is_not(None), col(Unit.is_active).is_(True)
            )
        ).all(),
        *session.exec(
            select(Complaint.district).where(col(Complaint.district).is_not(None)).distinct()
        ).all(),
        *session.exec(
            select(RoutingRule.district).where(
                col(RoutingRule.district).is_not(None), col(RoutingRule.id) != (rule_id or 0)
            )
        ).all(),
    }
    if district in known:
        return
    wholes = sorted(k for k in known if k and district in k)
    if wholes:
        raise ValidationFailed(
            "district",
            PART_OF_DISTRICT,
            type="district_part_of",
            ctx={"district": wholes[0], "districts": "、".join(wholes)},
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


def deletion_refusal(
    rule_set: ComplaintRuleSet, rule_sets: Sequence[ComplaintRuleSet], *, used: int, today: date
) -> FieldError | None:
    """Why `rule_set` (one of `rule_sets`, timing `used` items) may not be deleted, or None.

    Items keep the set they were timed by, and the lookup by receipt day must find a set on
    every day it found one before: the set in force today stays, and an active set stays
    unless another active set starts on or before its first day (that set then times its
    days). An inactive set times no day."""
    if used:
        items = "1 item" if used == 1 else f"{used} items"
        return FieldError("rule_set_id", f"used by {items}", "used_by_items", {"n": used})
    if not rule_set.is_active:
        return None
    active = [r for r in rule_sets if r.is_active]
    started = [r for r in active if r.effective_from <= today]
    if started and max(started, key=lambda r: (r.effective_from, r.id or 0)).id == rule_set.id:
        return FieldError("rule_set_id", "in force today", "in_force_today")
    if not any(r.id != rule_set.id and r.effective_from <= rule_set.effective_from for r in active):
        day = rule_set.effective_from.isoformat()
        return FieldError(
            "rule_set_id",
            f"the only active rule set on {day}: items received then could not be timed",
            "only_rule_set_on",
            {"day": day},
        )
    return None


def deletion_refusals(session: Session, *, today: date) -> dict[int, FieldError | None]:
    """`deletion_refusal` of every rule set, by id."""
    rule_sets = session.exec(select(ComplaintRuleSet)).all()
    used = dict(
        session.exec(
            select(Complaint.rule_set_id, func.count()).group_by(col(Complaint.rule_set_id))
        ).all()
    )
    return {
        r.id: deletion_refusal(r, rule_sets, used=used.get(r.id, 0), today=today)
        for r in rule_sets
        if r.id is not None
    }


def check_deletable(session: Session, *, rule_set: ComplaintRuleSet, today: date) -> None:
    """409 naming `rule_set_id` when `rule_set` may not be deleted, saying why."""
    assert rule_set.id is not None
    refusal = deletion_refusals(session, today=today)[rule_set.id]
    if refusal is not None:
        raise Conflict(
            f"rule set {rule_set.code} cannot be deleted: {refusal.reason}", errors=(refusal,)
        )


@dataclass(frozen=True)
class Dated:
    """A rule set as the receipt-day lookup sees it (`config.rule_set_for`)."""

    id: int
    effective_from: date
    is_active: bool


def dated(rule_sets: Sequence[ComplaintRuleSet]) -> list[Dated]:
    return [Dated(r.id or 0, r.effective_from, r.is_active) for r in rule_sets]


def _set_on(rule_sets: Sequence[Dated], day: date) -> int | None:
    started = [r for r in rule_sets if r.is_active and r.effective_from <= day]
    return max(started, key=lambda r: (r.effective_from, r.id)).id if started else None


def check_items_keep_their_set(
    session: Session,
    *,
    before: Sequence[Dated],
    after: Sequence[Dated],
    changed: int,
    field: str,
    tz: ZoneInfo,
) -> None:
    """409 naming `field` when a rule set's change (`changed`: its id; `before` and `after`:
    every set) would make another set time receipt days on which items were already
    received: those items keep the set they were timed by (running clocks keep their
    length, README), so the rule sets page would say a set times days whose items show
    another. A new set may be dated only after the last item received under the set it
    replaces; a set may not move its start past items it times."""
    boundaries = sorted({r.effective_from for r in [*before, *after]})
    for start, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        then, now = _set_on(before, start), _set_on(after, start)
        if then == now:
            continue
        query = select(
            Complaint.rule_set_id,
            func.count(),
            func.min(Complaint.received_at),
            func.max(Complaint.received_at),
        ).where(col(Complaint.received_at) >= datetime.combine(start, time(0), tz))
        if following is not None:
            query = query.where(
                col(Complaint.received_at) < datetime.combine(following, time(0), tz)
            )
        if now is not None:
            query = query.where(Complaint.rule_set_id != now)
        rows = session.exec(query.group_by(col(Complaint.rule_set_id))).all()
        if not rows:
            continue
        rule_set_id, n, first, last = max(rows, key=lambda row: row[1])
        kept = session.get(ComplaintRuleSet, rule_set_id)
        first_day = _local_day(first, tz)
        last_day = _local_day(last, tz)
        ctx: dict[str, str | int | float] = {
            "n": sum(int(row[1]) for row in rows),
            "code": kept.code if kept else str(rule_set_id),
            "first": first_day.isoformat(),
            "last": last_day.isoformat(),
            "next": (last_day + timedelta(days=1)).isoformat(),
        }
        items = "1 item" if ctx["n"] == 1 else f"{ctx['n']} items"
        if rule_set_id == changed:
            reason, kind = (
                f"{items} received from {ctx['first']} are timed by this rule set "
                f"and keep it: it must start on or before {ctx['first']}",
                "items_keep_this_rule_set",
            )
        else:
            reason, kind = (
                f"{items} received {ctx['first']} – {ctx['last']} are timed by "
                f"{ctx['code']} and keep it: date this rule set from {ctx['next']} or later",
                "items_keep_rule_set",
            )
        raise Conflict(reason, errors=(FieldError(field, reason, kind, ctx),))


def _local_day(instant: datetime, tz: ZoneInfo) -> date:
    if instant.tzinfo is None:  # SQLite hands back naive UTC
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(tz).date()
