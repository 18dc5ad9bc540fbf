"""Registration: required fields by type, the Art. 9 split, classification, routing, clocks,
clusters, the emergency incident and the audit trail, on the real database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from complaints import config, routing, service, timers, triage, views
from complaints.actions import Actor
from complaints.config_models import ComplaintRuleSet
from complaints.models import Complaint, ComplaintCluster, ComplaintEvent
from complaints.service import MissingFields
from complaints.vocab import (
    Channel,
    ClockKind,
    ClockStatus,
    Domain,
    ItemType,
    SaleMode,
    Status,
    Urgency,
    Workflow,
)
from core.audit import list_entries
from core.errors import ValidationFailed
from escalation.models import Incident
from tests.complaint_helpers import Centre, complaint_data, make_centre, report_data
from tests.conftest import T0

STAFF = views.Viewer(confidential=True, mask_names=False, actor=Actor("staff", intake=True))


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _register(session: Session, data: object, now: datetime = T0) -> list[Complaint]:
    assert not isinstance(data, dict)
    return service.register(session, data=data, actor="coordinator", now=now)  # type: ignore[arg-type]


def test_a_complete_complaint_is_registered_routed_and_timed(
    session: Session, centre: Centre
) -> None:
    (item,) = _register(session, complaint_data())
    assert item.ref == f"TS20261123{item.id:07d}"
    assert item.status is Status.registered and item.workflow is Workflow.complaint
    assert item.district == "城东区" and item.district_source == "respondent"
    assert item.unit_id == centre.east_id and item.routing_rule_id is not None
    assert item.domain is Domain.price and not item.domain_confirmed
    assert item.urgency is Urgency.normal and item.priority == 2
    assert item.respondent_key == "name:好再来超市"
    rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
    assert rule_set is not None and rule_set.code == "O121"
    assert item.id is not None
    clocks = {c.kind: c for c in timers.clocks_of(session, item.id)}
    assert set(clocks) == {ClockKind.distribution, ClockKind.acceptance}
    # received Monday 2026-11-23: 7 working days, the start day not counted → Wednesday 12-02
    assert clocks[ClockKind.acceptance].due_on == date(2026, 12, 2)
    assert clocks[ClockKind.distribution].due_on == date(2026, 11, 24)
    assert item.next_due_clock is ClockKind.distribution
    assert item.next_due_at == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 11-25 00:00 local
    entries = list_entries(session, entity_type="complaint", entity_id=str(item.id))
    assert [e.action for e in entries] == ["complaint.register"]
    after = json.loads(entries[0].after or "{}")
    assert after["phone"] == "138****8000" and "13800138000" not in (entries[0].after or "")


def test_missing_fields_are_each_named(session: Session, centre: Centre) -> None:
    data = complaint_data(submitter_phone=None, claim="", respondent_address="", anonymous=True)
    with pytest.raises(MissingFields) as caught:
        _register(session, data)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"submitter_phone", "claim", "respondent_address", "anonymous"}
    assert session.exec(select(Complaint)).first() is None


def test_a_report_needs_its_clue_but_may_be_anonymous(session: Session, centre: Centre) -> None:
    with pytest.raises(MissingFields) as caught:
        _register(session, report_data(clue=""))
    assert [e.field for e in caught.value.errors] == ["clue"]
    (item,) = _register(session, report_data(anonymous=True))
    assert item.anonymous and item.submitter_name == "" and item.submitter_phone is None
    assert item.ref.startswith("JB") and item.workflow is Workflow.report
    assert item.unit_id == centre.west_id  # the place of the conduct
    assert item.id is not None
    (verification,) = [
        c for c in timers.clocks_of(session, item.id) if c.kind is ClockKind.verification
    ]
    assert verification.due_on == date(2026, 12, 14)  # 15 working days


def test_a_complaint_with_a_clue_is_split_into_two_linked_items(
    session: Session, centre: Centre
) -> None:
    complaint, report = _register(
        session, complaint_data(clue="该超市价签与结算价长期不一致，涉嫌价格欺诈")
    )
    assert complaint.item_type is ItemType.complaint and report.item_type is ItemType.report
    assert complaint.linked_item_id == report.id and report.linked_item_id == complaint.id
    assert complaint.clue == "" and report.claim == "" and report.clue.startswith("该超市")
    assert complaint.cluster_id is None  # the two halves of one submission are no cluster


def test_twelve345_orders_need_their_order_number(session: Session, centre: Centre) -> None:
    with pytest.raises(MissingFields) as caught:
        _register(session, complaint_data(channel=Channel.transfer_12345))
    assert [e.field for e in caught.value.errors] == ["external_ref"]
    (order,) = _register(
        session,
        complaint_data(
            channel=Channel.transfer_12345,
            external_ref="GD2026112300042",
            submitter_name="",
            claim="",
        ),
    )
    assert order.workflow is Workflow.order_12345 and order.item_type is ItemType.complaint


def test_platform_merchant_is_routed_by_the_address_shown_on_the_platform(
    session: Session, centre: Centre
) -> None:
    (item,) = _register(
        session,
        complaint_data(
            sale_mode=SaleMode.platform_merchant,
            platform_name="某某商城",
            respondent_address="",
            platform_shown_address="城西区电商产业园3号楼",
            platform_domicile_address="城东区科技大道1号",
        ),
    )
    assert item.district == "城西区" and item.district_source == "platform_shown"
    assert item.unit_id == centre.west_id


def test_drug_complaints_go_to_the_level_override(session: Session, centre: Centre) -> None:
    (item,) = _register(
        session,
        complaint_data(description="在城东区某药店买到假药", claim="退款", domain=Domain.drugs),
    )
    assert item.domain_confirmed and item.unit_id == centre.drugs.id


def test_first_received_district_wins_when_several_qualify(
    session: Session, centre: Centre
) -> None:
    data = complaint_data(respondent_registered_address="城西区工业园8号")
    (item,) = _register(session, data)
    assert item.district == "城东区"  # the place of operation comes first
    (other,) = _register(
        session,
        complaint_data(
            respondent_registered_address="城西区工业园8号", received_by_district="城西区"
        ),
    )
    assert other.district == "城西区" and other.district_source == "first_received:registered"


def test_an_emergency_opens_an_incident_linked_both_ways(session: Session, centre: Centre) -> None:
    (item,) = _register(
        session,
        complaint_data(
            description="城东区幸福路88号好再来超市卖的熟食，全家五口人吃后呕吐腹泻，疑似食物中毒，已送医",
            claim="赔偿医药费",
        ),
    )
    assert item.is_emergency and item.urgency is Urgency.emergency and item.priority == 0
    assert item.incident_id is not None
    incident = session.get(Incident, item.incident_id)
    assert incident is not None and incident.complaint_ref == item.ref
    assert incident.category.value == "food_safety" and incident.place == "城东区幸福路88号"
    assert incident.caller_phone == "+8613800138000"
    classification = json.loads(item.classification_json)
    assert "食物中毒" in classification["emergency_terms"]
    notes = session.exec(
        select(ComplaintEvent.note).where(
            ComplaintEvent.complaint_id == item.id, ComplaintEvent.action == "emergency"
        )
    ).all()
    assert notes == [
        f"紧急件：已开启应急事件 #{incident.id}（食品安全，{incident.severity.value}级）"
    ]


def test_staff_may_flag_an_emergency_the_text_does_not_show(
    session: Session, centre: Centre
) -> None:
    (item,) = _register(session, complaint_data(urgency=Urgency.emergency))
    assert item.is_emergency and item.urgency_confirmed and item.incident_id is not None


def test_items_with_the_same_respondent_phone_or_address_form_a_cluster(
    session: Session, centre: Centre
) -> None:
    (first,) = _register(session, complaint_data())
    (second,) = _register(
        session,
        complaint_data(
            submitter_name="王五",
            submitter_phone="13700137000",
            respondent_name="好再来超市",  # same business, without the legal form
            respondent_address="城东区幸福路八十八号",
        ),
        now=T0 + timedelta(days=3),
    )
    (third,) = _register(
        session,
        complaint_data(respondent_name="别的店", respondent_address="城东区另一条路1号"),
        now=T0 + timedelta(days=4),
    )  # same phone as the first
    assert first.cluster_id is not None
    assert first.cluster_id == second.cluster_id == third.cluster_id
    (late,) = _register(
        session,
        complaint_data(submitter_phone="13600136000", received_at=T0 + timedelta(days=70)),
        now=T0 + timedelta(days=70),
    )
    assert late.cluster_id is None  # outside the 30-day window


@pytest.mark.parametrize("coded", [0, 1, 2])
def test_one_item_with_the_credit_code_joins_the_items_that_name_the_business(
    session: Session, centre: Centre, coded: int
) -> None:
    items = []
    for n in range(3):
        data = complaint_data(
            submitter_phone=f"1370013700{n}",
            respondent_name="好再来超市有限公司",
            respondent_address=f"城东区第{n + 1}大街{n + 10}号某某楼",
            respondent_credit_code="91310000MA1K000001" if n == coded else None,
        )
        (item,) = _register(session, data, now=T0 + timedelta(days=n))
        items.append(item)
    assert items[coded].respondent_key == "usc:91310000MA1K000001"
    assert {i.respondent_name_key for i in items} == {"name:好再来超市"}
    clusters = {i.cluster_id for i in items}
    assert len(clusters) == 1 and None not in clusters
    cluster = session.get(ComplaintCluster, clusters.pop())
    assert cluster is not None and cluster.size == 3 and cluster.reasons == "respondent"


def test_the_same_credit_code_clusters_whatever_the_name(session: Session, centre: Centre) -> None:
    code = "91310000MA1K000002"
    (first,) = _register(session, complaint_data(respondent_credit_code=code))
    (second,) = _register(
        session,
        complaint_data(
            submitter_phone="13700137009",
            respondent_name="好再来便利",
            respondent_address="城东区另一条路99号某某楼",
            respondent_credit_code=code,
        ),
        now=T0 + timedelta(days=1),
    )
    assert first.cluster_id is not None and first.cluster_id == second.cluster_id


def test_a_detail_shows_the_latest_members_of_a_big_cluster(
    session: Session, centre: Centre
) -> None:
    items = [
        _register(session, complaint_data(), now=T0 + timedelta(hours=n))[0] for n in range(13)
    ]
    cluster_id = items[0].cluster_id
    assert cluster_id is not None
    whole = views.cluster_public(session, cluster_id, STAFF)
    assert whole is not None and whole.size == 13
    assert [m.id for m in whole.members] == [i.id for i in items]
    first = items[0]
    assert whole.members[0].model_dump() == {
        "id": first.id,
        "ref": first.ref,
        "item_type": first.item_type,
        "status": first.status,
        "title": first.title,
        "respondent_name": first.respondent_name,
        "received_at": first.received_at,
    }
    latest = views.cluster_public(
        session, cluster_id, STAFF, member_limit=views.DETAIL_CLUSTER_MEMBERS
    )
    assert latest is not None and latest.size == 13
    assert [m.id for m in latest.members] == [i.id for i in items[-views.DETAIL_CLUSTER_MEMBERS :]]


def test_items_received_before_order_121_use_order_20(session: Session, centre: Centre) -> None:
    received = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    (item,) = _register(session, complaint_data(received_at=received))
    rule_set = session.get(ComplaintRuleSet, item.rule_set_id)
    assert rule_set is not None and rule_set.code == "O20"
    assert item.ref.startswith("TS20260302")
    assert item.id is not None
    acceptance = timers.find(session, item.id, ClockKind.acceptance)
    assert acceptance is not None and acceptance.status is ClockStatus.running
    assert item.overdue  # registered late: its acceptance deadline passed long ago


def test_received_at_may_not_lie_in_the_future(session: Session, centre: Centre) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _register(session, complaint_data(received_at=T0 + timedelta(days=1)))
    assert caught.value.errors[0].field == "received_at"


def test_clocks_count_the_official_calendar_with_make_up_days(
    session: Session, centre: Centre
) -> None:
    received = datetime(2026, 2, 13, 2, 0, tzinfo=UTC)  # Friday before the Spring Festival
    (item,) = _register(session, complaint_data(received_at=received), now=received)
    assert item.id is not None
    acceptance = timers.find(session, item.id, ClockKind.acceptance)
    distribution = timers.find(session, item.id, ClockKind.distribution)
    assert acceptance is not None and distribution is not None
    assert distribution.due_on == date(2026, 2, 14)  # a make-up Saturday is a working day
    assert acceptance.due_on == date(2026, 3, 2)  # 02-14, 02-24 … 02-28 (make-up), 03-02


@pytest.mark.parametrize(
    ("why", "manual", "confirmed", "unit", "rule"),
    [
        ("routed, domain unchanged: stays", False, Domain.price, "east", "district"),
        ("manual unit, domain unchanged: kept", True, Domain.price, "west", None),
        ("manual unit, domain changed: kept", True, Domain.drugs, "west", None),
        ("routed, domain changed: re-routed", False, Domain.drugs, "drugs", "override"),
    ],
)
def test_confirming_the_domain_reroutes_only_a_routed_item_whose_domain_changed(
    session: Session,
    centre: Centre,
    why: str,
    manual: bool,
    confirmed: Domain,
    unit: str,
    rule: str | None,
) -> None:
    data = complaint_data(unit_id=centre.west_id) if manual else complaint_data()
    (item,) = _register(session, data)
    assert item.domain is Domain.price
    assert item.id is not None
    triage.confirm(
        session,
        complaint_id=item.id,
        domain=confirmed,
        urgency=None,
        note="",
        actor="coordinator",
        now=T0,
    )
    expected = getattr(centre, unit)
    assert item.unit_id == expected.id, why
    if rule is None:
        assert (item.routing_rule_id, item.routing_note) == (None, "人工指定承办单位"), why
    else:
        routed = routing.route(config.pure_rules(session), district="城东区", domain=confirmed)
        assert routed.unit_id == expected.id
        assert item.routing_rule_id == routed.rule_id, why
        assert item.routing_note.endswith(f"→ 规则 #{routed.rule_id}（{rule}）"), why
