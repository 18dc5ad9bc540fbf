"""Territory by the platform rules of DOMAIN.md §4, first-received, and the routing table's
precedence (level override, district+domain, district, domain, default)."""

from __future__ import annotations

import pytest

from complaints.routing import Addresses, Rule, district_in, route, territory
from complaints.vocab import Domain, ItemType, SaleMode

DISTRICTS = ["城东区", "城西区", "城南区", "高新区"]
A = Addresses(
    respondent="城东区幸福路88号",
    registered="城西区工业园8号",
    platform_shown="城南区电商园1号",
    platform_domicile="高新区科技大道1号",
    occurred="城西区民生路5号",
    submitter="城南区和平路1号",
)


@pytest.mark.parametrize(
    ("item_type", "mode", "addresses", "district", "source"),
    [
        (ItemType.complaint, SaleMode.offline, A, "城东区", "respondent"),
        (
            ItemType.complaint,
            SaleMode.offline,
            Addresses(registered=A.registered),
            "城西区",
            "registered",
        ),
        (ItemType.complaint, SaleMode.own_website, A, "城西区", "registered"),
        (ItemType.complaint, SaleMode.platform_operator, A, "城西区", "registered"),
        (ItemType.complaint, SaleMode.platform_merchant, A, "城南区", "platform_shown"),
        (
            ItemType.complaint,
            SaleMode.platform_merchant,
            Addresses(respondent=A.respondent, platform_domicile=A.platform_domicile),
            "高新区",
            "platform_domicile",
        ),
        (ItemType.report, SaleMode.offline, A, "城西区", "occurred"),
        (
            ItemType.report,
            SaleMode.platform_merchant,
            Addresses(
                respondent=A.respondent,
                platform_shown=A.platform_shown,
                platform_domicile=A.platform_domicile,
            ),
            "城东区",
            "respondent",
        ),
        (
            ItemType.report,
            SaleMode.platform_merchant,
            Addresses(platform_domicile=A.platform_domicile),
            "高新区",
            "platform_domicile",
        ),
        # online reports follow the platform rules, not where the conduct was felt (XCCX
        # Art. 9); that counts only when nothing else names a district
        (ItemType.report, SaleMode.platform_merchant, A, "城东区", "respondent"),
        (
            ItemType.report,
            SaleMode.own_website,
            Addresses(occurred=A.submitter, registered=A.registered),
            "城西区",
            "registered",
        ),
        (
            ItemType.report,
            SaleMode.platform_operator,
            Addresses(occurred=A.submitter, respondent=A.respondent, registered=A.registered),
            "城西区",
            "registered",
        ),
        (
            ItemType.report,
            SaleMode.own_website,
            Addresses(occurred=A.submitter, registered="外省某地"),
            "城南区",
            "occurred",
        ),
        (
            ItemType.consultation,
            SaleMode.offline,
            Addresses(submitter=A.submitter),
            "城南区",
            "submitter",
        ),
        (ItemType.complaint, SaleMode.offline, Addresses(respondent="外省某地"), None, "unknown"),
    ],
)
def test_territory(
    item_type: ItemType, mode: SaleMode, addresses: Addresses, district: str | None, source: str
) -> None:
    found = territory(item_type=item_type, sale_mode=mode, addresses=addresses, districts=DISTRICTS)
    assert (found.district, found.source) == (district, source)


def test_first_received_wins_among_qualifying_districts() -> None:
    found = territory(
        item_type=ItemType.complaint,
        sale_mode=SaleMode.offline,
        addresses=A,
        districts=DISTRICTS,
        received_by="城西区",
    )
    assert found.district == "城西区" and found.source == "first_received:registered"
    assert found.candidates == (("城东区", "respondent"), ("城西区", "registered"))
    outsider = territory(
        item_type=ItemType.complaint,
        sale_mode=SaleMode.offline,
        addresses=A,
        districts=DISTRICTS,
        received_by="高新区",  # not a qualifying district: ignored
    )
    assert outsider.district == "城东区"


def test_district_names_are_found_in_addresses() -> None:
    assert district_in("本市城东区幸福路", DISTRICTS) == "城东区"
    assert district_in("城东幸福路88号", DISTRICTS) == "城东区"  # the short name, unambiguous
    assert district_in("", DISTRICTS) is None
    assert district_in("新城东区路", ["城东区", "新城东区"]) == "新城东区"  # longest first


RULES = [
    Rule(1, "城东区", None, 10),
    Rule(2, "城东区", Domain.food, 11),
    Rule(3, None, Domain.drugs, 12, overrides_territory=True),
    Rule(4, None, Domain.price, 13),
    Rule(5, None, None, 99, priority=1000),
    Rule(6, "城东区", None, 14, priority=200),
]


@pytest.mark.parametrize(
    ("district", "domain", "unit", "tier"),
    [
        ("城东区", Domain.food, 11, "district+domain"),
        ("城东区", Domain.advertising, 10, "district"),  # priority 100 beats 200
        ("城东区", Domain.drugs, 12, "override"),
        ("城东区", Domain.price, 10, "district"),  # no override flag: territory first
        ("城西区", Domain.price, 13, "domain"),
        ("城西区", Domain.other, 99, "default"),
        (None, Domain.other, 99, "default"),
    ],
)
def test_routing_precedence(district: str | None, domain: Domain, unit: int, tier: str) -> None:
    decision = route(RULES, district=district, domain=domain)
    assert (decision.unit_id, decision.tier) == (unit, tier)


def test_no_rule_no_unit() -> None:
    decision = route([Rule(1, "城东区", None, 10)], district="城西区", domain=Domain.food)
    assert decision.unit_id is None and decision.tier == "none"
