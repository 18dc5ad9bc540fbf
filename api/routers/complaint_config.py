"""Complaint configuration (admin): rule sets with their [U] limits, routing rules,
the classifier's term dictionary and the handling units' contact/supervisor profiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from api.deps import ClockDep, ComplaintConfigurer, ComplaintReader, SessionDep, SettingsDep
from complaints import clocks, config, terms
from complaints.config_schemas import (
    RoutePreviewPublic,
    RoutingRuleCreate,
    RoutingRulePublic,
    RuleSetCreate,
    RuleSetPreset,
    RuleSetPublic,
    RuleSetUpdate,
    TermCreate,
    TermPublic,
    UnitProfilePublic,
    UnitProfileUpdate,
)
from complaints.vocab import Domain
from core.types import MAX_ID
from escalation import plans
from oncall.models import Unit

router = APIRouter(prefix="/api/v1/complaint-config", tags=["complaint configuration"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/rule-sets", summary="Rule sets (Order 121 default, Order 20 historical)")
def list_rule_sets(session: SessionDep, _: ComplaintReader) -> list[RuleSetPublic]:
    return [config.rule_set_public(r) for r in config.list_rule_sets(session)]


@router.get("/rule-set-presets", summary="Limits to start a local rule set from (e.g. Beijing)")
def list_rule_set_presets(_: ComplaintReader) -> list[RuleSetPreset]:
    return [
        RuleSetPreset(code=code, name=name, limits=limits)
        for code, (name, limits) in clocks.PRESETS.items()
    ]


@router.post("/rule-sets", status_code=status.HTTP_201_CREATED, summary="Add a dated rule set")
def create_rule_set(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintConfigurer,
    body: RuleSetCreate,
) -> RuleSetPublic:
    rule_set = config.create_rule_set(
        session, data=body, actor=who.name, now=clock.now(), tz=settings.tz
    )
    return config.rule_set_public(rule_set)


@router.patch("/rule-sets/{rule_set_id}", summary="Edit a rule set's local [U] limits (audited)")
def update_rule_set(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintConfigurer,
    rule_set_id: Id,
    body: RuleSetUpdate,
) -> RuleSetPublic:
    rule_set = config.update_rule_set(
        session,
        rule_set_id=rule_set_id,
        data=body,
        actor=who.name,
        now=clock.now(),
        tz=settings.tz,
    )
    return config.rule_set_public(rule_set)


@router.delete(
    "/rule-sets/{rule_set_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a rule set no item uses that no receipt day needs (409 says why not)",
)
def delete_rule_set(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintConfigurer,
    rule_set_id: Id,
) -> Response:
    now = clock.now()
    config.delete_rule_set(
        session,
        rule_set_id=rule_set_id,
        actor=who.name,
        now=now,
        today=now.astimezone(settings.tz).date(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/routing-rules", summary="Territory × domain → handling unit")
def list_routing_rules(session: SessionDep, _: ComplaintReader) -> list[RoutingRulePublic]:
    return [RoutingRulePublic.model_validate(r) for r in config.list_routing_rules(session)]


@router.get("/routing-preview", summary="Which routing rule a new item would hit (stores nothing)")
def preview_routing(
    session: SessionDep,
    _: ComplaintReader,
    domain: Domain,
    district: Annotated[str, Query(max_length=100)] = "",
    address: Annotated[str, Query(max_length=200)] = "",
) -> RoutePreviewPublic:
    found = config.preview_route(session, domain=domain, district=district, address=address)
    unit = session.get(Unit, found.decision.unit_id) if found.decision.unit_id else None
    return RoutePreviewPublic(
        district=found.district,
        district_source=found.district_source,
        domain=found.domain,
        rule_id=found.decision.rule_id,
        unit_id=found.decision.unit_id,
        unit_name=unit.name if unit else None,
        tier=found.decision.tier,
    )


@router.post("/routing-rules", status_code=status.HTTP_201_CREATED, summary="Add a routing rule")
def create_routing_rule(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, body: RoutingRuleCreate
) -> RoutingRulePublic:
    rule = config.create_routing_rule(session, data=body, actor=who.name, now=clock.now())
    return RoutingRulePublic.model_validate(rule)


@router.put("/routing-rules/{rule_id}", summary="Replace a routing rule")
def update_routing_rule(
    session: SessionDep,
    clock: ClockDep,
    who: ComplaintConfigurer,
    rule_id: Id,
    body: RoutingRuleCreate,
) -> RoutingRulePublic:
    rule = config.update_routing_rule(
        session, rule_id=rule_id, data=body, actor=who.name, now=clock.now()
    )
    return RoutingRulePublic.model_validate(rule)


@router.delete(
    "/routing-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a rule"
)
def delete_routing_rule(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, rule_id: Id
) -> Response:
    config.delete_routing_rule(session, rule_id=rule_id, actor=who.name, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/terms", summary="The classifier's term dictionary")
def list_terms(session: SessionDep, _: ComplaintReader) -> list[TermPublic]:
    return [TermPublic.model_validate(t) for t in terms.list_terms(session)]


@router.post("/terms", status_code=status.HTTP_201_CREATED, summary="Add a term")
def create_term(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, body: TermCreate
) -> TermPublic:
    term = terms.create_term(session, data=body, actor=who.name, now=clock.now())
    return TermPublic.model_validate(term)


@router.put("/terms/{term_id}", summary="Replace a term")
def update_term(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, term_id: Id, body: TermCreate
) -> TermPublic:
    term = terms.update_term(session, term_id=term_id, data=body, actor=who.name, now=clock.now())
    return TermPublic.model_validate(term)


@router.delete("/terms/{term_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a term")
def delete_term(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, term_id: Id
) -> Response:
    terms.delete_term(session, term_id=term_id, actor=who.name, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/units/{unit_id}", summary="A handling unit's complaint contact and supervisor")
def get_unit_profile(session: SessionDep, _: ComplaintReader, unit_id: Id) -> UnitProfilePublic:
    return UnitProfilePublic.model_validate(config.get_profile(session, unit_id=unit_id))


@router.put(
    "/units/{unit_id}",
    summary="Set a handling unit's contact and supervisor",
    description=(
        "`supervisor_group` (also told of supervision notices) must be a configured group "
        "webhook (`DUTYDESK_GROUP_WEBHOOKS`) or the leadership group (shown in the local "
        "outbox without a robot); any other name is a 422 naming the field."
    ),
)
def set_unit_profile(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintConfigurer,
    unit_id: Id,
    body: UnitProfileUpdate,
) -> UnitProfilePublic:
    profile = config.set_profile(
        session,
        unit_id=unit_id,
        data=body,
        groups=plans.known_groups(settings.group_webhooks),
        actor=who.name,
        now=clock.now(),
    )
    return UnitProfilePublic.model_validate(profile)
