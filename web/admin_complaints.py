"""Administration of complaint handling: the classifier's term dictionary (with a try-it box
on the intake form's own suggestion endpoint), the routing rules (with the rule a new item
would hit), the handling units' contacts and supervisors, and the rule sets' limits.

The pages list what `complaints.config` / `complaints.terms` hold; every change is a form
posted by `static/app.js` to `/api/v1/complaint-config/...`, so validation, refusals at the
field and the audit are the API's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, select

from api.deps import ClockDep, SessionDep, SettingsDep
from complaints import config, config_checks, terms
from complaints.config_models import ClassificationTerm, RoutingLevel, TermKind, UnitProfile
from complaints.config_schemas import RuleSetPublic
from complaints.vocab import Domain, ItemType, RejectionGround
from core.users import Permission
from escalation import plans
from oncall import directory, unit_directory
from web.actor_labels import names_of
from web.complaints import classify_labels
from web.i18n import locale_of
from web.labels import LABELS
from web.params import EmptyIsNone
from web.render import fragment, page_instead, render
from web.rule_limit_fields import UNITS, limit_fields
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
Configurer = Annotated[WebUser, Depends(RequirePage(Permission.complaint_configure))]
Text = Annotated[str, Query(max_length=200)]
KindQuery = Annotated[TermKind | None, Query(), EmptyIsNone]
DomainQuery = Annotated[Domain | None, Query(), EmptyIsNone]
INCIDENT_CATEGORIES = tuple(LABELS["category"])
SEVERITIES = ("I", "II", "III", "IV")


def matching_terms(
    rows: list[ClassificationTerm], *, q: str, kind: TermKind | None, domain: Domain | None
) -> list[ClassificationTerm]:
    """The dictionary rows the filter form asks for (text contained in the term)."""
    needle = q.strip()
    return [
        r
        for r in rows
        if (not needle or needle in r.term)
        and (kind is None or r.kind is kind)
        and (domain is None or r.domain is domain)
    ]


def _terms_context(
    session: Session, q: str, kind: TermKind | None, domain: Domain | None
) -> dict[str, object]:
    rows = terms.list_terms(session)
    asked = {
        "q": q.strip(),
        "kind": kind.value if kind else "",
        "domain": domain.value if domain else "",
    }
    query = urlencode({name: value for name, value in asked.items() if value})
    return {
        "terms": matching_terms(rows, q=q, kind=kind, domain=domain),
        "total": len(rows),
        "q": q,
        "kind": kind,
        "domain": domain,
        "query": query,
        "kinds": list(TermKind),
        "domains": list(Domain),
        "categories": INCIDENT_CATEGORIES,
        "severities": SEVERITIES,
    }


@router.get("/admin/terms")
def terms_page(
    request: Request,
    session: SessionDep,
    user: Configurer,
    q: Text = "",
    kind: KindQuery = None,
    domain: DomainQuery = None,
) -> HTMLResponse:
    context = _terms_context(session, q, kind, domain) | classify_labels(locale_of(request))
    return render(request, "admin/terms.html", context, user=user)


@router.get("/admin/terms/rows")
def terms_rows(
    request: Request,
    session: SessionDep,
    _: Configurer,
    q: Text = "",
    kind: KindQuery = None,
    domain: DomainQuery = None,
) -> Response:
    """The dictionary table and its add form, refreshed after a change; opened directly,
    the dictionary page with the same filters."""
    if (redirect := page_instead(request, "/admin/terms", keep_query=True)) is not None:
        return redirect
    return fragment(request, "admin/_terms.html", _terms_context(session, q, kind, domain))


@router.get("/admin/routing")
def routing_page(
    request: Request,
    session: SessionDep,
    user: Configurer,
    domain: DomainQuery = None,
    district: Text = "",
    address: Text = "",
) -> HTMLResponse:
    units = unit_directory.list_units(session, include_inactive=True)
    preview = None
    if domain is not None:
        preview = config.preview_route(session, domain=domain, district=district, address=address)
    context = {
        "rules": config.list_routing_rules(session),
        "units": [u for u in units if u.is_active],
        "unit_names": {u.id: u.name for u in units},
        "not_taking": config_checks.units_taking_no_items(session),
        "districts": config.known_districts(session),
        "domains": list(Domain),
        "levels": list(RoutingLevel),
        "preview": preview,
        "ask": {"domain": domain, "district": district, "address": address},
    }
    return render(request, "admin/routing.html", context, user=user)


@router.get("/admin/units")
def units_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: Configurer
) -> HTMLResponse:
    profiles = {p.unit_id: p for p in session.exec(select(UnitProfile)).all()}
    people = directory.list_people(session)
    context = {
        "units": unit_directory.list_units(session),
        # the groups a unit may name: what the API accepts (complaints.config.set_profile)
        "groups": sorted(plans.known_groups(settings.group_webhooks)),
        "profiles": profiles,
        "people": people,
        "person_names": {
            p.id: p.name for p in directory.list_people(session, include_inactive=True)
        },
    }
    return render(request, "admin/units.html", context, user=user)


def rule_set_in_force(rule_sets: list[RuleSetPublic], day: date) -> int | None:
    """The id of the active rule set with the latest start not after `day` (as registration
    chooses, `config.rule_set_for`)."""
    candidates = [r for r in rule_sets if r.is_active and r.effective_from <= day]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.effective_from, r.id)).id


@dataclass(frozen=True)
class InForce:
    start: date
    end: date | None  # the last day; None: no later set replaces it yet


def in_force_periods(rule_sets: list[RuleSetPublic]) -> dict[int, InForce | None]:
    """The receipt days each rule set times, as `rule_set_in_force` chooses: from its start to
    the day before the next active set starts. None: inactive, or outranked from its first day
    by a later-made set starting the same day."""
    periods: dict[int, InForce | None] = {r.id: None for r in rule_sets}
    active = sorted((r for r in rule_sets if r.is_active), key=lambda r: (r.effective_from, r.id))
    for current, following in zip(active, [*active[1:], None], strict=True):
        if following is None:
            periods[current.id] = InForce(current.effective_from, None)
        elif following.effective_from > current.effective_from:
            end = following.effective_from - timedelta(days=1)
            periods[current.id] = InForce(current.effective_from, end)
    return periods


@router.get("/admin/rule-sets")
def rule_sets_page(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: Configurer
) -> HTMLResponse:
    today = clock.now().astimezone(settings.tz).date()
    rule_sets = [config.rule_set_public(r) for r in config.list_rule_sets(session)]
    context = {
        "rule_sets": rule_sets,
        "actor_names": names_of(session, [r.updated_by for r in rule_sets]),
        "in_force": rule_set_in_force(rule_sets, today),
        "periods": in_force_periods(rule_sets),
        "deletable": {
            rule_set_id
            for rule_set_id, why in config_checks.deletion_refusals(session, today=today).items()
            if why is None
        },
        "fields": limit_fields(),
        "units": UNITS,
        "item_types": list(ItemType),
        "grounds": list(RejectionGround),
    }
    return render(request, "admin/rule_sets.html", context, user=user)
