"""Demo complaint handling, seeded by `dutydesk demo` after the roster: routing rules for
the demo districts and domains, the term dictionary, unit profiles and ~40 realistic items
in every workflow and many states (some due soon, some overdue, one emergency linked to an
incident that pages the duty officer, whose initial phone report to the bureau is on record,
so its page shows one reporting clock met and one running). The items themselves are in
`api.demo_complaint_samples`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from api.demo_complaint_samples import EMERGENCY, SAMPLES, STEP_INPUT, TWELVE345, intake_data
from complaints import actions, classify, config, service, supervision, terms
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.config_models import RoutingLevel
from complaints.config_schemas import RoutingRuleCreate, UnitProfileUpdate
from complaints.models import Complaint
from complaints.schemas import ComplaintCreate
from complaints.vocab import Channel, Domain
from complaints.workflow import Action
from core.users import User
from escalation import plans, reporting
from escalation.models import IncidentReportCreate, IncidentReportKind
from oncall.models import Person, Unit

ACTOR = "demo-seed"
DEMO_TZ = ZoneInfo("Asia/Shanghai")  # the demo centre's zone, as in the default settings
STAFF = Actor("demo-seed", intake=True, handle=True, supervise=True)
WALK_STEP = timedelta(hours=20)  # between two workflow steps of a demo item

DISTRICT_UNITS = {
    "城东区": "d-chengdong",
    "城西区": "d-chengxi",
    "城南区": "d-chengnan",
    "城北区": "d-chengbei",
    "高新区": "d-gaoxin",
}
CONTACTS = {
    "d-chengdong": "许涛",
    "d-chengxi": "韩梅",
    "d-chengnan": "冯雷",
    "d-chengbei": "邓华",
    "d-gaoxin": "曹阳",
    "fo-chengdong-dongguan": "彭飞",
    "fo-chengxi-xiguan": "曾敏",
}


def _unit_ids(session: Session) -> dict[str, int]:
    return {u.code: u.id for u in session.exec(select(Unit)).all() if u.id is not None}


def _person_id(session: Session, name: str) -> int | None:
    person = session.exec(select(Person).where(Person.name == name)).first()
    return person.id if person else None


def _seed_config(session: Session, units: dict[str, int], now: datetime) -> None:
    rules = [
        RoutingRuleCreate(district=d, unit_id=units[code], note="属地管辖")
        for d, code in DISTRICT_UNITS.items()
    ]
    rules += [
        RoutingRuleCreate(
            district="城东区",
            domain=Domain.food,
            unit_id=units["fo-chengdong-dongguan"],
            note="东关所负责辖区食品",
        ),
        RoutingRuleCreate(
            district="城西区",
            domain=Domain.special_equipment,
            unit_id=units["fo-chengxi-xiguan"],
            note="西关所负责辖区特种设备",
        ),
    ]
    rules += [
        RoutingRuleCreate(
            domain=domain,
            unit_id=units["handling"],
            level=RoutingLevel.city,
            overrides_territory=True,
            note="药品、医疗器械、化妆品由市级处置科办理",
        )
        for domain in (Domain.drugs, Domain.medical_devices, Domain.cosmetics)
    ]
    rules.append(RoutingRuleCreate(unit_id=units["intake"], priority=1000, note="无法识别属地"))
    for rule in rules:
        config.create_routing_rule(session, data=rule, actor=ACTOR, now=now)
    terms.seed_terms(session, classify.default_terms())
    session.commit()
    supervisor = _person_id(session, "马超")
    for code, contact in CONTACTS.items():
        config.set_profile(
            session,
            unit_id=units[code],
            data=UnitProfileUpdate(
                contact_person_id=_person_id(session, contact),
                supervisor_person_id=supervisor,
                supervisor_group="leadership",
            ),
            groups=plans.known_groups(()),  # the leadership group, with or without a robot
            actor=ACTOR,
            now=now,
        )


def _walk(session: Session, item: Complaint, steps: tuple[str, ...], start: datetime) -> None:
    at = start
    for step in steps:
        at += WALK_STEP
        assert item.id is not None
        actions.act(
            session,
            complaint_id=item.id,
            action=Action(step),
            actor=STAFF,
            now=at,
            data=STEP_INPUT.get(step, ActionInput()),
        )


def _report_initial(session: Session, item: Complaint, at: datetime) -> None:
    user = session.exec(select(User).where(User.username == "coordinator")).first()
    if item.incident_id is None or user is None:
        return
    data = IncidentReportCreate(
        kind=IncidentReportKind.initial,
        reported_to="市市场监管局应急值班室",
        summary="幸福小区3号楼电梯困人，2名老人被困；已通知维保单位和消防救援。",
    )
    reporting.record_report(
        session, incident_id=item.incident_id, data=data, user=user, now=at, tz=DEMO_TZ
    )


def seed_complaints(session: Session, *, now: datetime) -> int:
    """Seed the demo items unless there are some already. Returns how many were created."""
    if session.exec(select(Complaint.id).limit(1)).first() is not None:
        return 0
    units = _unit_ids(session)
    _seed_config(session, units, now)
    count = 0
    samples = [*SAMPLES, *SAMPLES[:12]]  # a second wave: related items form clusters
    for index, sample in enumerate(samples):
        days = sample.days_ago + (0 if index < len(SAMPLES) else 1.5)
        received = now - timedelta(days=days)
        data = intake_data(sample, index, received)
        items = service.register(session, data=data, actor=ACTOR, now=received)
        if sample.steps:
            _walk(session, items[0], sample.steps, received)
        count += len(items)
    for index, (order_no, text, place, days, steps) in enumerate(TWELVE345):
        received = now - timedelta(days=days)
        data = ComplaintCreate.model_validate(
            {
                "item_type": "complaint",
                "channel": Channel.transfer_12345,
                "external_ref": order_no,
                "description": text,
                "occurred_address": place,
                "respondent_address": place,
                "submitter_phone": f"1370000{index:04d}",
                "received_at": received,
            }
        )
        (order,) = service.register(session, data=data, actor=ACTOR, now=received)
        _walk(session, order, steps, received)
        count += 1
    received = now - timedelta(days=EMERGENCY.days_ago)
    (urgent,) = service.register(
        session, data=intake_data(EMERGENCY, 99, received), actor=ACTOR, now=received
    )
    # a step of _walk comes 20 hours after the one before: distributed a minute after receipt
    _walk(session, urgent, ("distribute",), received + timedelta(minutes=1) - WALK_STEP)
    _report_initial(session, urgent, received + timedelta(minutes=2))
    supervision.run_once(session, now=now)  # mark what is already late, as the tick would
    return count + 1
