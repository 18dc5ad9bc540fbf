"""Territory and routing (pure; DOMAIN.md §4).

Territory: which district's bureau has jurisdiction, from the addresses an item carries.
- Complaints (O121 Arts. 13–14): where the respondent actually operates, or its domicile
  (both qualify); platform and own-website sellers: their domicile; merchants on a
  platform: the address shown on the platform, else the platform's domicile.
- Reports (Arts. 29–32; XCCX Arts. 8–9): where the conduct occurred (`occurred_address`),
  else the respondent's place of operation, else its domicile. Online the platform rules
  apply instead: platform and own-website sellers by their domicile (else their place of
  operation), an in-platform merchant by its actual place of operation, else the platform's
  domicile; where the conduct was felt (`occurred_address`, often the buyer's home) counts
  only when none of these names a district.
- Other items: the respondent's or the occurred address, else the submitter's address.
When several districts qualify, the one that received the item first wins (Art. 14): the
caller passes `received_by` (e.g. the bureau a municipal dispatch named); without it the
first candidate in the order above is taken.

Routing: the active rules are tried most specific first: a level override for the domain
(`overrides_territory`, e.g. drugs to the city bureau), then district+domain, district+any,
any+domain, any+any. Within a tier, the lowest `priority` and then the lowest id win.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from complaints.vocab import Domain, ItemType, SaleMode


@dataclass(frozen=True)
class Addresses:
    respondent: str = ""
    registered: str = ""
    platform_shown: str = ""
    platform_domicile: str = ""
    occurred: str = ""
    submitter: str = ""


@dataclass(frozen=True)
class Territory:
    district: str | None
    source: str  # which address decided it
    candidates: tuple[tuple[str, str], ...]  # (district, source) in order of precedence


def district_in(address: str, districts: Iterable[str]) -> str | None:
    """The known district named in `address` (the longest name wins; "城东区" also matches
    an address that says "城东" followed by a street, only if unambiguous)."""
    text = address.strip()
    if not text:
        return None
    known = sorted({d for d in districts if d}, key=len, reverse=True)
    for district in known:
        if district in text:
            return district
    short = [d for d in known if len(d) >= 3 and d[-1] in "区县市" and d[:-1] in text]
    return short[0] if len(short) == 1 else None


def _fallback(item_type: ItemType, sale_mode: SaleMode, a: Addresses) -> list[tuple[str, str]]:
    """Addresses used only when none of `_order`'s names a district: the place an online
    seller's conduct was felt is no ground of jurisdiction, but better than none."""
    if item_type is ItemType.report and sale_mode is not SaleMode.offline:
        return [("occurred", a.occurred)]
    return []


def _order(item_type: ItemType, sale_mode: SaleMode, a: Addresses) -> list[tuple[str, str]]:
    if item_type is ItemType.report:
        # XCCX Art. 9: online sellers by their domicile, an in-platform merchant by its actual
        # place of operation (the platform's domicile bureau may act when it received first)
        if sale_mode is SaleMode.platform_merchant:
            return [("respondent", a.respondent), ("platform_domicile", a.platform_domicile)]
        if sale_mode in (SaleMode.own_website, SaleMode.platform_operator):
            return [("registered", a.registered), ("respondent", a.respondent)]
        return [
            ("occurred", a.occurred),
            ("respondent", a.respondent),
            ("registered", a.registered),
        ]
    if item_type is ItemType.complaint:
        if sale_mode is SaleMode.platform_merchant:
            return [
                ("platform_shown", a.platform_shown),
                ("platform_domicile", a.platform_domicile),
            ]
        if sale_mode in (SaleMode.own_website, SaleMode.platform_operator):
            return [("registered", a.registered), ("respondent", a.respondent)]
        return [("respondent", a.respondent), ("registered", a.registered)]
    return [
        ("respondent", a.respondent),
        ("occurred", a.occurred),
        ("registered", a.registered),
        ("platform_shown", a.platform_shown),
        ("submitter", a.submitter),
    ]


def territory(
    *,
    item_type: ItemType,
    sale_mode: SaleMode,
    addresses: Addresses,
    districts: Sequence[str],
    received_by: str | None = None,
) -> Territory:
    candidates: list[tuple[str, str]] = []
    for order in (_order, _fallback):
        for source, address in order(item_type, sale_mode, addresses):
            district = district_in(address, districts)
            if district is not None and district not in {c[0] for c in candidates}:
                candidates.append((district, source))
        if candidates:
            break
    if not candidates:
        return Territory(None, "unknown", ())
    if received_by is not None:
        for district, source in candidates:
            if district == received_by:
                return Territory(district, f"first_received:{source}", tuple(candidates))
    district, source = candidates[0]
    return Territory(district, source, tuple(candidates))


@dataclass(frozen=True)
class Rule:
    id: int
    district: str | None
    domain: Domain | None
    unit_id: int
    overrides_territory: bool = False
    priority: int = 100


@dataclass(frozen=True)
class Decision:
    unit_id: int | None
    rule_id: int | None
    tier: str  # override, district+domain, district, domain, default, none


def _tier(rule: Rule, district: str | None, domain: Domain) -> int | None:
    if rule.domain is not None and rule.domain is not domain:
        return None
    if rule.district is not None and rule.district != district:
        return None
    if rule.overrides_territory and rule.domain is not None:
        return 0
    if rule.district is not None and rule.domain is not None:
        return 1
    if rule.district is not None:
        return 2
    if rule.domain is not None:
        return 3
    return 4


TIERS = ("override", "district+domain", "district", "domain", "default")


def route(rules: Iterable[Rule], *, district: str | None, domain: Domain) -> Decision:
    best: tuple[int, int, int, Rule] | None = None
    for rule in rules:
        tier = _tier(rule, district, domain)
        if tier is None:
            continue
        key = (tier, rule.priority, rule.id, rule)
        if best is None or key[:3] < best[:3]:
            best = key
    if best is None:
        return Decision(None, None, "none")
    return Decision(best[3].unit_id, best[3].id, TIERS[best[0]])
