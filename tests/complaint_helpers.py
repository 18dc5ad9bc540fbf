"""Plain helpers for complaint tests: a small centre (intake section, two district bureaus,
a city drug division), routing rules, unit profiles and a valid submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from complaints import config
from complaints.config_schemas import RoutingRuleCreate, UnitProfileUpdate
from complaints.schemas import ComplaintCreate
from complaints.vocab import Channel, Domain, ItemType
from core.users import Role, User
from escalation.plans import known_groups
from oncall.models import ContactCreate, ContactKind, DutyRole, Person, Unit, UnitKind
from tests.conftest import T0, make_token, make_user
from tests.factories import make_person, make_unit

# both parties' consent, which starting mediation records (O121 Art. 18)
CONSENT = {"complainant_consent": True, "respondent_consent": True}


@dataclass
class Centre:
    intake: Unit
    east: Unit
    west: Unit
    drugs: Unit
    east_contact: Person
    east_supervisor: Person
    west_contact: Person

    @property
    def east_id(self) -> int:
        assert self.east.id is not None
        return self.east.id

    @property
    def west_id(self) -> int:
        assert self.west.id is not None
        return self.west.id


def make_centre(session: Session) -> Centre:
    intake = make_unit(session, code="intake", name="受理科", kind=UnitKind.section)
    east = make_unit(
        session, code="d-east", name="城东区局", kind=UnitKind.district, district="城东区"
    )
    west = make_unit(
        session, code="d-west", name="城西区局", kind=UnitKind.district, district="城西区"
    )
    drugs = make_unit(session, code="city-drugs", name="市局药品处", kind=UnitKind.section)
    east_contact = make_person(
        session,
        unit=east,
        name="许涛",
        duty_roles=[DutyRole.handler],
        contacts=[ContactCreate(kind=ContactKind.mobile, value="+8613800000101")],
    )
    east_supervisor = make_person(
        session,
        unit=east,
        name="王局长",
        duty_roles=[DutyRole.leader],
        contacts=[ContactCreate(kind=ContactKind.mobile, value="+8613800000102")],
    )
    west_contact = make_person(
        session,
        unit=west,
        name="韩梅",
        duty_roles=[DutyRole.handler],
        contacts=[ContactCreate(kind=ContactKind.mobile, value="+8613800000103")],
    )
    for district, unit in (("城东区", east), ("城西区", west)):
        assert unit.id is not None
        config.create_routing_rule(
            session,
            data=RoutingRuleCreate(district=district, unit_id=unit.id),
            actor="test",
            now=T0,
        )
    assert drugs.id is not None and intake.id is not None
    config.create_routing_rule(
        session,
        data=RoutingRuleCreate(domain=Domain.drugs, unit_id=drugs.id, overrides_territory=True),
        actor="test",
        now=T0,
    )
    config.create_routing_rule(
        session, data=RoutingRuleCreate(unit_id=intake.id, priority=1000), actor="test", now=T0
    )
    assert east.id is not None
    config.set_profile(
        session,
        unit_id=east.id,
        data=UnitProfileUpdate(
            contact_person_id=east_contact.id,
            supervisor_person_id=east_supervisor.id,
            supervisor_group="leadership",
        ),
        groups=known_groups(()),
        actor="test",
        now=T0,
    )
    return Centre(intake, east, west, drugs, east_contact, east_supervisor, west_contact)


def complaint_data(**overrides: Any) -> ComplaintCreate:
    data: dict[str, Any] = {
        "item_type": ItemType.complaint,
        "channel": Channel.hotline_12315,
        "description": "11月20日在城东区幸福路88号好再来超市购买的酸奶标价12元，结账收15元。",
        "claim": "退还多收的3元并赔偿",
        "submitter_name": "张三",
        "submitter_phone": "13800138000",
        "submitter_id_type": "居民身份证",
        "submitter_id_number": "110101199001011234",
        "submitter_address": "城西区和平路1号",
        "respondent_name": "好再来超市有限公司",
        "respondent_address": "城东区幸福路88号",
    }
    data.update(overrides)
    return ComplaintCreate.model_validate(data)


def report_data(**overrides: Any) -> ComplaintCreate:
    data: dict[str, Any] = {
        "item_type": ItemType.report,
        "channel": Channel.platform_12315,
        "description": "该店长期销售过期食品，货架上有多批过期面包。",
        "clue": "城西区民生路5号便民小卖部销售过期食品",
        "occurred_address": "城西区民生路5号",
        "respondent_name": "便民小卖部",
        "submitter_name": "李四",
        "submitter_phone": "13900139000",
    }
    data.update(overrides)
    return ComplaintCreate.model_validate(data)


def handler_user(session: Session, unit: Unit, username: str) -> User:
    """A handler login linked to the first person of `unit`, so the unit's items are theirs."""
    user = make_user(session, role=Role.handler, username=username)
    person = session.exec(select(Person).where(Person.unit_id == unit.id)).first()
    assert person is not None
    person.user_id = user.id
    session.add(person)
    session.commit()
    return user


def handler_headers(session: Session, unit: Unit, username: str) -> dict[str, str]:
    """Bearer headers of `handler_user`."""
    return {"Authorization": f"Bearer {make_token(session, handler_user(session, unit, username))}"}
